import { API_HEADERS, CLASSIC_SCOPE_EQUIVALENTS } from '../facts/bitbucket.js';
import type { HttpResponse } from './http.js';
import type { Site } from './link.js';

/** The account as Bitbucket names it. */
export interface AccountUser {
  /** What the user's key paths take: Cloud "{uuid}" (or the account id), Data Center the user slug. */
  id: string;
  /** Bitbucket username (Cloud: "username"/"nickname"; Data Center: the slug). Null when not told. */
  username: string | null;
  displayName: string | null;
}

/** One SSH key on the account. */
export interface AccountKey {
  /** Cloud: the key's uuid; Data Center: its numeric id (as text). */
  id: string;
  /** "ssh-ed25519" */
  type: string;
  /** "SHA256:...", computed from the key itself. */
  fingerprint: string;
  /** "type base64" */
  publicKey: string;
  label: string;
  /** ISO dates when told. */
  createdOn: string | null;
  lastUsed: string | null;
}

/** Why a call did not give an answer the caller can use. One kind per way out for the user. */
export type ApiFailure =
  /** 401: the token is wrong, revoked, expired, or (Cloud) was created without scopes. */
  | { kind: 'invalid-token'; status: number; message: string | null }
  /** 401/410 with Bitbucket's words about app passwords. */
  | { kind: 'app-password'; status: number; message: string | null }
  /** 403: the token lacks scopes; Bitbucket names the required ones (and often the granted ones). */
  | { kind: 'missing-scopes'; status: number; required: string[]; granted: string[] | null; message: string | null }
  /** Data Center: basic authentication is switched off on the server. */
  | { kind: 'basic-auth-disabled'; status: number; message: string | null }
  | { kind: 'forbidden'; status: number; message: string | null }
  | { kind: 'not-found'; status: number; message: string | null }
  /** Adding a key Bitbucket already has (on this account or elsewhere: the caller tells which). */
  | { kind: 'key-registered'; status: number; message: string | null }
  | { kind: 'rejected'; status: number; message: string | null }
  | { kind: 'server-error'; status: number; message: string | null }
  | { kind: 'timeout'; reason: string }
  | { kind: 'network'; reason: string }
  | { kind: 'unexpected'; reason: string };

export class AccountApiError extends Error {
  override readonly name = 'AccountApiError';
  constructor(
    readonly failure: ApiFailure,
    readonly site: Site,
  ) {
    super(describeFailure(failure, site));
  }
}

/**
 * What went wrong in a REST call, as data. Here, beside AccountApiError, so that the diagnosis
 * (account/session.ts) needs nothing of the account operations, which bring the fix journal along.
 */
export function failureOf(error: unknown): ApiFailure {
  if (error instanceof AccountApiError) return error.failure;
  return { kind: 'unexpected', reason: error instanceof Error ? error.message : String(error) };
}

/** One sentence for a failure (never a secret: Bitbucket's own message at most). Pure. */
export function describeFailure(failure: ApiFailure, site: Site): string {
  const said = 'message' in failure && failure.message ? ` (Bitbucket said: "${failure.message.replace(/\.$/, '')}")` : '';
  switch (failure.kind) {
    case 'invalid-token':
      return `${site} refused the token: it is wrong, revoked or expired, or was created without scopes${said}.`;
    case 'app-password':
      return `${site} refused an app password: app passwords no longer work, use an API token${said}.`;
    case 'missing-scopes':
      return `The token lacks the scope${failure.required.length === 1 ? '' : 's'} ${failure.required.join(', ') || '(not named)'} for this${failure.granted ? `; it has ${failure.granted.join(', ') || 'none'}` : ''}.`;
    case 'basic-auth-disabled':
      return `${site} does not accept a username and password or token (basic authentication is disabled on the server)${said}.`;
    case 'forbidden':
      return `${site} refused the request (HTTP ${failure.status})${said}.`;
    case 'not-found':
      return `${site} does not know this (HTTP ${failure.status})${said}.`;
    case 'key-registered':
      return `${site} already has this SSH key${said}.`;
    case 'rejected':
      return `${site} rejected the request (HTTP ${failure.status})${said}.`;
    case 'server-error':
      return `${site} had a server error (HTTP ${failure.status}); try again later.`;
    case 'timeout':
      return `${site} did not answer: ${failure.reason}.`;
    case 'network':
      return `Could not reach ${site}: ${failure.reason}.`;
    default:
      return `Unexpected answer from ${site}: ${failure.reason}.`;
  }
}

/** Bitbucket's error message from a JSON body: Cloud {"error": {"message"}}, Data Center {"errors": [{"message"}]}. Pure. */
export function errorMessage(json: unknown, text: string): string | null {
  const j = json as { error?: { message?: unknown }; errors?: Array<{ message?: unknown }> } | null;
  const message = typeof j?.error?.message === 'string' ? j.error.message : typeof j?.errors?.[0]?.message === 'string' ? j.errors[0].message : null;
  if (message) return oneLine(message);
  // A text/plain body (a proxy, an outage page) is shown only when it is short and plain.
  return text && text.length < 300 && !/[<{]/.test(text) ? oneLine(text) : null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Cloud's 403 detail: {"required": [...], "granted": [...]}. Pure. */
export function scopeDetail(json: unknown): { required: string[]; granted: string[] | null } | null {
  const detail = (json as { error?: { detail?: unknown } } | null)?.error?.detail as { required?: unknown; granted?: unknown } | undefined;
  if (!detail || typeof detail !== 'object' || !Array.isArray(detail.required)) return null;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null);
  return { required: strings(detail.required) ?? [], granted: strings(detail.granted) };
}

/** The scopes a response says the token has (x-oauth-scopes), or null when it does not say. Pure. */
export function grantedScopes(response: Pick<HttpResponse, 'headers'>): string[] | null {
  return scopeHeader(response, API_HEADERS.grantedScopes);
}

/** The scopes the call accepts (x-accepted-oauth-scopes), or null when not told. Pure. */
export function acceptedScopes(response: Pick<HttpResponse, 'headers'>): string[] | null {
  return scopeHeader(response, API_HEADERS.acceptedScopes);
}

function scopeHeader(response: Pick<HttpResponse, 'headers'>, name: string): string[] | null {
  const raw = response.headers[name];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (value === undefined) return null;
  return value.split(/[\s,]+/).filter(Boolean);
}

/** Classic scopes count as their new-style equivalents. Pure. */
export function expandScopes(scopes: readonly string[]): Set<string> {
  const all = new Set(scopes);
  for (const scope of scopes) for (const same of CLASSIC_SCOPE_EQUIVALENTS[scope] ?? []) all.add(same);
  return all;
}

/** The scopes in `needed` that `granted` lacks; null when the granted scopes are unknown. Pure. */
export function missingScopes(granted: readonly string[] | null, needed: readonly string[]): string[] | null {
  if (granted === null) return null;
  const have = expandScopes(granted);
  return needed.filter((scope) => !have.has(scope));
}
