/** Small building blocks every screen uses: headings that take focus, status badges, actions, fields. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ContractError } from '../../../app/contract/channels.js';
import type { FixPlan } from '../../../app/contract/fixes.js';
import type { Async } from '../state/async-op.js';
import { hintFor } from '../state/wording.js';
import type { StatusWords } from './format.js';

/** The screen's heading. It takes focus when the screen or step appears, so the reader starts there. */
export function StepHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="step-heading">
      {children}
    </h1>
  );
}

/** An icon and a word: status is never told by colour alone. */
export function StatusBadge({ words }: { words: StatusWords }) {
  return (
    <span className={`badge badge-${words.tone}`}>
      {words.tone === 'running' ? <span className="spinner" aria-hidden="true" /> : <span className="badge-icon" aria-hidden="true">{words.icon}</span>}
      <span className="badge-word">{words.word}</span>
    </span>
  );
}

/** The row at the bottom of a step: Back on the left, the primary action on the right. */
export function Actions({ onBack, backLabel = 'Back', children }: { onBack?: (() => void) | undefined; backLabel?: string; children?: ReactNode }) {
  return (
    <div className="actions">
      {onBack ? (
        <button type="button" className="link back" onClick={onBack} data-back="">
          <span aria-hidden="true">← </span>
          {backLabel}
        </button>
      ) : (
        <span />
      )}
      <div className="actions-main">{children}</div>
    </div>
  );
}

/**
 * The one button Enter activates when focus is not on another control. While its action runs it is
 * `busy`: it ignores clicks but stays focusable, so keyboard focus is not lost to the page.
 */
export function PrimaryButton({
  children,
  onClick,
  disabled,
  busy = false,
  type = 'button',
}: {
  children: ReactNode;
  onClick?: () => void;
  disabled?: boolean;
  busy?: boolean;
  type?: 'button' | 'submit';
}) {
  return (
    <button
      type={type}
      className="primary"
      onClick={(e) => {
        if (busy) e.preventDefault();
        else onClick?.();
      }}
      disabled={disabled}
      aria-disabled={busy ? true : undefined}
      data-primary=""
    >
      {children}
    </button>
  );
}

/** What went wrong (the engine's one line) and what to try next. Never a stack trace. */
export function ErrorNote({ error, hint }: { error: ContractError; hint?: string }) {
  const next = hint ?? hintFor(error);
  return (
    <div className="note note-error">
      <p>
        <span className="note-icon" aria-hidden="true">
          ✗{' '}
        </span>
        {error.message}
      </p>
      {/* A message that already says what to do ("…Drop one repository folder at a time.") needs no echo. */}
      {error.message.includes(next) ? null : <p>{next}</p>}
    </div>
  );
}

export function Working({ children }: { children: ReactNode }) {
  return (
    <p className="working">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  );
}

/** Lines the engine saw, already redacted, in monospace. */
export function Evidence({ lines }: { lines: string[] }) {
  return (
    <pre className="evidence mono">
      {lines.map((line, i) => (
        <span key={i} className="evidence-line">
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** Label, hint and error around one input; the input gets the ids it must point to. */
function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': true as const } : {}) })}
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
}

/** A masked field with a show/hide toggle. The value lives in the caller's local state only. */
export function SecretField({ noun, value, onChange, ...field }: FieldProps & { /** "token" → "Show token" / "Hide token". */ noun: string }) {
  const [shown, setShown] = useState(false);
  return (
    <Field {...field}>
      {(ids) => (
        <div className="secret-row">
          <input {...ids} className="mono" type={shown ? 'text' : 'password'} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} />
          <button type="button" className="secondary small" onClick={() => setShown(!shown)}>
            {shown ? `Hide ${noun}` : `Show ${noun}`}
          </button>
        </div>
      )}
    </Field>
  );
}

export function TextField({ value, onChange, ...field }: FieldProps) {
  return <Field {...field}>{(ids) => <input {...ids} type="text" value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} />}</Field>;
}

/** File paths and config targets, one per line, in monospace. */
export function PathList({ paths, label }: { paths: string[]; label?: string }) {
  if (paths.length === 0) return null;
  return (
    <ul className="mono paths" aria-label={label}>
      {paths.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}

/** A green "✓ Done" in lists of finished steps and changes. */
export function DoneBadge() {
  return <StatusBadge words={{ tone: 'ok', icon: '✓', word: 'Done' }} />;
}

/** What a fix will do, before the user confirms: changes, facts to check, steps on a web page. */
export function PlanView({ plan, changesHeading = 'What will change', onRetry }: { plan: Async<FixPlan> | undefined; changesHeading?: string; onRetry?: () => void }) {
  if (!plan || plan.status === 'idle' || plan.status === 'running') return <Working>Looking at what this would change…</Working>;
  if (plan.status === 'failed') {
    return (
      <>
        <ErrorNote error={plan.error} />
        {onRetry ? (
          <button type="button" className="secondary" onClick={onRetry}>
            Look again
          </button>
        ) : null}
      </>
    );
  }
  const p = plan.value;
  return (
    <div className="plan">
      {!p.applicable ? (
        <p className="note note-info">
          <span className="note-icon" aria-hidden="true">
            i{' '}
          </span>
          {p.reason ?? 'Nothing to change here.'}
        </p>
      ) : null}
      {p.applicable && p.changes.length > 0 ? (
        <section aria-label={changesHeading}>
          <h2>{changesHeading}</h2>
          <ul className="changes">
            {p.changes.map((c, i) => (
              <li key={i}>
                <span className="change-action">{c.action}</span>
                <span className="change-target mono">{c.target}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {p.details.length > 0 ? (
        <ul className="details mono" aria-label="Details">
          {p.details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Steps to do on a web page, one instruction per line, as the engine words them. */
export function ManualSteps({ steps }: { steps: string[] }) {
  if (steps.length === 0) return null;
  return (
    <ol className="manual-steps">
      {steps.map((s, i) => (
        <li key={i}>{s}</li>
      ))}
    </ol>
  );
}

/** Shows "Copied" for two seconds after each successful copy. */
export function useCopiedFlash(): [boolean, () => void] {
  const [shown, setShown] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const flash = () => {
    if (timer.current) clearTimeout(timer.current);
    setShown(true);
    timer.current = setTimeout(() => setShown(false), 2000);
  };
  return [shown, flash];
}

export function CopiedMark({ shown }: { shown: boolean }) {
  return shown ? (
    <span className="copied">
      <span aria-hidden="true">✓ </span>Copied
    </span>
  ) : null;
}
