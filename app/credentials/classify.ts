import {
  ACCESS_TOKEN_PATTERN,
  ACCESS_TOKEN_USERNAME,
  API_TOKEN_PATTERN,
  API_TOKEN_STATIC_USERNAME,
  APP_PASSWORD_PATTERN,
  DC_LEGACY_TOKEN_PATTERN,
  DC_TOKEN_PATTERN,
  LEGACY_APP_PASSWORD_PATTERN,
} from '../facts/bitbucket.js';
import { looksLikeEmail } from '../repo/url.js';
import { revealSecret, type Secret } from '../secrets/secret.js';

/**
 * What a saved secret is, judged by its shape only (the server's answer is the proof; this is the
 * explanation). Pure.
 */
export type SecretKind =
  /** Atlassian API token (ATAT…): what git over HTTPS should use today. */
  | 'api-token'
  /** Bitbucket app password (ATBB…, or the 20 letters and digits of older ones): removed from Cloud. */
  | 'app-password'
  /** Repository, project or workspace access token (ATCT…): username x-token-auth. */
  | 'access-token'
  /** Bitbucket Data Center HTTP access token (BBDC-…). */
  | 'dc-token'
  /** Older Data Center personal access token (44 characters of base64). */
  | 'dc-legacy-token'
  /** Long and random, but no Bitbucket shape (an OAuth token, another service's token). */
  | 'unknown-token'
  /** Short or human-made: can only be an account password. */
  | 'account-password';

export interface SecretClassification {
  kind: SecretKind;
  /** Why, in words that never include the secret: "starts with ATBB". */
  because: string;
}

/** Below this length, or with characters no token uses, a secret is something a person typed. */
const MIN_TOKEN_LENGTH = 40;
const TOKEN_CHARSET = /^[A-Za-z0-9_=+/.@-]+$/;

export function classifySecretValue(value: string): SecretClassification {
  if (API_TOKEN_PATTERN.test(value)) return { kind: 'api-token', because: 'starts with ATAT, the prefix of Atlassian API tokens' };
  if (APP_PASSWORD_PATTERN.test(value)) return { kind: 'app-password', because: 'starts with ATBB, the prefix of Bitbucket app passwords' };
  if (ACCESS_TOKEN_PATTERN.test(value)) return { kind: 'access-token', because: 'starts with ATCT, the prefix of Bitbucket access tokens' };
  if (DC_TOKEN_PATTERN.test(value)) return { kind: 'dc-token', because: 'starts with BBDC-, the prefix of Bitbucket Data Center HTTP access tokens' };
  if (LEGACY_APP_PASSWORD_PATTERN.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value)) {
    return { kind: 'app-password', because: 'is 20 letters and digits, the shape of app passwords made before they had a prefix' };
  }
  if (DC_LEGACY_TOKEN_PATTERN.test(value)) return { kind: 'dc-legacy-token', because: 'is 44 characters of base64, the shape of Data Center personal access tokens' };
  if (value.length >= MIN_TOKEN_LENGTH && TOKEN_CHARSET.test(value)) return { kind: 'unknown-token', because: 'is long and random but has no Bitbucket prefix' };
  return { kind: 'account-password', because: `has ${value.length} characters and no token shape` };
}

/** Classifies a Secret without letting its value leave this module. */
export function classifySecret(secret: Secret): SecretClassification {
  return classifySecretValue(revealSecret(secret));
}

export const SECRET_KIND_LABELS: Record<SecretKind, string> = {
  'api-token': 'API token',
  'app-password': 'app password',
  'access-token': 'access token',
  'dc-token': 'Data Center HTTP access token',
  'dc-legacy-token': 'Data Center personal access token',
  'unknown-token': 'token of unknown kind',
  'account-password': 'password',
};

export type UsernameKind =
  | 'none'
  | 'email'
  /** x-bitbucket-api-token-auth: the fixed name for API tokens. */
  | 'api-token-static'
  /** x-token-auth: the fixed name for access tokens. */
  | 'access-token-static'
  /** A token pasted where the username goes. */
  | 'token'
  | 'username';

export function classifyUsername(username: string | null | undefined): UsernameKind {
  if (!username) return 'none';
  if (username === API_TOKEN_STATIC_USERNAME) return 'api-token-static';
  if (username === ACCESS_TOKEN_USERNAME) return 'access-token-static';
  if (looksLikeEmail(username)) return 'email';
  const asSecret = classifySecretValue(username).kind;
  if (asSecret === 'api-token' || asSecret === 'app-password' || asSecret === 'access-token' || asSecret === 'dc-token') return 'token';
  return 'username';
}

/** Whether two secrets hold the same value, without either leaving this module. */
export function sameSecret(a: Secret, b: Secret): boolean {
  return revealSecret(a) === revealSecret(b);
}
