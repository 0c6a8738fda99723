/**
 * The account link's data model, shared by the engine, the CLI (`account`, `keys` --json), the
 * main process and the UI. Pure types (no Node imports). No type here has a field for a token: a token
 * goes in (account.link) and never comes back out.
 */

export type AccountKind = 'cloud' | 'datacenter';

/** What the keychain said: an entry, none, locked, or no keychain on this machine. */
export type KeyringState = 'found' | 'none' | 'locked' | 'unavailable';

export interface ScopeCheck {
  /** yes: the token has them; no: it lacks some (named in `missing`); unknown: Bitbucket did not say. */
  status: 'yes' | 'no' | 'unknown';
  missing: string[];
  /** One plain line. */
  detail: string;
}

export interface AccountStatus {
  /** "bitbucket.org", or the Data Center server ("git.example.com:8443"). */
  site: string;
  kind: AccountKind;
  linked: boolean;
  /** Where the link comes from: the system keychain, or BITBUCKET_EMAIL / BITBUCKET_API_TOKEN for this run. */
  source: 'keyring' | 'environment' | null;
  keyring: KeyringState;
  /** The Atlassian email (Cloud) or username (Data Center) the link logs in with. */
  login: string | null;
  /** The Bitbucket username and display name Bitbucket returned for the token. */
  username: string | null;
  displayName: string | null;
  /** true: Bitbucket accepted the token; false: it refused it; null: not checked (not linked, not reachable). */
  tokenValid: boolean | null;
  /** Scopes Bitbucket says the token has, or null when it did not say. */
  grantedScopes: string[] | null;
  scopes: { push: ScopeCheck; sshKeys: ScopeCheck };
  /** One sentence: the state, or the problem and what to do. */
  message: string;
}

/** Input of `account link` (the CLI reads it as JSON on stdin, the UI from a form). */
export type AccountLinkInput =
  | { kind: 'cloud'; email: string; token: string }
  | { kind: 'datacenter'; server: string; username: string; token: string };

export interface UnlinkResult {
  site: string;
  /** true when an entry was removed from the keychain. */
  unlinked: boolean;
  message: string;
}

export interface AccountKeyView {
  id: string;
  type: string;
  fingerprint: string;
  label: string;
  createdOn: string | null;
  lastUsed: string | null;
  /** ssh on this computer offers this key to Bitbucket. */
  offered: boolean;
}

export interface OfferedKeyView {
  fingerprint: string;
  type: string | null;
  /** Identity file, or null for a key only the agent holds. */
  path: string | null;
  onAccount: boolean;
}

export interface AccountKeysListing {
  site: string;
  username: string | null;
  /** The host ssh connects to for Bitbucket. */
  sshHost: string;
  keys: AccountKeyView[];
  /** The keys ssh would offer, each marked as on the account or not. */
  offered: OfferedKeyView[];
  /** Why the offered list may be incomplete, or null. */
  note: string | null;
}

export interface KeyAddResult {
  site: string;
  /** true when this call added the key; false when it was on the account already. */
  added: boolean;
  fingerprint: string;
  keyId: string;
  label: string;
  publicKeyPath: string | null;
  message: string;
}
