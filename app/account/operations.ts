import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { AccountKeysListing, AccountLinkInput, AccountStatus, KeyAddResult, ScopeCheck, UnlinkResult } from '../contract/account.js';
import type { EngineContext } from '../context.js';
import { classifySecret } from '../credentials/classify.js';
import { LINKS, SCOPES_FOR_PUSH, SCOPES_FOR_SSH_KEYS, SCOPE_SSH_KEY_READ } from '../facts/bitbucket.js';
import type { ChangeRecorder } from '../fix/change-recorder.js';
import { beginChange } from '../fix/step-recorder.js';
import type { FixScope } from '../fix/types.js';
import { looksLikeEmail } from '../repo/url.js';
import { Secret } from '../secrets/secret.js';
import { checkPublicKeyLine } from '../ssh/public-key-line.js';
import { AccountApiError, failureOf, missingScopes, type AccountKey, type AccountUser, type ApiFailure } from './api.js';
import { accountApi, type AccountApi } from './client.js';
import { SystemAccountKeyring, type AccountKeyring } from './keyring.js';
import { ACCOUNT_ENV, CLOUD_SITE, dataCenterBaseUrl, describeLink, siteOf, type AccountLink, type Site } from './link.js';
import { keysSshOffers, publicKeyFile, type OfferedKey } from './offered-keys.js';
import { resolveAccount } from './resolve.js';

/**
 * What `push-doctor account` / `keys` and the account channels do. Each one either returns its
 * result or throws an AccountError whose message is one sentence for the user (never a secret).
 */
export type AccountErrorCode = 'input' | 'not-linked' | 'refused' | 'unreachable' | 'keyring' | 'conflict';

export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface AccountOptions {
  keyring?: AccountKeyring;
  signal?: AbortSignal;
}

/** The site a command is about: a declared Data Center server, else Bitbucket Cloud. */
export function siteFor(ctx: Pick<EngineContext, 'bitbucketHosts'>): Site {
  return ctx.bitbucketHosts[0] ?? CLOUD_SITE;
}

/** Validates what the user typed and builds the link (the token registered with the run at once). */
export function linkFromInput(ctx: EngineContext, input: AccountLinkInput): AccountLink {
  const token = input.token.trim();
  if (!token || /\s/.test(token)) throw new AccountError('input', 'The token must be one word without spaces.');
  const secret = ctx.secrets.add(new Secret(token));
  if (input.kind === 'cloud') {
    const email = input.email.trim();
    if (!looksLikeEmail(email)) throw new AccountError('input', `"${email.slice(0, 80)}" is not an email address: Bitbucket's API takes your Atlassian account email with an API token.`);
    const kind = classifySecret(secret).kind;
    if (kind === 'app-password') throw new AccountError('input', `This is an app password (${secret.masked}); Bitbucket removed app passwords. Create an API token at ${LINKS.createApiToken}.`);
    if (kind === 'access-token') throw new AccountError('input', `This is a repository, project or workspace access token (${secret.masked}); it belongs to no person. Link an API token of your own account (${LINKS.createApiToken}).`);
    return { kind: 'cloud', email, token: secret };
  }
  const baseUrl = dataCenterBaseUrl(input.server);
  if (!baseUrl) throw new AccountError('input', `"${input.server.slice(0, 80)}" is not a Bitbucket server address (host, host:port or https://host/context).`);
  const username = input.username.trim();
  if (!username || /[\s/]/.test(username)) throw new AccountError('input', 'The Data Center username must be one word.');
  return { kind: 'datacenter', baseUrl, username, token: secret };
}

/** Checks the link with Bitbucket (who is it, may it manage SSH keys) and stores it only when Bitbucket accepted it. */
export async function linkAccount(ctx: EngineContext, input: AccountLinkInput, options: AccountOptions = {}): Promise<AccountStatus> {
  const link = linkFromInput(ctx, input);
  const api = accountApi(ctx, link, options.signal);
  const checked = await checkLink(api);
  if (checked.user === null) {
    const failure = checked.failure!;
    const code: AccountErrorCode = failure.kind === 'timeout' || failure.kind === 'network' || failure.kind === 'server-error' ? 'unreachable' : 'refused';
    throw new AccountError(code, `Not linked: ${checked.message} Nothing was stored.`);
  }
  const keyring = options.keyring ?? new SystemAccountKeyring(ctx);
  const stored = await keyring.write(link);
  if (!stored.ok) throw new AccountError('keyring', `Not linked: ${stored.sentence}`);
  return statusOf(link, 'keyring', checked, `Linked ${describeLink(link)} (Bitbucket user ${checked.user.username ?? checked.user.id}); the token is kept in the system keychain.`);
}

export async function accountStatus(ctx: EngineContext, site: Site = siteFor(ctx), options: AccountOptions = {}): Promise<AccountStatus> {
  const resolved = await resolveAccount(ctx, site, options);
  if (!resolved.ok) {
    const unknown: ScopeCheck = { status: 'unknown', missing: [], detail: 'not linked' };
    return {
      site,
      kind: site === CLOUD_SITE ? 'cloud' : 'datacenter',
      linked: false,
      source: null,
      keyring: resolved.state,
      login: null,
      username: null,
      displayName: null,
      tokenValid: null,
      grantedScopes: null,
      scopes: { push: unknown, sshKeys: unknown },
      // The keychain's sentence alone: each front end says how to link in its own words (the CLI's command, the app's button).
      message: resolved.sentence,
    };
  }
  const checked = await checkLink(accountApi(ctx, resolved.link, options.signal));
  const where = resolved.source === 'environment' ? `from ${ACCOUNT_ENV.token} in the environment` : 'from the system keychain';
  const message = checked.user ? `Linked: ${describeLink(resolved.link)} (${where}).` : checked.message;
  return statusOf(resolved.link, resolved.source, checked, message);
}

export async function unlinkAccount(ctx: EngineContext, site: Site = siteFor(ctx), options: AccountOptions = {}): Promise<UnlinkResult> {
  const keyring = options.keyring ?? new SystemAccountKeyring(ctx);
  const removed = await keyring.delete(site);
  if (!removed.ok) throw new AccountError('keyring', `Not unlinked: ${removed.sentence}`);
  const envNote = ctx.env[ACCOUNT_ENV.token] ? ` ${ACCOUNT_ENV.token} is still set in the environment and is used while it is.` : '';
  return {
    site,
    unlinked: removed.deleted,
    message: removed.deleted ? `Unlinked ${site}: the token was removed from the system keychain.${envNote}` : `No account was linked for ${site}; nothing to remove.${envNote}`,
  };
}

/** What Bitbucket says about a link: the user (null when refused or unreachable), the scopes, and whether it may list keys. */
interface LinkCheck {
  user: AccountUser | null;
  failure: ApiFailure | null;
  grantedScopes: string[] | null;
  /** The key list's outcome: null not tried, 'ok', or the failure. */
  keys: 'ok' | ApiFailure | null;
  message: string;
}

async function checkLink(api: AccountApi): Promise<LinkCheck> {
  let user: AccountUser;
  let granted: string[] | null;
  try {
    ({ user, grantedScopes: granted } = await api.whoami());
  } catch (error) {
    const failure = failureOf(error);
    return { user: null, failure, grantedScopes: failure.kind === 'missing-scopes' ? failure.granted : null, keys: null, message: explainLinkFailure(failure, api.site) };
  }
  try {
    const listed = await api.listKeys(user);
    return { user, failure: null, grantedScopes: granted ?? listed.grantedScopes, keys: 'ok', message: '' };
  } catch (error) {
    return { user, failure: null, grantedScopes: granted, keys: failureOf(error), message: '' };
  }
}


/** The sentence for a link Bitbucket did not accept, with the way out. Pure. */
export function explainLinkFailure(failure: ApiFailure, site: Site): string {
  switch (failure.kind) {
    case 'invalid-token':
      return site === CLOUD_SITE
        ? `Bitbucket refused the token for this email: the email is not the token's Atlassian account, or the token is revoked, expired, or was created without scopes. Create an API token with scopes at ${LINKS.createApiToken}.`
        : `${site} refused the HTTP access token: it is wrong, revoked or expired, or belongs to another user.`;
    case 'missing-scopes':
      return `The token works but lacks the scope${failure.required.length === 1 ? '' : 's'} ${failure.required.join(', ') || 'needed'} to read your account; scopes cannot be added to a token: create a new one with them at ${LINKS.createApiToken}.`;
    default:
      return new AccountApiError(failure, site).message;
  }
}

function statusOf(link: AccountLink, source: AccountStatus['source'], checked: LinkCheck, message: string): AccountStatus {
  const site = siteOf(link);
  return {
    site,
    kind: link.kind,
    linked: true,
    source,
    keyring: source === 'keyring' ? 'found' : 'none',
    login: link.kind === 'cloud' ? link.email : link.username,
    username: checked.user?.username ?? null,
    displayName: checked.user?.displayName ?? null,
    tokenValid: checked.user ? true : checked.failure?.kind === 'invalid-token' || checked.failure?.kind === 'app-password' ? false : checked.failure?.kind === 'missing-scopes' ? true : null,
    grantedScopes: checked.grantedScopes,
    scopes: scopeChecks(link.kind, checked),
    message,
  };
}

/** For git push and for SSH keys: has the token the scopes, lacks some, or cannot it be told. Pure. */
export function scopeChecks(kind: AccountLink['kind'], checked: Pick<LinkCheck, 'grantedScopes' | 'keys' | 'user'>): { push: ScopeCheck; sshKeys: ScopeCheck } {
  if (kind === 'datacenter') {
    const detail = 'Data Center HTTP access tokens have permissions, not scopes; the push test tells';
    const keys: ScopeCheck =
      checked.keys === 'ok' ? { status: 'yes', missing: [], detail: 'the token may read your SSH keys' } : { status: 'unknown', missing: [], detail: checked.keys ? new AccountApiError(checked.keys, 'the server').message : 'not checked' };
    return { push: { status: 'unknown', missing: [], detail }, sshKeys: keys };
  }
  const granted = checked.grantedScopes;
  const pushMissing = missingScopes(granted, SCOPES_FOR_PUSH);
  const push: ScopeCheck =
    pushMissing === null
      ? { status: 'unknown', missing: [], detail: `Bitbucket did not say which scopes the token has; git push needs ${SCOPES_FOR_PUSH.join(' and ')}` }
      : pushMissing.length === 0
        ? { status: 'yes', missing: [], detail: `has ${SCOPES_FOR_PUSH.join(' and ')}` }
        : { status: 'no', missing: pushMissing, detail: `lacks ${pushMissing.join(' and ')}` };
  let sshKeys: ScopeCheck;
  const keysMissing = missingScopes(granted, SCOPES_FOR_SSH_KEYS);
  if (checked.keys && checked.keys !== 'ok' && checked.keys.kind === 'missing-scopes') {
    const missing = checked.keys.required.length ? checked.keys.required : [SCOPE_SSH_KEY_READ];
    sshKeys = { status: 'no', missing: [...new Set([...missing, ...(keysMissing ?? [])])], detail: `cannot read your SSH keys: lacks ${missing.join(', ')}` };
  } else if (keysMissing !== null) {
    sshKeys = keysMissing.length === 0 ? { status: 'yes', missing: [], detail: `has ${SCOPES_FOR_SSH_KEYS.join(' and ')}` } : { status: 'no', missing: keysMissing, detail: `lacks ${keysMissing.join(' and ')}` };
  } else if (checked.keys === 'ok') {
    sshKeys = { status: 'unknown', missing: [], detail: `reads your SSH keys; whether it may add one (${SCOPES_FOR_SSH_KEYS[1]}) is known when it tries` };
  } else {
    sshKeys = { status: 'unknown', missing: [], detail: checked.user ? 'the SSH key list could not be read' : 'not checked' };
  }
  return { push, sshKeys };
}

/** A linked account ready for calls, or an AccountError that says why not. */
export async function connectedAccount(ctx: EngineContext, site: Site, options: AccountOptions = {}): Promise<{ link: AccountLink; api: AccountApi; user: AccountUser }> {
  const resolved = await resolveAccount(ctx, site, options);
  if (!resolved.ok) {
    const how = resolved.state === 'unavailable' ? '' : ` Link it first: push-doctor account link${site === CLOUD_SITE ? '' : ` --bitbucket-host ${site}`} --input-stdin`;
    throw new AccountError('not-linked', `${resolved.sentence}${how}`);
  }
  const api = accountApi(ctx, resolved.link, options.signal);
  try {
    const { user } = await api.whoami();
    return { link: resolved.link, api, user };
  } catch (error) {
    throw apiError(error, site);
  }
}

/** An API failure as an AccountError with the right code. */
export function apiError(error: unknown, site: Site): AccountError {
  const failure = failureOf(error);
  const code: AccountErrorCode = failure.kind === 'timeout' || failure.kind === 'network' || failure.kind === 'server-error' ? 'unreachable' : 'refused';
  return new AccountError(code, explainLinkFailure(failure, site));
}

export async function listAccountKeys(ctx: EngineContext, scope: FixScope, site: Site = siteFor(ctx), options: AccountOptions = {}): Promise<AccountKeysListing> {
  const { api, user } = await connectedAccount(ctx, site, options);
  const [listed, offered] = await Promise.all([
    api.listKeys(user).catch((error: unknown) => {
      throw apiError(error, site);
    }),
    keysSshOffers(ctx, scope, site),
  ]);
  return keysListing(site, user, listed.keys, offered.keys, offered.host, offered.note);
}

export function keysListing(site: Site, user: AccountUser, keys: AccountKey[], offered: OfferedKey[], host: string, note: string | null): AccountKeysListing {
  const offeredPrints = new Set(offered.map((k) => k.fingerprint));
  const accountPrints = new Set(keys.map((k) => k.fingerprint));
  return {
    site,
    username: user.username,
    sshHost: host,
    keys: keys.map((k) => ({ id: k.id, type: k.type, fingerprint: k.fingerprint, label: k.label, createdOn: k.createdOn, lastUsed: k.lastUsed, offered: offeredPrints.has(k.fingerprint) })),
    offered: offered.map((k) => ({ fingerprint: k.fingerprint, type: k.type, path: k.path, onAccount: accountPrints.has(k.fingerprint) })),
    note,
  };
}

export interface AddKeyOptions extends AccountOptions {
  site: Site;
  scope: FixScope;
  /** A public key file (or the private key beside it); default: the key ssh would offer for Bitbucket. */
  keyFile?: string;
  label?: string;
}

/** The public key to add: the given file, or the first key ssh offers that has a .pub file. */
export async function keyToAdd(ctx: EngineContext, options: Pick<AddKeyOptions, 'keyFile' | 'scope' | 'site'>): Promise<{ line: string; fingerprint: string; path: string }> {
  if (options.keyFile) {
    // A private key names its .pub beside it; a .pub (or any public key file) is read as it is.
    const file = options.keyFile;
    for (const candidate of file.endsWith('.pub') ? [file] : [`${file}.pub`, file]) {
      const pub = await publicKeyFile(candidate);
      if (pub) return { line: pub.line, fingerprint: pub.fingerprint, path: candidate };
    }
    const text = await readFile(file, 'utf8').catch(() => null);
    const check = text === null ? null : checkPublicKeyLine(text.trim());
    const why = text === null ? 'it cannot be read' : check && !check.ok ? check.reason : 'it is not a key';
    throw new AccountError('input', `${file} is not an SSH public key file (${why})${file.endsWith('.pub') ? '' : `, and there is no ${file}.pub beside it`}.`);
  }
  const offered = await keysSshOffers(ctx, options.scope, options.site);
  const key = offered.keys.find((k) => k.publicKey && k.publicKeyPath);
  if (!key) {
    const why = offered.keys.length === 0 ? `ssh offers no key to ${offered.host}${offered.note ? ` (${offered.note})` : ''}: create one with push-doctor keygen` : `no key ssh offers to ${offered.host} has its .pub file beside it: pass --key FILE.pub`;
    throw new AccountError('input', `No key to add: ${why}.`);
  }
  return { line: key.publicKey!, fingerprint: key.fingerprint, path: key.publicKeyPath! };
}

/**
 * Adds a public key to the linked account, journaled as an external change (undo deletes that key
 * again when the token may). A key already on this account is success without a change; a key
 * Bitbucket has on another account (or as an access key) is a conflict with the way out.
 */
export async function addKeyToAccount(ctx: EngineContext, change: ChangeRecorder, options: AddKeyOptions): Promise<KeyAddResult> {
  const key = await keyToAdd(ctx, options);
  const { link, api, user } = await connectedAccount(ctx, options.site, options);
  const site = siteOf(link);
  const label = (options.label ?? key.line.split(' ').slice(2).join(' ') ?? '').trim() || `push-doctor@${os.hostname()}`;
  const publicKey = key.line.split(' ').slice(0, 2).join(' ');
  const onAccount = async () => (await api.listKeys(user).catch((error: unknown) => Promise.reject(apiError(error, site)))).keys.find((k) => k.fingerprint === key.fingerprint) ?? null;
  const existing = await onAccount();
  if (existing) return { site, added: false, fingerprint: key.fingerprint, keyId: existing.id, label: existing.label, publicKeyPath: key.path, message: `The key ${key.fingerprint} is already on your Bitbucket account (${user.username ?? user.id})${existing.label ? ` as "${existing.label}"` : ''}.` };
  let added: AccountKey;
  try {
    added = await change.addAccountKey({ site, baseUrl: link.kind === 'datacenter' ? link.baseUrl : null, fingerprint: key.fingerprint, label }, () => api.addKey(user, publicKey, label));
  } catch (error) {
    const failure = failureOf(error);
    if (failure.kind === 'key-registered') {
      const mine = await onAccount();
      if (mine) return { site, added: false, fingerprint: key.fingerprint, keyId: mine.id, label: mine.label, publicKeyPath: key.path, message: `The key ${key.fingerprint} is already on your Bitbucket account.` };
      throw new AccountError('conflict', registeredElsewhere(key.fingerprint, site));
    }
    if (failure.kind === 'missing-scopes') {
      throw new AccountError('refused', `The token may not add SSH keys: it lacks ${failure.required.join(', ') || SCOPES_FOR_SSH_KEYS.join(' and ')}. Create a token with ${SCOPES_FOR_SSH_KEYS.join(' and ')} at ${LINKS.createApiToken} and link it again, or add the key by hand at ${LINKS.sshKeys}.`);
    }
    if (error instanceof AccountApiError) throw apiError(error, site);
    throw error;
  }
  return { site, added: true, fingerprint: added.fingerprint, keyId: added.id, label, publicKeyPath: key.path, message: `Added ${key.fingerprint} ("${label}") to your Bitbucket account (${user.username ?? user.id}).` };
}

/** addKeyToAccount as its own journal entry (fix id ssh.add-key-to-account): `push-doctor undo` deletes the key again. */
export async function addKeyJournaled(ctx: EngineContext, options: AddKeyOptions): Promise<KeyAddResult> {
  const change = await beginChange(ctx, { fixId: 'ssh.add-key-to-account', repo: options.scope.repoRoot });
  try {
    const result = await addKeyToAccount(ctx, change, options);
    await change.commit();
    return result;
  } catch (error) {
    await change.rollback();
    throw error;
  }
}

/** [OFFICIAL KB] why-am-i-not-able-to-add-an-ssh-key-in-bitbucket-cloud: the same key cannot be on two accounts, a workspace, or an access key. */
export function registeredElsewhere(fingerprint: string, site: Site): string {
  return site === CLOUD_SITE
    ? `Bitbucket already has the key ${fingerprint}, but not on this account: it is on another Bitbucket account, a workspace, or a repository's or project's access keys, and a key can be registered only once. Use a new key for this account (push-doctor keygen), or remove it where it is registered.`
    : `${site} already has the key ${fingerprint} for another user or as a repository or project access key. Use a new key for this account (push-doctor keygen).`;
}

