/**
 * Adding an SSH key to the linked Bitbucket account (keys.add): Bitbucket's answer in plain words,
 * and the screen of the fix ssh.add-key-to-account (the key ssh offers → the account → ssh -T).
 */
import type { AccountStatus } from '../../../app/contract/account.js';
import { keyAddHeadline, siteName, whoWords } from '../state/account.js';
import { useActions, useGuide, useRepoGuide } from '../state/context.js';
import { ConnectOffer, usableLink, useRepoAccount } from './Account.js';
import { Actions, ErrorNote, PlanView, PrimaryButton, ProblemNote, StepHeading, Working } from './common.js';
import { VerifyAnswer } from './SshAnswer.js';

export function LinkedAccountLine({ status }: { status: AccountStatus }) {
  return (
    <p>
      Your Bitbucket account is connected: <strong>{whoWords(status)}</strong> on {siteName(status.site)}.
    </p>
  );
}

/** What keys.add answered: added, already on this account, registered on another one, or why not. */
export function KeyAddAnswer({ onNewKey }: { onNewKey?: () => void }) {
  const keyAdd = useGuide((s) => s.ops.keyAdd);
  if (keyAdd.status === 'running') return <Working>Adding the key to your Bitbucket account…</Working>;
  if (keyAdd.status === 'done') {
    const result = keyAdd.value;
    return (
      <div className="note note-ok">
        <p>
          <span className="note-icon" aria-hidden="true">
            ✓{' '}
          </span>
          {keyAddHeadline(result)}
        </p>
        <p>
          Fingerprint <span className="mono">{result.fingerprint}</span>
          {result.label ? <>, labelled “{result.label}”</> : null}
        </p>
        <p className="muted">{result.message}</p>
      </div>
    );
  }
  if (keyAdd.status === 'failed' && keyAdd.error.code === 'conflict') {
    return (
      <ProblemNote headline="Bitbucket already has this key, but on another account (or as a repository’s access key). A key can be on one account only.">
        <p>{keyAdd.error.message}</p>
        {onNewKey ? (
          <button type="button" className="secondary" onClick={onNewKey}>
            Create a new key instead
          </button>
        ) : null}
      </ProblemNote>
    );
  }
  if (keyAdd.status === 'failed') return <ErrorNote error={keyAdd.error} />;
  return null;
}

/** The fix ssh.add-key-to-account: which key goes onto which account, Bitbucket's answer, then ssh -T. */
export function AccountKeyScreen() {
  const { addKeyToAccount, back, connectAccount, describe, recheck, startFix, verifySsh } = useActions();
  const title = useGuide((s) => s.fixTitles['ssh.add-key-to-account']);
  const plan = useGuide((s) => s.ops.plans['ssh.add-key-to-account']);
  const keyAdd = useGuide((s) => s.ops.keyAdd);
  const verify = useGuide((s) => s.ops.sshVerify);
  const remote = useRepoGuide()?.remote ?? null;
  const account = useRepoAccount();
  const linked = usableLink(account);
  const status = account.status === 'done' ? account.value : null;
  const ready = plan?.status === 'done' ? plan.value : null;
  const added = keyAdd.status === 'done' ? keyAdd.value : null;
  const answered = verify.status === 'done' ? verify.value : null;
  const byHand = () => startFix('open.ssh-keys-page', remote);

  let primary;
  if (!linked) {
    primary =
      status && !status.linked && status.keyring === 'unavailable' ? (
        <PrimaryButton onClick={byHand}>Add it by hand on Bitbucket</PrimaryButton>
      ) : (
        <PrimaryButton onClick={() => connectAccount(status?.site)} disabled={!status}>
          Connect your Bitbucket account
        </PrimaryButton>
      );
  } else if (ready && !ready.applicable && !added) primary = <PrimaryButton onClick={back}>Back to the diagnosis</PrimaryButton>;
  else if (!added)
    primary = (
      <PrimaryButton onClick={() => void addKeyToAccount()} busy={keyAdd.status === 'running'}>
        Add this key to my account
      </PrimaryButton>
    );
  else if (!answered?.ok)
    primary = (
      <PrimaryButton onClick={() => void verifySsh()} busy={verify.status === 'running'}>
        {answered ? 'Test again' : 'Test the connection'}
      </PrimaryButton>
    );
  else primary = <PrimaryButton onClick={() => void recheck()}>Check again</PrimaryButton>;

  return (
    <div className="screen">
      <StepHeading>{title ?? 'Add your SSH key to your Bitbucket account'}</StepHeading>
      {account.status === 'idle' || account.status === 'running' ? <Working>Checking whether your Bitbucket account is connected…</Working> : null}
      {account.status === 'failed' ? <ErrorNote error={account.error} /> : null}
      {linked ? (
        <>
          <LinkedAccountLine status={linked} />
          {added ? null : <PlanView plan={plan} onRetry={() => void describe('ssh.add-key-to-account')} />}
          <KeyAddAnswer onNewKey={() => startFix('ssh.generate-key', remote)} />
          {added ? (
            <section aria-labelledby="ssh-test-heading">
              <h2 id="ssh-test-heading">Test the connection</h2>
              <p>
                This runs <span className="mono">ssh -T</span> the way git does. Bitbucket answers with a greeting when it accepts your key.
              </p>
              {verify.status === 'running' ? <Working>Connecting to Bitbucket…</Working> : null}
              {answered ? <VerifyAnswer result={answered} /> : null}
              {verify.status === 'failed' ? <ErrorNote error={verify.error} /> : null}
            </section>
          ) : null}
        </>
      ) : null}
      {status && !linked ? (
        <>
          <ConnectOffer status={status} withButton={false}>Push Doctor can add the key ssh offers to your Bitbucket account once the account is connected (optional).</ConnectOffer>
          <button type="button" className="link" onClick={byHand}>
            Add it by hand on Bitbucket’s SSH keys page instead
          </button>
        </>
      ) : null}
      <Actions onBack={back}>{primary}</Actions>
    </div>
  );
}
