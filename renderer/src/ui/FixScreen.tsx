/** Any other fix: describe → confirm (changes, inputs, or the page to visit) → apply → diagnose again. */
import { useState, type FormEvent } from 'react';
import type { FixInput, FixInputKind } from '../../../app/contract/fixes.js';
import type { FixId } from '../../../app/contract/report.js';
import { useActions, useGuide } from '../state/context.js';
import { externalTargetFor } from '../state/guide-steps.js';
import { Actions, ErrorNote, ManualSteps, PlanView, PrimaryButton, SecretField, StepHeading, TextField, Working } from './common.js';
import { OpenPageButton } from './PageButtons.js';

const INPUT_LABELS: Record<FixInputKind, { label: string; noun: string; secret: boolean }> = {
  username: { label: 'Bitbucket username (not your email)', noun: 'username', secret: false },
  token: { label: 'API token', noun: 'token', secret: true },
  passphrase: { label: 'Key passphrase', noun: 'passphrase', secret: true },
};

type Values = Partial<Record<FixInputKind, string>>;

function missingInput(kinds: FixInputKind[], values: Values): FixInputKind | null {
  return kinds.find((k) => !values[k]?.trim()) ?? null;
}

export function FixScreen({ fixId }: { fixId: FixId }) {
  const { applyAndRecheck, back, describe, recheck } = useActions();
  const plan = useGuide((s) => s.ops.plans[fixId]);
  const applied = useGuide((s) => s.ops.applies[fixId]);
  const knownTitle = useGuide((s) => s.fixTitles[fixId]);
  const path = useGuide((s) => s.repo?.path ?? '');
  const remote = useGuide((s) => (s.repo ? (s.guides[s.repo.path]?.remote ?? null) : null));
  // Secrets typed here stay in this component until "apply" and are cleared right after.
  const [values, setValues] = useState<Values>({});
  const [tried, setTried] = useState(false);

  const ready = plan?.status === 'done' ? plan.value : null;
  const title = ready?.title ?? knownTitle ?? 'Fix';
  const external = externalTargetFor(fixId, path, remote);
  const running = applied?.status === 'running';
  const missing = ready ? missingInput(ready.inputs, values) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || running) return;
    setTried(true);
    if (missing) return;
    const input: FixInput = {};
    for (const kind of ready.inputs) input[kind] = values[kind]?.trim();
    setValues({});
    setTried(false);
    void applyAndRecheck(fixId, ready.inputs.length > 0 ? input : undefined);
  };

  let primary;
  if (!ready) primary = <PrimaryButton disabled>{title}</PrimaryButton>;
  else if (!ready.applicable) primary = <PrimaryButton onClick={back}>Back to the diagnosis</PrimaryButton>;
  else if (external) primary = <PrimaryButton onClick={() => void recheck()}>Check again</PrimaryButton>;
  else
    primary = (
      <PrimaryButton type="submit" busy={running}>
        {running ? 'Working…' : ready.changes.length > 1 ? 'Make these changes' : 'Make this change'}
      </PrimaryButton>
    );

  return (
    <div className="screen">
      <StepHeading>{title}</StepHeading>
      <form onSubmit={submit} noValidate>
        <PlanView plan={plan} onRetry={() => void describe(fixId)} />
        {ready?.applicable && external ? (
          <>
            <ManualSteps steps={ready.manualSteps} />
            <OpenPageButton target={external}>Open the page</OpenPageButton>
            <p className="muted">When you are done there, come back and check again.</p>
          </>
        ) : null}
        {ready?.applicable && !external
          ? ready.inputs.map((kind) => {
              const { label, noun, secret } = INPUT_LABELS[kind];
              const error = tried && missing === kind ? `Enter the ${noun}.` : null;
              const onChange = (v: string) => setValues((old) => ({ ...old, [kind]: v }));
              return secret ? (
                <SecretField key={kind} label={label} noun={noun} value={values[kind] ?? ''} onChange={onChange} error={error} />
              ) : (
                <TextField key={kind} label={label} value={values[kind] ?? ''} onChange={onChange} error={error} />
              );
            })
          : null}
        {running ? <Working>Making the change…</Working> : null}
        {applied?.status === 'failed' ? <ErrorNote error={applied.error} /> : null}
        <Actions onBack={back}>{primary}</Actions>
      </form>
    </div>
  );
}
