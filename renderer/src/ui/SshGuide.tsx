/**
 * The SSH guide: create a key → copy the public key → add it to Bitbucket (for you, through the
 * linked account, or by pasting it on Bitbucket's page) → trust Bitbucket's host keys → point ssh at
 * the key → ssh -T → switch the remote → final check.
 */
import { useState } from 'react';
import { CLOUD_SSH_HOST } from '../../../app/contract/facts.js';
import { keyAddHeadline } from '../state/account.js';
import { useActions, useGuide, useRepoGuide } from '../state/context.js';
import { currentGuide } from '../state/guide-state.js';
import type { SshStep } from '../state/guide-steps.js';
import { remoteOf, switchFixOf } from '../state/selectors.js';
import { ConnectOffer, usableLink, useRepoAccount } from './Account.js';
import { KeyAddAnswer, LinkedAccountLine } from './AccountKey.js';
import { Actions, ErrorNote, ManualSteps, PrimaryButton, SecretField, Working } from './common.js';
import { FinalCheck } from './HttpsGuide.js';
import { CopyFingerprintButton, CopyKeyButton, OpenPageButton } from './PageButtons.js';
import { VerifyAnswer } from './SshAnswer.js';
import { PlannedStep, WizardFrame } from './Wizard.js';

function GenerateStep() {
  // Read once when the user confirms, then forgotten: never stored.
  const [passphrase, setPassphrase] = useState('');
  const takePassphrase = () => {
    const value = passphrase;
    setPassphrase('');
    return value ? { passphrase: value } : undefined;
  };
  return (
    <PlannedStep
      flow="ssh"
      step="generate"
      fixId="ssh.generate-key"
      changesHeading="Files it will create"
      intro={<p>An SSH key is a pair of files: a private key that never leaves this computer, and a public key that you give Bitbucket.</p>}
      extra={
        <SecretField
          label="Passphrase (optional)"
          noun="passphrase"
          value={passphrase}
          onChange={setPassphrase}
          hint="Protects the key if someone copies the file. Leave it empty if you are not sure: apps cannot type a passphrase for you."
        />
      }
      input={takePassphrase}
      applyLabel="Create the key"
    />
  );
}

function NeedsKey() {
  const { go, back } = useActions();
  return (
    <>
      <p className="note note-info">Create the key first: this step needs its public key.</p>
      <Actions onBack={back}>
        <PrimaryButton onClick={() => go({ name: 'ssh', step: 'generate' })}>Create the key</PrimaryButton>
      </Actions>
    </>
  );
}

function CopyStep() {
  const { back, completeStep } = useActions();
  const key = useRepoGuide()?.ssh?.key ?? null;
  const copied = useGuide((s) => s.ops.copyKey.status === 'done' && s.ops.copyKey.value.copied);
  return (
    <WizardFrame flow="ssh" step="copy" heading="Copy your public key">
      {key ? (
        <>
          <p>This is the public half of your key: safe to share. Bitbucket needs it to recognise this computer.</p>
          <pre className="mono key" aria-label="Public key" tabIndex={0}>
            {key.publicKey}
          </pre>
          <p className="muted">
            Fingerprint <span className="mono">{key.fingerprint}</span>, file <span className="mono">{key.publicKeyPath}</span>{' '}
            <CopyFingerprintButton fingerprint={key.fingerprint} />
          </p>
          <CopyKeyButton />
          <Actions onBack={back}>
            <PrimaryButton onClick={() => completeStep('ssh', 'copy', copied ? 'You copied the public key.' : null)}>Next</PrimaryButton>
          </Actions>
        </>
      ) : (
        <NeedsKey />
      )}
    </WizardFrame>
  );
}

/** Adding the key by hand: Bitbucket's SSH keys page, what to do there, the key to paste. */
function ManualAdd() {
  const plan = useGuide((s) => s.ops.plans['open.ssh-keys-page']);
  const key = useRepoGuide()?.ssh?.key ?? null;
  const steps = plan?.status === 'done' ? plan.value.manualSteps : [];
  return (
    <>
      <OpenPageButton target={{ kind: 'ssh-keys' }}>Open Bitbucket&apos;s SSH keys page</OpenPageButton>
      {steps.length > 0 ? (
        <>
          <h2>On that page</h2>
          <ManualSteps steps={steps} />
        </>
      ) : (
        <p>Choose Add key, give it a name you will recognise (this computer&apos;s name), paste the public key, and save.</p>
      )}
      {key ? <CopyKeyButton /> : null}
    </>
  );
}

const BY_HAND = 'You added the public key in Bitbucket.';

/**
 * With a linked account: "Add this key to my account" (keys.add for the key this guide created),
 * Bitbucket's answer in plain words, and pasting by hand as the alternative. Without one: the
 * copy-and-paste path, and the offer to connect.
 */
function AddStep() {
  const { addKeyToAccount, back, completeStep, restartSsh } = useActions();
  const key = useRepoGuide()?.ssh?.key ?? null;
  const account = useRepoAccount();
  const keyAdd = useGuide((s) => s.ops.keyAdd);
  const linked = usableLink(account);
  const added = keyAdd.status === 'done' && (!key || keyAdd.value.fingerprint === key.fingerprint) ? keyAdd.value : null;
  const checking = account.status === 'idle' || account.status === 'running';
  return (
    <WizardFrame flow="ssh" step="add">
      <p>Bitbucket lets you push with a key once the public key is on your account.</p>
      {checking ? <Working>Checking whether your Bitbucket account is connected…</Working> : null}
      {linked ? (
        <>
          <LinkedAccountLine status={linked} />
          {key ? (
            <p>
              The key to add: <span className="mono">{key.fingerprint}</span> (<span className="mono">{key.publicKeyPath}</span>)
            </p>
          ) : null}
          <KeyAddAnswer onNewKey={restartSsh} />
          {added ? null : (
            <details className="why">
              <summary>Add it by hand instead</summary>
              <ManualAdd />
              <button type="button" className="secondary" onClick={() => completeStep('ssh', 'add', BY_HAND)}>
                I added the key by hand
              </button>
            </details>
          )}
        </>
      ) : null}
      {!linked && !checking ? (
        <>
          <ManualAdd />
          <ConnectOffer status={account.status === 'done' ? account.value : null}>
            Or let Push Doctor add the key for you: connect your Bitbucket account (optional).
          </ConnectOffer>
        </>
      ) : null}
      <Actions onBack={back}>
        {linked && added ? (
          <PrimaryButton onClick={() => completeStep('ssh', 'add', `${keyAddHeadline(added)} (${added.fingerprint})`)}>Next</PrimaryButton>
        ) : linked ? (
          <PrimaryButton onClick={() => void addKeyToAccount(key?.publicKeyPath)} busy={keyAdd.status === 'running'}>
            Add this key to my account
          </PrimaryButton>
        ) : (
          <PrimaryButton onClick={() => completeStep('ssh', 'add', BY_HAND)} disabled={checking}>
            I added the key
          </PrimaryButton>
        )}
      </Actions>
    </WizardFrame>
  );
}

function TrustStep() {
  return (
    <PlannedStep
      flow="ssh"
      step="trust"
      fixId="ssh.trust-host-keys"
      intro={<p>ssh checks that it really talks to Bitbucket by comparing the server&apos;s key with the ones it trusts. These are the keys Bitbucket publishes:</p>}
    />
  );
}

function ConfigureStep() {
  return (
    <PlannedStep
      flow="ssh"
      step="configure"
      fixId="ssh.configure-host"
      intro={<p>Tell ssh to offer this key to Bitbucket, so it does not try other keys first and get refused.</p>}
    />
  );
}

function TestStep() {
  const { back, completeStep, go, verifySsh } = useActions();
  const verify = useGuide((s) => s.ops.sshVerify);
  const note = useRepoGuide()?.ssh?.notes.test;
  const result = verify.status === 'done' ? verify.value : null;
  const passed = result?.ok === true || (verify.status === 'idle' && Boolean(note));
  return (
    <WizardFrame flow="ssh" step="test">
      <p>
        This runs <span className="mono">ssh -T</span> the way git does. Bitbucket answers with a greeting when it accepts your key.
      </p>
      {verify.status === 'running' ? <Working>Connecting to Bitbucket…</Working> : null}
      {result ? <VerifyAnswer result={result} onBackToAdd={() => go({ name: 'ssh', step: 'add' })} /> : null}
      {verify.status === 'idle' && note ? <p className="note note-ok">{note}</p> : null}
      {verify.status === 'failed' ? <ErrorNote error={verify.error} /> : null}
      <Actions onBack={back}>
        {passed ? (
          <PrimaryButton onClick={() => completeStep('ssh', 'test', null)}>Next</PrimaryButton>
        ) : (
          <PrimaryButton onClick={() => void verifySsh()} busy={verify.status === 'running'}>
            {verify.status === 'done' || verify.status === 'failed' ? 'Test again' : 'Test the connection'}
          </PrimaryButton>
        )}
      </Actions>
    </WizardFrame>
  );
}

function SwitchStep() {
  const remote = useGuide((s) => remoteOf(s.repo, currentGuide(s).remote));
  const fixId = useGuide(switchFixOf);
  return (
    <PlannedStep
      flow="ssh"
      step="switch"
      fixId={fixId}
      intro={
        remote?.onCloudSshHost ? (
          <p>
            The remote already pushes over SSH to <span className="mono">{CLOUD_SSH_HOST}</span>.
          </p>
        ) : (
          <p>
            Last, git needs to push over SSH to <span className="mono">{CLOUD_SSH_HOST}</span>. Only this repository&apos;s remote address changes.
          </p>
        )
      }
    />
  );
}

export function SshGuide({ step }: { step: SshStep }) {
  switch (step) {
    case 'generate':
      return <GenerateStep />;
    case 'copy':
      return <CopyStep />;
    case 'add':
      return <AddStep />;
    case 'trust':
      return <TrustStep />;
    case 'configure':
      return <ConfigureStep />;
    case 'test':
      return <TestStep />;
    case 'switch':
      return <SwitchStep />;
    case 'verify':
      return <FinalCheck flow="ssh" />;
  }
}
