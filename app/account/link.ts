import { CLOUD_WEB_HOST } from '../facts/bitbucket.js';
import { Secret, revealSecret } from '../secrets/secret.js';

/**
 * The user's Bitbucket account link: who they are on Bitbucket and the token Push Doctor may use on
 * their behalf for the REST API. Bitbucket Cloud: the Atlassian account email and an API token (the
 * REST API takes Basic email:token). Data Center: the server, the username and a personal HTTP
 * access token (sent as Bearer).
 */
export type AccountLink =
  | { kind: 'cloud'; email: string; token: Secret }
  | { kind: 'datacenter'; baseUrl: string; username: string; token: Secret };

/** Where a link came from: the system keychain, or BITBUCKET_EMAIL / BITBUCKET_API_TOKEN for this run. */
export type LinkSource = 'keyring' | 'environment';

/** Environment variables that stand in for a stored link (headless machines, CI). */
export const ACCOUNT_ENV = {
  email: 'BITBUCKET_EMAIL',
  token: 'BITBUCKET_API_TOKEN',
  /** Data Center (with --bitbucket-host): the username that goes with the HTTP access token. */
  username: 'BITBUCKET_USERNAME',
} as const;

/** The keychain item: one per site, so a Cloud link and a Data Center link can live side by side. */
export const ACCOUNT_KEYRING_SERVICE = 'push-doctor-account';

/** "bitbucket.org", or the Data Center server as declared ("git.example.com", "git.example.com:8443"). */
export type Site = string;

export const CLOUD_SITE: Site = CLOUD_WEB_HOST;

export function siteOf(link: AccountLink): Site {
  return link.kind === 'cloud' ? CLOUD_SITE : dataCenterSite(link.baseUrl);
}

/** "https://git.example.com:8443/bitbucket" → "git.example.com:8443" (the host as --bitbucket-host names it). */
export function dataCenterSite(baseUrl: string): Site {
  return new URL(baseUrl).host.toLowerCase();
}

/**
 * A Data Center server's REST base URL from what the user gave: "git.example.com", "git.example.com:8443",
 * or a full "https://git.example.com/bitbucket" (a context path). https only: the token travels in a header.
 * Returns null for anything else. Pure.
 */
export function dataCenterBaseUrl(value: string): string | null {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Who the link is for, without the token: "jdoe@example.com on bitbucket.org". */
export function describeLink(link: AccountLink): string {
  return link.kind === 'cloud' ? `${link.email} on ${CLOUD_SITE}` : `${link.username} on ${siteOf(link)}`;
}

/** The item's value: JSON with the token. Never written anywhere but the keychain. */
export function serializeLink(link: AccountLink): string {
  return link.kind === 'cloud'
    ? JSON.stringify({ v: 1, kind: 'cloud', email: link.email, token: revealSecret(link.token) })
    : JSON.stringify({ v: 1, kind: 'datacenter', baseUrl: link.baseUrl, username: link.username, token: revealSecret(link.token) });
}

/** Parses a keychain item; null when it is not one of ours (or damaged). Pure. */
export function parseLink(text: string, site: Site): AccountLink | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const str = (key: string) => (typeof v[key] === 'string' && (v[key] as string).length > 0 ? (v[key] as string) : null);
  const token = str('token');
  if (!token) return null;
  if (v.kind === 'cloud' && site === CLOUD_SITE) {
    const email = str('email');
    return email ? { kind: 'cloud', email, token: new Secret(token) } : null;
  }
  if (v.kind === 'datacenter') {
    const baseUrl = str('baseUrl');
    const username = str('username');
    if (!baseUrl || !username || dataCenterBaseUrl(baseUrl) !== baseUrl || dataCenterSite(baseUrl) !== site) return null;
    return { kind: 'datacenter', baseUrl, username, token: new Secret(token) };
  }
  return null;
}
