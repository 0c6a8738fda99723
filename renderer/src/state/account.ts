/**
 * The Bitbucket account link in the guide: pure transitions of the guide's state (./guide-state.ts) for
 * `account.status`, `account.link`, `account.unlink` and `keys.add`, and the words the screens show
 * for them. Nothing here ever holds a token: it travels from the Connect form straight to
 * `accountLink` (see ./account-actions.ts), and no answer has a field for it.
 */
import type { AccountLinkInput, AccountStatus, KeyAddResult, KeyringState, ScopeCheck, UnlinkResult } from '../../../app/contract/account.js';
import type { Result, Settings } from '../../../app/contract/channels.js';
import { APP_PASSWORD_PREFIX, CLOUD_WEB_HOST } from '../../../app/contract/facts.js';
import type { StatusWords } from '../ui/format.js';
import { IDLE, RUNNING, settle, type Async } from './async-op.js';
import type { GuideState, Screen } from './guide-state.js';
import { announce } from './transitions.js';

export interface AccountPanel {
  /** account.status per site ("bitbucket.org", or a declared Data Center "host[:port]"), for Settings and Connect. */
  sites: Record<string, Async<AccountStatus>>;
  /** The last Connect request: what Bitbucket answered (never the token that went in). */
  link: Async<AccountStatus>;
  unlink: Async<UnlinkResult>;
}

/** Bitbucket Cloud's site, as account.status names it. */
export const CLOUD_SITE = CLOUD_WEB_HOST;

/** The sites an account can be linked for: Cloud, then each Data Center server the user declared. */
export function accountSites(settings: Settings | null): string[] {
  return [CLOUD_SITE, ...(settings?.bitbucketHosts ?? [])];
}

export function siteName(site: string): string {
  return site === CLOUD_SITE ? 'Bitbucket Cloud' : site;
}

/** The Connect screen over the current one (from Connect itself: over what it was opened from). */
export function connectScreen(s: GuideState, site?: string): Screen {
  const returnTo = s.screen.name === 'account' ? s.screen.returnTo : s.screen;
  return site ? { name: 'account', returnTo, site } : { name: 'account', returnTo };
}

function withPanel(s: GuideState, change: (p: AccountPanel) => AccountPanel): GuideState {
  return { ...s, account: change(s.account) };
}

function withSite(s: GuideState, site: string, status: Async<AccountStatus> | undefined): GuideState {
  return withPanel(s, (p) => {
    const sites = { ...p.sites };
    if (status) sites[site] = status;
    else delete sites[site];
    return { ...p, sites };
  });
}

export function statusStarted(s: GuideState, site: string): GuideState {
  return withSite(s, site, RUNNING);
}

export function statusLoaded(s: GuideState, site: string, result: Result<AccountStatus>): GuideState {
  return withSite(s, site, settle(result));
}

/** Connect was pressed: the form already forgot the token; only "checking" is kept. */
export function linkStarted(s: GuideState): GuideState {
  return announce(withPanel(s, (p) => ({ ...p, link: RUNNING })), 'Checking the token with Bitbucket…');
}

/**
 * Bitbucket accepted the link and it is stored: the site shows it, the repository's account is asked
 * again. Refused or not stored: the engine's sentence says why (nothing was stored).
 */
export function linkFinished(s: GuideState, result: Result<AccountStatus>): GuideState {
  const next = withPanel(s, (p) => ({ ...p, link: settle(result) }));
  if (!result.ok) return announce(next, result.error.message);
  const status = result.value;
  const linked = withSite({ ...next, ops: { ...next.ops, account: IDLE, keyAdd: IDLE } }, status.site, settle(result));
  return announce(linked, `Connected to ${siteName(status.site)} as ${whoWords(status)}.`);
}

export function unlinkStarted(s: GuideState): GuideState {
  return withPanel(s, (p) => ({ ...p, unlink: RUNNING }));
}

/** Unlinked: the site is asked again (the environment may still provide a link), and so is the repository's account. */
export function unlinkFinished(s: GuideState, site: string, result: Result<UnlinkResult>): GuideState {
  const next = withPanel(s, (p) => ({ ...p, unlink: settle(result) }));
  if (!result.ok) return announce(next, result.error.message);
  return announce(withSite({ ...next, ops: { ...next.ops, account: IDLE, keyAdd: IDLE } }, site, undefined), result.value.message);
}

/** A key going onto the account makes an earlier ssh -T answer stale. */
export function keyAddStarted(s: GuideState): GuideState {
  return announce({ ...s, ops: { ...s.ops, keyAdd: RUNNING, sshVerify: IDLE } }, 'Adding the key to your Bitbucket account…');
}

export function keyAddFinished(s: GuideState, result: Result<KeyAddResult>): GuideState {
  const next = { ...s, ops: { ...s.ops, keyAdd: settle(result) } };
  return announce(next, result.ok ? keyAddHeadline(result.value) : result.error.message);
}

// ─── Words ────────────────────────────────────────────────────────────────────────────────────────

/** "jdoe (Jane Doe)", or the login when Bitbucket did not name the user. */
export function whoWords(status: AccountStatus): string {
  if (status.username) return status.displayName && status.displayName !== status.username ? `${status.username} (${status.displayName})` : status.username;
  return status.login ?? 'your account';
}

/** How the link stands: linked, or which of the three empty keychain answers. */
export function linkWords(status: AccountStatus): StatusWords {
  if (status.linked) {
    if (status.tokenValid === false) return { tone: 'error', icon: '✗', word: 'Token refused' };
    if (status.tokenValid === null) return { tone: 'warning', icon: '!', word: 'Not checked' };
    return { tone: 'ok', icon: '✓', word: 'Linked' };
  }
  return keyringWords(status.keyring);
}

export function keyringWords(state: KeyringState): StatusWords {
  switch (state) {
    case 'found':
      return { tone: 'ok', icon: '✓', word: 'Linked' };
    case 'none':
      return { tone: 'neutral', icon: '–', word: 'Not linked' };
    case 'locked':
      return { tone: 'warning', icon: '!', word: 'Keychain locked' };
    case 'unavailable':
      return { tone: 'warning', icon: '!', word: 'No keychain' };
  }
}

export function tokenWords(valid: boolean | null): StatusWords {
  if (valid === true) return { tone: 'ok', icon: '✓', word: 'Accepted' };
  if (valid === false) return { tone: 'error', icon: '✗', word: 'Refused' };
  return { tone: 'neutral', icon: '–', word: 'Not checked' };
}

export function scopeWords(check: ScopeCheck): StatusWords {
  switch (check.status) {
    case 'yes':
      return { tone: 'ok', icon: '✓', word: 'Yes' };
    case 'no':
      return { tone: 'error', icon: '✗', word: 'Missing' };
    case 'unknown':
      return { tone: 'neutral', icon: '?', word: 'Unknown' };
  }
}

export function sourceWords(source: AccountStatus['source']): string {
  if (source === 'keyring') return 'In the system keychain';
  if (source === 'environment') return 'In the environment, for as long as it is set';
  return 'Nowhere';
}

/** A key added, or one that was on the account already, in one plain sentence. */
export function keyAddHeadline(result: KeyAddResult): string {
  return result.added ? 'Added the key to your Bitbucket account.' : 'This key is already on your Bitbucket account.';
}

/** Findings about the link itself: they are fixed by connecting again, with a new token. */
const LINK_FINDINGS: ReadonlySet<string> = new Set(['account.token-invalid', 'account.token-scopes']);

export function isLinkFinding(code: string): boolean {
  return LINK_FINDINGS.has(code);
}

// ─── The Connect form ─────────────────────────────────────────────────────────────────────────────

export interface LinkForm {
  site: string;
  email: string;
  /** Data Center: the server address (the declared host, or https://host/context). */
  server: string;
  username: string;
  token: string;
}

export type LinkFormErrors = Partial<Record<'email' | 'server' | 'username' | 'token', string>>;

/** What is wrong with the form before anything is sent, field by field (the engine checks again). */
export function linkFormErrors(form: LinkForm): LinkFormErrors {
  const errors: LinkFormErrors = {};
  const token = form.token.trim();
  if (form.site === CLOUD_SITE) {
    if (!form.email.trim()) errors.email = 'Enter the email address of your Atlassian account.';
    else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.trim())) errors.email = 'That is not an email address. Bitbucket’s API takes your Atlassian account email with an API token.';
  } else {
    if (!form.server.trim()) errors.server = 'Enter the server’s address.';
    if (!form.username.trim()) errors.username = 'Enter your username on this server.';
    else if (/[\s/]/.test(form.username.trim())) errors.username = 'A username is one word, without spaces.';
  }
  if (!token) errors.token = form.site === CLOUD_SITE ? 'Paste the API token you created.' : 'Paste the HTTP access token you created.';
  else if (/\s/.test(token)) errors.token = 'A token is one word, without spaces. Paste it again.';
  else if (form.site === CLOUD_SITE && token.startsWith(APP_PASSWORD_PREFIX)) errors.token = `This is an app password (it starts with ${APP_PASSWORD_PREFIX}). Bitbucket removed app passwords: create an API token instead.`;
  return errors;
}

/** The request for account.link; the caller forgets the form's token as it sends this. */
export function linkInput(form: LinkForm): AccountLinkInput {
  const token = form.token.trim();
  return form.site === CLOUD_SITE ? { kind: 'cloud', email: form.email.trim(), token } : { kind: 'datacenter', server: form.server.trim(), username: form.username.trim(), token };
}
