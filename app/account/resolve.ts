import type { EngineContext } from '../context.js';
import { Secret } from '../secrets/secret.js';
import { SystemAccountKeyring, type AccountKeyring, type KeyringState } from './keyring.js';
import { ACCOUNT_ENV, CLOUD_SITE, dataCenterBaseUrl, type AccountLink, type LinkSource, type Site } from './link.js';

export type AccountResolution =
  | { ok: true; link: AccountLink; source: LinkSource }
  /** No link: why, in one sentence (nothing linked, keychain locked, no keychain on this machine). */
  | { ok: false; state: KeyringState; sentence: string };

export interface ResolveOptions {
  /** The keychain to read (default: the system's). */
  keyring?: AccountKeyring;
}

/**
 * The account link for a site, for this run: BITBUCKET_EMAIL and BITBUCKET_API_TOKEN in the
 * environment first (they exist for machines without a keychain, and an explicit setting for one
 * run wins, as with GH_TOKEN), else the system keychain. Every secret found is registered with the
 * run, so no output can show it.
 */
export async function resolveAccount(ctx: EngineContext, site: Site = CLOUD_SITE, options: ResolveOptions = {}): Promise<AccountResolution> {
  const fromEnv = linkFromEnvironment(ctx.env, site);
  if (fromEnv) {
    ctx.secrets.add(fromEnv.token);
    return { ok: true, link: fromEnv, source: 'environment' };
  }
  const keyring = options.keyring ?? new SystemAccountKeyring(ctx);
  const read = await keyring.read(site);
  if (read.state !== 'found') return { ok: false, state: read.state, sentence: read.sentence };
  ctx.secrets.add(read.link.token);
  return { ok: true, link: read.link, source: 'keyring' };
}

/**
 * The link the environment describes for a site, or null. Cloud: BITBUCKET_EMAIL + BITBUCKET_API_TOKEN;
 * a Data Center site: BITBUCKET_USERNAME + BITBUCKET_API_TOKEN (its HTTP access token). Pure.
 */
export function linkFromEnvironment(env: NodeJS.ProcessEnv, site: Site): AccountLink | null {
  const token = env[ACCOUNT_ENV.token]?.trim();
  if (!token) return null;
  if (site === CLOUD_SITE) {
    const email = env[ACCOUNT_ENV.email]?.trim();
    return email ? { kind: 'cloud', email, token: new Secret(token) } : null;
  }
  const username = env[ACCOUNT_ENV.username]?.trim();
  const baseUrl = dataCenterBaseUrl(site);
  return username && baseUrl ? { kind: 'datacenter', baseUrl, username, token: new Secret(token) } : null;
}
