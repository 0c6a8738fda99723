/**
 * The Bitbucket account link in Settings (one entry per site: Cloud and each declared Data Center
 * server) and the parts other screens share: its status, asked for when first shown, and the offer
 * to connect.
 */
import { useEffect, useRef, useState } from 'react';
import type { AccountStatus } from '../../../app/contract/account.js';
import type { Settings } from '../../../app/contract/channels.js';
import { accountSites, CLOUD_SITE, linkWords, scopeWords, siteName, sourceWords, tokenWords, whoWords } from '../state/account.js';
import { useActions, useGuide } from '../state/context.js';
import type { Async } from '../state/async-op.js';
import { ErrorNote, StatusBadge, Working } from './common.js';

/** account.status of a site, asked for the first time it is shown (and again after an unlink). */
export function useSiteStatus(site: string): Async<AccountStatus> | undefined {
  const status = useGuide((s) => s.account.sites[site]);
  const { loadAccountStatus } = useActions();
  useEffect(() => {
    if (!status) void loadAccountStatus(site);
  }, [status, site, loadAccountStatus]);
  return status;
}

/** The account of the open repository's remote (its site decided by the engine), asked for when first shown. */
export function useRepoAccount(): Async<AccountStatus> {
  const status = useGuide((s) => s.ops.account);
  const { loadRepoAccount } = useActions();
  useEffect(() => {
    if (status.status === 'idle') void loadRepoAccount();
  }, [status, loadRepoAccount]);
  return status;
}

/** A link that can be used: linked, and its token not refused. */
export function usableLink(status: Async<AccountStatus> | undefined): AccountStatus | null {
  return status?.status === 'done' && status.value.linked && status.value.tokenValid !== false ? status.value : null;
}

/**
 * The offer to connect the account (or to connect again when its token is refused), with the
 * keychain's sentence when it is locked or missing. Where no keychain exists there is nothing to
 * connect to, and the sentence says what to do instead.
 */
export function ConnectOffer({ status, children, withButton = true }: { status: AccountStatus | null; children: string; withButton?: boolean }) {
  const { connectAccount } = useActions();
  const refused = status?.linked === true && status.tokenValid === false;
  const noKeychain = status !== null && !status.linked && status.keyring === 'unavailable';
  const explain = status && (refused || (!status.linked && status.keyring !== 'none'));
  return (
    <div className="note note-info connect-offer">
      <p>{children}</p>
      {explain ? <p>{status.message}</p> : null}
      {noKeychain || !withButton ? null : (
        <button type="button" className="secondary" onClick={() => connectAccount(status?.site)}>
          {refused ? 'Connect again with a new token…' : 'Connect your Bitbucket account…'}
        </button>
      )}
    </div>
  );
}

function AccountFacts({ status }: { status: AccountStatus }) {
  const { push, sshKeys } = status.scopes;
  return (
    <dl className="account-facts">
      <div>
        <dt>Bitbucket user</dt>
        <dd>{status.username ? whoWords(status) : 'Not known yet'}</dd>
      </div>
      <div>
        <dt>{status.kind === 'cloud' ? 'Atlassian email' : 'Username'}</dt>
        <dd className="mono">{status.login}</dd>
      </div>
      <div>
        <dt>Token</dt>
        <dd>
          <StatusBadge words={tokenWords(status.tokenValid)} />
        </dd>
      </div>
      <div>
        <dt>Scopes for git push</dt>
        <dd>
          <StatusBadge words={scopeWords(push)} /> <span className="muted">{push.detail}</span>
        </dd>
      </div>
      <div>
        <dt>Scopes for SSH keys</dt>
        <dd>
          <StatusBadge words={scopeWords(sshKeys)} /> <span className="muted">{sshKeys.detail}</span>
        </dd>
      </div>
      <div>
        <dt>Kept</dt>
        <dd>{sourceWords(status.source)}</dd>
      </div>
    </dl>
  );
}

/** Unlink, asked once more: what it removes and what it leaves. */
function UnlinkButton({ status, onDone }: { status: AccountStatus; onDone: () => void }) {
  const { unlinkAccount } = useActions();
  const unlink = useGuide((s) => s.account.unlink);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  if (!confirming) {
    return (
      <button type="button" className="secondary small" onClick={() => setConfirming(true)} aria-label={`Unlink ${siteName(status.site)}…`}>
        Unlink…
      </button>
    );
  }
  const doIt = async () => {
    if (!(await unlinkAccount(status.site))) return;
    setConfirming(false);
    onDone();
  };
  return (
    <div className="note note-info confirm" role="group" aria-label={`Unlink ${siteName(status.site)}`}>
      <p>
        Remove the link to {whoWords(status)} from the system keychain? Push Doctor then stops checking your account. The token itself stays valid at Bitbucket until you revoke
        it there.
      </p>
      {unlink.status === 'failed' ? <ErrorNote error={unlink.error} /> : null}
      <div className="inline-actions">
        <button ref={confirmRef} type="button" className="secondary" onClick={() => void doIt()} disabled={unlink.status === 'running'}>
          Unlink
        </button>
        <button type="button" className="link" onClick={() => setConfirming(false)}>
          Keep it
        </button>
      </div>
    </div>
  );
}

function AccountSite({ site }: { site: string }) {
  const { connectAccount, loadAccountStatus } = useActions();
  const status = useSiteStatus(site);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const value = status?.status === 'done' ? status.value : null;
  const needsNewToken = value?.linked === true && (value.tokenValid === false || value.scopes.sshKeys.status === 'no');
  return (
    <li className="account-site">
      <div className="settings-item">
        <h3 ref={headingRef} tabIndex={-1} className="account-site-name">
          {siteName(site)}
        </h3>
        {value ? <StatusBadge words={linkWords(value)} /> : null}
      </div>
      {!status || status.status === 'running' || status.status === 'idle' ? <Working>Asking your keychain and Bitbucket…</Working> : null}
      {status?.status === 'failed' ? <ErrorNote error={status.error} /> : null}
      {value?.linked ? <AccountFacts status={value} /> : null}
      {value ? <p className={value.linked && value.tokenValid ? 'muted' : undefined}>{value.message}</p> : null}
      {value ? (
        <div className="inline-actions account-actions">
          {value.linked && value.source === 'keyring' ? <UnlinkButton status={value} onDone={() => headingRef.current?.focus()} /> : null}
          {value.keyring === 'locked' ? (
            <button type="button" className="secondary small" onClick={() => void loadAccountStatus(site)}>
              Try again
            </button>
          ) : null}
          {!value.linked && value.keyring !== 'unavailable' ? (
            <button type="button" className="secondary small" onClick={() => connectAccount(site)}>
              {site === CLOUD_SITE ? 'Connect your Bitbucket Cloud account…' : `Connect your account on ${site}…`}
            </button>
          ) : null}
          {needsNewToken ? (
            <button type="button" className="secondary small" onClick={() => connectAccount(site)}>
              Connect again with a new token…
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** The body of Settings' first section: the account link of each site, with Connect and Unlink. */
export function AccountLinks({ values }: { values: Settings | null }) {
  return (
    <>
      <p className="muted">
        Optional. With your account connected, Push Doctor can tell whether your SSH key is on your account and add a new one for you. The token is kept only in the system
        keychain, never in a file.
      </p>
      <ul className="account-sites">
        {accountSites(values).map((site) => (
          <AccountSite key={site} site={site} />
        ))}
      </ul>
    </>
  );
}
