/**
 * "Connect your Bitbucket account" (optional): where the account is (Bitbucket Cloud, or a Data
 * Center server the user declared), the token to create and its scopes (from the facts), then the
 * login and the token. Nothing is stored unless the user presses Connect, and only after Bitbucket
 * accepted the token (account.link checks it with GET /user first). The token lives in this form's
 * state until that moment and is cleared as the request goes out.
 */
import { useId, useState, type FormEvent } from 'react';
import { ACCOUNT_LINK_SCOPES, API_TOKEN_PREFIX } from '../../../app/contract/facts.js';
import { accountSites, CLOUD_SITE, linkFormErrors, linkInput, siteName, whoWords, type LinkForm } from '../state/account.js';
import { useActions, useGuide } from '../state/context.js';
import { valueOf } from '../state/async-op.js';
import { useSiteStatus } from './Account.js';
import { Actions, ErrorNote, PrimaryButton, SecretField, StepHeading, TextField } from './common.js';
import { OpenPageButton } from './PageButtons.js';

function SitePicker({ sites, site, onChange }: { sites: string[]; site: string; onChange: (site: string) => void }) {
  const name = useId();
  if (sites.length < 2) return null;
  return (
    <fieldset className="site-choice">
      <legend>Where is your account?</legend>
      {sites.map((option) => (
        <label key={option} className="site-option">
          <input type="radio" name={name} value={option} checked={option === site} onChange={() => onChange(option)} />
          {option === CLOUD_SITE ? 'Bitbucket Cloud (bitbucket.org)' : `Your Data Center server ${option}`}
        </label>
      ))}
    </fieldset>
  );
}

/** What the keychain said about this site before connecting: locked, missing, or a link that is replaced. */
function KeychainNote({ site }: { site: string }) {
  const status = valueOf(useSiteStatus(site) ?? { status: 'idle' });
  if (!status) return null;
  if (status.linked) {
    return (
      <p className="note note-info">
        Already connected as {whoWords(status)}
        {status.source === 'environment' ? ' (from the environment)' : ''}. Connecting again replaces the stored link.
      </p>
    );
  }
  if (status.keyring === 'none') return null;
  return (
    <div className="note note-info">
      <p>
        <span className="note-icon" aria-hidden="true">
          !{' '}
        </span>
        {status.message}
      </p>
    </div>
  );
}

function CloudToken() {
  return (
    <section aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">1. Create an API token</h2>
      <p>On Atlassian’s page, choose to create an API token with scopes, pick Bitbucket, and tick these scopes:</p>
      <ul className="scopes scope-uses" aria-label="Scopes to tick">
        {ACCOUNT_LINK_SCOPES.map(({ scope, use, required }) => (
          <li key={scope}>
            <span className="mono">{scope}</span>
            <span className="scope-use">
              {use}
              {required ? '' : ' (optional)'}
            </span>
          </li>
        ))}
      </ul>
      <OpenPageButton target={{ kind: 'api-token' }}>Open Atlassian&apos;s API token page</OpenPageButton>
      <p className="muted">Atlassian shows the token only once: copy it, then paste it below.</p>
    </section>
  );
}

function DataCenterToken({ server }: { server: string }) {
  return (
    <section aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">1. Create an HTTP access token</h2>
      <p>On your server, open your profile picture → Manage account → HTTP access tokens, and create a personal token. Push Doctor uses it to read your account and its SSH keys.</p>
      <OpenPageButton target={{ kind: 'access-tokens', server }}>Open the HTTP access tokens page</OpenPageButton>
    </section>
  );
}

export function AccountConnectScreen({ site: preselected }: { site?: string }) {
  const { back, linkAccount } = useActions();
  const settings = useGuide((s) => valueOf(s.settings.values));
  const link = useGuide((s) => s.account.link);
  const sites = accountSites(settings);
  const initial = preselected && (preselected === CLOUD_SITE || settings === null || sites.includes(preselected)) ? preselected : CLOUD_SITE;
  // The token stays here only until Connect is pressed; it never reaches the store.
  const [form, setForm] = useState<LinkForm>({ site: initial, email: '', server: initial === CLOUD_SITE ? '' : initial, username: '', token: '' });
  const [tried, setTried] = useState(false);
  const running = link.status === 'running';
  const errors = tried ? linkFormErrors(form) : {};
  const cloud = form.site === CLOUD_SITE;
  const set = (patch: Partial<LinkForm>) => setForm((old) => ({ ...old, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (running || Object.keys(linkFormErrors(form)).length > 0) return;
    const input = linkInput(form);
    setForm((old) => ({ ...old, token: '' }));
    setTried(false);
    void linkAccount(input);
  };

  return (
    <div className="screen account-connect">
      <StepHeading>Connect your Bitbucket account</StepHeading>
      <p>
        Optional. Connected, Push Doctor can see whether the SSH key this computer offers is on your account, add a new key for you, and tell whether a token still works.
      </p>
      <SitePicker sites={sites} site={form.site} onChange={(site) => set({ site, server: site === CLOUD_SITE ? '' : site, token: '' })} />
      <KeychainNote site={form.site} />
      {cloud ? <CloudToken /> : <DataCenterToken server={form.server || form.site} />}
      <form onSubmit={submit} noValidate aria-labelledby="connect-heading">
        <h2 id="connect-heading">2. Connect</h2>
        {cloud ? (
          <TextField label="Atlassian account email" value={form.email} onChange={(email) => set({ email })} error={errors.email} hint="The email you log in to Bitbucket with (your Atlassian account)." />
        ) : (
          <>
            <TextField
              label="Server address"
              value={form.server}
              onChange={(server) => set({ server })}
              error={errors.server}
              hint="Add the path when Bitbucket runs under one, for example https://git.example.com/bitbucket."
            />
            <TextField label="Username" value={form.username} onChange={(username) => set({ username })} error={errors.username} hint={`Your username on ${siteName(form.site)}.`} />
          </>
        )}
        <SecretField
          label={cloud ? 'API token' : 'HTTP access token'}
          noun="token"
          value={form.token}
          onChange={(token) => set({ token })}
          error={errors.token}
          hint={`${cloud ? `It starts with ${API_TOKEN_PREFIX}. ` : ''}Push Doctor checks it with Bitbucket first, and keeps it only if Bitbucket accepts it: in the system keychain, never in a file.`}
        />
        {link.status === 'failed' ? <ErrorNote error={link.error} hint="Nothing was stored. Check what you entered, paste the token again, and press Check and connect." /> : null}
        <Actions onBack={back}>
          <PrimaryButton type="submit" busy={running}>
            {running ? 'Checking with Bitbucket…' : 'Check and connect'}
          </PrimaryButton>
        </Actions>
      </form>
    </div>
  );
}
