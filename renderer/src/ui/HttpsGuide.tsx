/**
 * The HTTPS guide: remove the stale saved password (optional first step), create an API token with
 * the right scopes, enter username and token (tested by the engine before saving), final check.
 */
import { useState, type FormEvent } from 'react';
import { API_TOKEN_PREFIX, API_TOKEN_STATIC_USERNAME, APP_PASSWORD_PREFIX, APP_PASSWORDS_REMOVED_DATE, SCOPES_FOR_PUSH } from '../../../app/contract/facts.js';
import { useActions, useGuide, useRepoGuide } from '../state/context.js';
import type { HttpsStep } from '../state/guide-steps.js';
import { remoteOf } from '../state/selectors.js';
import { Actions, ErrorNote, ManualSteps, PlanView, PrimaryButton, SecretField, TextField } from './common.js';
import { DiagnosisBody } from './Diagnosis.js';
import { formatDay } from './format.js';
import { OpenPageButton } from './PageButtons.js';
import { PlannedStep, WizardFrame } from './Wizard.js';

function ClearStep() {
  return (
    <PlannedStep
      flow="https"
      step="clear"
      fixId="credential.clear"
      changesHeading="What will be removed"
      intro={<p>Git keeps sending the saved password with every push, and Bitbucket keeps refusing it. Removing it touches only the entry shown below.</p>}
    />
  );
}

function TokenStep() {
  const { back, completeStep } = useActions();
  const plan = useGuide((s) => s.ops.plans['open.api-token-page']);
  const steps = plan?.status === 'done' ? plan.value.manualSteps : [];
  return (
    <WizardFrame flow="https" step="token">
      <p>
        Bitbucket removed app passwords on {formatDay(APP_PASSWORDS_REMOVED_DATE)}. Git now signs in with an API token: a secret you create once on
        Atlassian&apos;s website and paste here.
      </p>
      <OpenPageButton target={{ kind: 'api-token' }}>Open Atlassian&apos;s API token page</OpenPageButton>
      {steps.length > 0 ? (
        <>
          <h2>On that page</h2>
          <ManualSteps steps={steps} />
        </>
      ) : (
        <p>Choose to create an API token with scopes, pick Bitbucket, and tick the scopes below. Atlassian shows the token only once: copy it.</p>
      )}
      <section aria-labelledby="scopes-heading">
        <h2 id="scopes-heading">Tick these scopes</h2>
        <ul className="scopes mono">
          {SCOPES_FOR_PUSH.map((scope) => (
            <li key={scope}>{scope}</li>
          ))}
        </ul>
        <p className="muted">Both are needed: the write scope does not include read.</p>
      </section>
      <Actions onBack={back}>
        <PrimaryButton onClick={() => completeStep('https', 'token', null)}>I have my token</PrimaryButton>
      </Actions>
    </WizardFrame>
  );
}

/** Why a username will not work with an API token, or null. */
export function usernameProblem(username: string): string | null {
  if (username.trim() === '') return 'Enter your Bitbucket username.';
  if (username.includes('@'))
    return `That is an email address. Git needs your Bitbucket username here, or the fixed username ${API_TOKEN_STATIC_USERNAME}.`;
  return null;
}

export function tokenProblem(token: string): string | null {
  if (token.trim() === '') return 'Paste the API token you created.';
  if (token.startsWith(APP_PASSWORD_PREFIX))
    return `This is an app password (it starts with ${APP_PASSWORD_PREFIX}). App passwords stopped working on ${formatDay(APP_PASSWORDS_REMOVED_DATE)}: create an API token instead.`;
  return null;
}

function SaveStep() {
  const { applyStep, back, describe } = useActions();
  const repo = useGuide((s) => s.repo);
  const guide = useRepoGuide();
  const plan = useGuide((s) => s.ops.plans['credential.save-token']);
  const applied = useGuide((s) => s.ops.applies['credential.save-token']);
  // Prefilled with the username the engine found in the remote's URL.
  const [username, setUsername] = useState(() => remoteOf(repo, guide?.remote ?? null)?.tokenUsername ?? '');
  // The token lives here only until "Test and save" is pressed; it is never put in the store.
  const [token, setToken] = useState('');
  const [tried, setTried] = useState(false);
  const running = applied?.status === 'running';
  const usernameError = tried ? usernameProblem(username) : null;
  const tokenError = tried ? tokenProblem(token) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (usernameProblem(username) || tokenProblem(token) || running) return;
    const secret = token;
    setToken('');
    setTried(false);
    void applyStep('https', 'save', 'credential.save-token', { username: username.trim(), token: secret.trim() });
  };

  return (
    <WizardFrame flow="https" step="save" heading="Enter your username and token">
      <form onSubmit={submit} noValidate>
        <TextField
          label="Bitbucket username"
          value={username}
          onChange={setUsername}
          error={usernameError}
          hint={
            <>
              Your Bitbucket username, <strong>not your email address</strong>. Find it in Bitbucket under Personal settings. Or use the fixed username{' '}
              <span className="mono">{API_TOKEN_STATIC_USERNAME}</span>, which works with any API token.
            </>
          }
        />
        <button type="button" className="link small field-action" onClick={() => setUsername(API_TOKEN_STATIC_USERNAME)}>
          Use {API_TOKEN_STATIC_USERNAME}
        </button>
        <SecretField
          label="API token"
          noun="token"
          value={token}
          onChange={setToken}
          error={tokenError}
          hint={`It starts with ${API_TOKEN_PREFIX}. Push Doctor tests it with Bitbucket (read and push) before saving it, and does not keep it.`}
        />
        <PlanView plan={plan} onRetry={() => void describe('credential.save-token')} />
        {applied?.status === 'failed' ? <ErrorNote error={applied.error} hint="Check the username, paste the token again, and press Test and save." /> : null}
        <Actions onBack={back}>
          <PrimaryButton type="submit" busy={running}>
            {running ? 'Testing…' : 'Test and save'}
          </PrimaryButton>
        </Actions>
      </form>
    </WizardFrame>
  );
}

export function FinalCheck({ flow }: { flow: 'https' | 'ssh' }) {
  const { back } = useActions();
  return (
    <WizardFrame flow={flow} step="verify" heading="Final check">
      <DiagnosisBody />
      <Actions onBack={back} />
    </WizardFrame>
  );
}

export function HttpsGuide({ step }: { step: HttpsStep }) {
  switch (step) {
    case 'clear':
      return <ClearStep />;
    case 'token':
      return <TokenStep />;
    case 'save':
      return <SaveStep />;
    case 'verify':
      return <FinalCheck flow="https" />;
  }
}
