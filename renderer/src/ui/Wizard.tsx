/**
 * The frame of the HTTPS and SSH guides: where the user is, a checked line for every finished step,
 * one decision per screen, Back on the left and the primary action on the right.
 */
import type { ReactNode } from 'react';
import type { FixInput } from '../../../app/contract/fixes.js';
import type { FixId } from '../../../app/contract/report.js';
import { useActions, useGuide, useRepoGuide } from '../state/context.js';
import { HTTPS_STEPS, SSH_STEPS, type HttpsStep, type SshStep } from '../state/guide-steps.js';
import { Actions, DoneBadge, ErrorNote, PlanView, PrimaryButton, StepHeading } from './common.js';

export type Flow = 'https' | 'ssh';
type Step = HttpsStep | SshStep;

export const STEP_LABELS: { https: Record<HttpsStep, string>; ssh: Record<SshStep, string> } = {
  https: { clear: 'Remove the old password', token: 'Create an API token', save: 'Test and save the token', verify: 'Final check' },
  ssh: {
    generate: 'Create an SSH key',
    copy: 'Copy the public key',
    add: 'Add the key to Bitbucket',
    trust: "Trust Bitbucket's host keys",
    configure: 'Point ssh at the key',
    test: 'Test the connection',
    switch: 'Switch the remote to SSH',
    verify: 'Final check',
  },
};

const FLOW_NAMES: Record<Flow, string> = { https: 'Sign in with an API token', ssh: 'Set up SSH' };

function label(flow: Flow, step: Step): string {
  return (STEP_LABELS[flow] as Record<Step, string>)[step];
}

export function WizardFrame({ flow, step, heading, children }: { flow: Flow; step: Step; heading?: string; children: ReactNode }) {
  const { go, restartSsh } = useActions();
  const guide = useRepoGuide();
  const wizard = flow === 'https' ? guide?.https : guide?.ssh;
  const steps: readonly Step[] = wizard?.steps ?? (flow === 'https' ? HTTPS_STEPS : SSH_STEPS);
  const notes = (wizard?.notes ?? {}) as Partial<Record<Step, string>>;
  const index = steps.indexOf(step);
  const finished = steps.filter((s) => s !== step && notes[s]);
  return (
    <div className="screen wizard">
      <p className="eyebrow">
        {FLOW_NAMES[flow]} · Step {index + 1} of {steps.length}
        <span className="eyebrow-links">
          {flow === 'ssh' && finished.length > 0 ? (
            <button type="button" className="link small" onClick={restartSsh}>
              Start over
            </button>
          ) : null}
          <button type="button" className="link small" onClick={() => go({ name: 'diagnosis' })}>
            Leave the guide
          </button>
        </span>
      </p>
      {finished.length > 0 ? (
        <ol className="checked-lines" aria-label="Done so far">
          {finished.map((s) => (
            <li key={s}>
              <DoneBadge />
              <span>
                <span className="checked-step">{label(flow, s)}:</span> {notes[s]}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
      <StepHeading>{heading ?? label(flow, step)}</StepHeading>
      {children}
    </div>
  );
}

/**
 * A step that is one fix: shows the plan (what will change), applies it on the primary button, and
 * shows what it did. A step with nothing to change (plan not applicable) can be passed; a finished
 * step can be done again.
 */
export function PlannedStep({
  flow,
  step,
  fixId,
  intro,
  changesHeading,
  extra,
  input,
  applyLabel,
}: {
  flow: Flow;
  step: Step;
  fixId: FixId;
  intro: ReactNode;
  changesHeading?: string;
  /** Fields (e.g. an optional passphrase) between the plan and the actions. */
  extra?: ReactNode;
  /** Collects (and then forgets) the step's input when the user confirms. */
  input?: () => FixInput | undefined;
  applyLabel?: string;
}) {
  const { applyStep, back, completeStep, describe } = useActions();
  const plan = useGuide((s) => s.ops.plans[fixId]);
  const applied = useGuide((s) => s.ops.applies[fixId]);
  const guide = useRepoGuide();
  const wizard = flow === 'https' ? guide?.https : guide?.ssh;
  const note = (wizard?.notes as Partial<Record<Step, string>> | undefined)?.[step];
  const ready = plan?.status === 'done' ? plan.value : null;
  const running = applied?.status === 'running';

  const doIt = () => void applyStep(flow, step, fixId, input?.());

  return (
    <WizardFrame flow={flow} step={step}>
      {intro}
      {/* Back on a finished step, its checked line says what happened; "nothing to change now" would only contradict it. */}
      {note && ready && !ready.applicable ? null : <PlanView plan={plan} changesHeading={changesHeading ?? 'What will change'} onRetry={() => void describe(fixId)} />}
      {ready?.applicable && !note ? extra : null}
      {note ? (
        <p className="note note-ok">
          <span className="note-icon" aria-hidden="true">
            ✓{' '}
          </span>
          {note}
        </p>
      ) : null}
      {applied?.status === 'failed' ? <ErrorNote error={applied.error} /> : null}
      <Actions onBack={back}>
        {note && ready?.applicable ? (
          <button type="button" className="secondary" onClick={doIt} disabled={running}>
            Do this step again
          </button>
        ) : null}
        {note ? (
          <PrimaryButton onClick={() => completeStep(flow, step, null)}>Next</PrimaryButton>
        ) : ready && !ready.applicable ? (
          <PrimaryButton onClick={() => completeStep(flow, step, ready.reason ?? 'Nothing to change.')}>Next</PrimaryButton>
        ) : (
          <PrimaryButton onClick={doIt} disabled={!ready} busy={running}>
            {running ? 'Working…' : (applyLabel ?? ready?.title ?? label(flow, step))}
          </PrimaryButton>
        )}
      </Actions>
    </WizardFrame>
  );
}
