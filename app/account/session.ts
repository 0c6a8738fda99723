import type { EngineContext } from '../context.js';
import type { RemoteTarget } from '../diagnose/target.js';
import { CLOUD_API_BASE_URL, CLOUD_API_PATHS } from '../facts/bitbucket.js';
import type { TokenCheck } from '../https/findings.js';
import { revealSecret, type Secret } from '../secrets/secret.js';
import { failureOf, type AccountKey, type AccountUser, type ApiFailure } from './api.js';
import { accountApi } from './client.js';
import { CLOUD_SITE, describeLink, type AccountLink, type LinkSource, type Site } from './link.js';
import { resolveAccount, type AccountResolution } from './resolve.js';

/** What Bitbucket says about a linked account, asked once per diagnosis. */
export interface AccountView {
  link: AccountLink;
  source: LinkSource;
  /** null when GET /user failed (see failure). */
  user: AccountUser | null;
  failure: ApiFailure | null;
  grantedScopes: string[] | null;
  /** The account's SSH keys, or null when they could not be listed (see keysFailure). */
  keys: AccountKey[] | null;
  keysFailure: ApiFailure | null;
}

/**
 * The account link as one diagnosis sees it: resolved and asked at most once per site, shared by
 * every remote's checks. Without a link everything answers null and the diagnosis is as before.
 */
export class AccountSession {
  private readonly links = new Map<Site, Promise<AccountResolution>>();
  private readonly views = new Map<Site, Promise<AccountView | null>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly signal?: AbortSignal,
  ) {}

  resolve(site: Site): Promise<AccountResolution> {
    let found = this.links.get(site);
    if (!found) this.links.set(site, (found = resolveAccount(this.ctx, site)));
    return found;
  }

  view(site: Site): Promise<AccountView | null> {
    let found = this.views.get(site);
    if (!found) this.views.set(site, (found = this.load(site)));
    return found;
  }

  private async load(site: Site): Promise<AccountView | null> {
    const resolved = await this.resolve(site);
    if (!resolved.ok) return null;
    const api = accountApi(this.ctx, resolved.link, this.signal);
    const view: AccountView = { link: resolved.link, source: resolved.source, user: null, failure: null, grantedScopes: null, keys: null, keysFailure: null };
    try {
      const me = await api.whoami();
      view.user = me.user;
      view.grantedScopes = me.grantedScopes;
    } catch (error) {
      view.failure = failureOf(error);
      return view;
    }
    try {
      const listed = await api.listKeys(view.user);
      view.keys = listed.keys;
      view.grantedScopes ??= listed.grantedScopes;
    } catch (error) {
      view.keysFailure = failureOf(error);
    }
    return view;
  }

  /**
   * Asks Bitbucket Cloud's API about a token git uses (GET /user with the linked account's email):
   * 401 means the token is dead, 200 names its owner. Null without a Cloud link.
   */
  async checkToken(secret: Secret): Promise<TokenCheck | null> {
    const resolved = await this.resolve(CLOUD_SITE);
    if (!resolved.ok || resolved.link.kind !== 'cloud') return null;
    const email = resolved.link.email;
    const same = revealSecret(secret) === revealSecret(resolved.link.token);
    const url = `${(this.ctx.bitbucketApi?.cloudBaseUrl ?? CLOUD_API_BASE_URL).replace(/\/+$/, '')}${CLOUD_API_PATHS.currentUser}`;
    const asked = `GET ${url} as ${email} with ${same ? 'the same token (it is also the linked one)' : `the saved token ${secret.masked}`}`;
    try {
      const { user } = await accountApi(this.ctx, { kind: 'cloud', email, token: secret }, this.signal).whoami();
      return { email, sameAsLinked: same, outcome: 'accepted', username: user.username, message: null, evidence: `${asked} → accepted: it belongs to Bitbucket user ${user.username ?? user.id}` };
    } catch (error) {
      const failure = failureOf(error);
      const said = 'message' in failure && failure.message ? ` "${failure.message}"` : '';
      if (failure.kind === 'invalid-token' || failure.kind === 'app-password') {
        return { email, sameAsLinked: same, outcome: 'refused', username: null, message: 'message' in failure ? failure.message : null, evidence: `${asked} → HTTP ${failure.status}${said}` };
      }
      if (failure.kind === 'missing-scopes') return { email, sameAsLinked: same, outcome: 'missing-scopes', username: null, message: failure.message, evidence: `${asked} → HTTP 403${said} (the token is valid: it has scopes, not ${failure.required.join(', ')})` };
      const reason = 'reason' in failure ? failure.reason : `HTTP ${failure.status}`;
      return { email, sameAsLinked: same, outcome: 'unreachable', username: null, message: reason, evidence: `${asked} → no answer: ${reason}` };
    }
  }
}

/** The account site a remote belongs to: Cloud, or a Data Center server the user declared; null otherwise. */
export function siteOfTarget(ctx: Pick<EngineContext, 'bitbucketHosts'>, target: RemoteTarget): Site | null {
  if (target.bitbucket.kind === 'cloud') return CLOUD_SITE;
  if (target.bitbucket.kind !== 'datacenter') return null;
  const host = (target.pushUrl.host ?? '').toLowerCase();
  return ctx.bitbucketHosts.find((h) => h === host || h.replace(/:\d+$/, '') === host) ?? null;
}

export function linkLabel(view: AccountView): string {
  return `${describeLink(view.link)}${view.user?.username ? ` (Bitbucket user ${view.user.username})` : ''}`;
}
