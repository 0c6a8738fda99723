import type { EngineContext } from '../context.js';
import {
  API_MESSAGES,
  CLOUD_API_BASE_URL,
  CLOUD_API_PATHS,
  DC_API_PATHS,
  DC_MESSAGES,
  DC_USERNAME_HEADER,
  KEY_ALREADY_REGISTERED,
} from '../facts/bitbucket.js';
import { revealSecret, type Secret } from '../secrets/secret.js';
import { sha256Fingerprint } from '../ssh/fingerprint.js';
import { acceptedScopes, AccountApiError, errorMessage, grantedScopes, scopeDetail, type AccountKey, type AccountUser, type ApiFailure } from './api.js';
import { httpRequest, TransportError, type HttpRequest, type HttpResponse } from './http.js';
import { siteOf, type AccountLink, type Site } from './link.js';

/**
 * The REST calls Push Doctor makes for an account link, Cloud and Data Center alike. Every call has
 * the context's timeout; every failure is an AccountApiError with one ApiFailure kind.
 */
export interface AccountApi {
  readonly site: Site;
  readonly kind: AccountLink['kind'];
  /** Who the token belongs to, and the scopes Bitbucket says it has (null: not told). */
  whoami(): Promise<{ user: AccountUser; grantedScopes: string[] | null }>;
  /** Every SSH key on the account (all pages). */
  listKeys(user: AccountUser): Promise<{ keys: AccountKey[]; grantedScopes: string[] | null }>;
  /** Adds a key; a key Bitbucket already has fails with kind "key-registered". */
  addKey(user: AccountUser, publicKey: string, label: string): Promise<AccountKey>;
  deleteKey(user: AccountUser, keyId: string): Promise<void>;
}

/** Pages followed at most: hundreds of keys, far beyond any real account. */
const MAX_PAGES = 50;

export function accountApi(ctx: Pick<EngineContext, 'timeoutMs' | 'bitbucketApi'>, link: AccountLink, signal?: AbortSignal): AccountApi {
  return link.kind === 'cloud' ? new CloudApi(ctx, link, signal) : new DataCenterApi(ctx, link, signal);
}

abstract class RestApi {
  abstract readonly site: Site;
  protected abstract readonly baseUrl: string;

  constructor(
    protected readonly ctx: Pick<EngineContext, 'timeoutMs' | 'bitbucketApi'>,
    private readonly signal: AbortSignal | undefined,
  ) {}

  protected abstract authorization(): string;

  /** One call; non-2xx answers become failures through `classify`. */
  protected async call(method: HttpRequest['method'], pathOrUrl: string, body?: unknown): Promise<HttpResponse> {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    // A "next" link must stay on the API's own origin: the token never goes anywhere else.
    if (new URL(url).origin !== new URL(this.baseUrl).origin) throw this.error({ kind: 'unexpected', reason: 'the next page is on another server' });
    let response: HttpResponse;
    try {
      response = await httpRequest({ method, url, authorization: this.authorization(), body, timeoutMs: this.ctx.timeoutMs, caCertificates: this.ctx.bitbucketApi?.caCertificates, signal: this.signal });
    } catch (error) {
      if (error instanceof TransportError) throw this.error(error.kind === 'timeout' ? { kind: 'timeout', reason: error.reason } : { kind: 'network', reason: error.reason });
      throw this.error({ kind: 'unexpected', reason: error instanceof Error ? error.message : String(error) });
    }
    if (response.status >= 200 && response.status < 300) return response;
    throw this.error(classifyFailure(response));
  }

  protected error(failure: ApiFailure): AccountApiError {
    return new AccountApiError(failure, this.site);
  }
}

/** A non-2xx answer as a failure kind, from its status and Bitbucket's words. Pure. */
export function classifyFailure(response: Pick<HttpResponse, 'status' | 'json' | 'text'> & Partial<Pick<HttpResponse, 'headers'>>): ApiFailure {
  const { status } = response;
  const message = errorMessage(response.json, response.text);
  const text = `${message ?? ''} ${response.text}`;
  if (text.includes(API_MESSAGES.appPasswordDeprecated) || status === 410) return { kind: 'app-password', status, message };
  if (status === 401) return { kind: 'invalid-token', status, message };
  if (status === 403) {
    if (text.includes(DC_MESSAGES.basicAuthDisabled)) return { kind: 'basic-auth-disabled', status, message };
    const detail = scopeDetail(response.json);
    if (detail || text.includes(API_MESSAGES.missingScopes)) {
      // Without a "detail" body, the headers may still say which scopes the call takes and which the token has.
      const headers = { headers: response.headers ?? {} };
      return { kind: 'missing-scopes', status, required: detail?.required ?? acceptedScopes(headers) ?? [], granted: detail?.granted ?? grantedScopes(headers), message };
    }
    return { kind: 'forbidden', status, message };
  }
  if (status === 404) return { kind: 'not-found', status, message };
  if ((status === 400 || status === 409 || status === 422) && KEY_ALREADY_REGISTERED.test(text)) return { kind: 'key-registered', status, message };
  if (status >= 500) return { kind: 'server-error', status, message };
  return { kind: 'rejected', status, message };
}

/** "type base64 [comment]" → the key's type, "type base64" and its fingerprint; null for anything else. Pure. */
export function keyFacts(line: unknown): { type: string; publicKey: string; fingerprint: string } | null {
  if (typeof line !== 'string') return null;
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return null;
  return { type, publicKey: `${type} ${blob}`, fingerprint: sha256Fingerprint(blob) };
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

class CloudApi extends RestApi implements AccountApi {
  readonly kind = 'cloud' as const;
  readonly site: Site;
  protected readonly baseUrl: string;

  constructor(
    ctx: Pick<EngineContext, 'timeoutMs' | 'bitbucketApi'>,
    private readonly link: Extract<AccountLink, { kind: 'cloud' }>,
    signal?: AbortSignal,
  ) {
    super(ctx, signal);
    this.site = siteOf(link);
    this.baseUrl = (ctx.bitbucketApi?.cloudBaseUrl ?? CLOUD_API_BASE_URL).replace(/\/+$/, '');
  }

  protected authorization(): string {
    // [OFFICIAL, facts §1.2] the REST API takes an API token as Basic with the Atlassian email; Bearer is refused.
    return basic(this.link.email, this.link.token);
  }

  async whoami() {
    const response = await this.call('GET', CLOUD_API_PATHS.currentUser);
    const u = response.json as Record<string, unknown> | null;
    const id = str(u?.uuid) ?? str(u?.account_id);
    if (!id) throw this.error({ kind: 'unexpected', reason: 'the answer to GET /user names no account' });
    return { user: { id, username: str(u?.username) ?? str(u?.nickname), displayName: str(u?.display_name) }, grantedScopes: grantedScopes(response) };
  }

  async listKeys(user: AccountUser) {
    const keys: AccountKey[] = [];
    let next: string | null = CLOUD_API_PATHS.sshKeys(user.id);
    let scopes: string[] | null = null;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const response = await this.call('GET', next);
      scopes ??= grantedScopes(response);
      const body = response.json as { values?: unknown[]; next?: unknown } | null;
      for (const value of body?.values ?? []) {
        const key = cloudKey(value);
        if (key) keys.push(key);
      }
      next = str(body?.next);
    }
    if (next) throw this.error({ kind: 'unexpected', reason: `more than ${MAX_PAGES} pages of SSH keys` });
    return { keys, grantedScopes: scopes };
  }

  async addKey(user: AccountUser, publicKey: string, label: string) {
    const response = await this.call('POST', CLOUD_API_PATHS.sshKeys(user.id), { key: publicKey, label });
    const key = cloudKey(response.json);
    if (!key) throw this.error({ kind: 'unexpected', reason: 'the answer does not describe the new key' });
    return key;
  }

  async deleteKey(user: AccountUser, keyId: string) {
    await this.call('DELETE', CLOUD_API_PATHS.sshKey(user.id, keyId));
  }
}

function cloudKey(value: unknown): AccountKey | null {
  const v = value as Record<string, unknown> | null;
  const facts = keyFacts(v?.key);
  const id = str(v?.uuid);
  if (!facts || !id) return null;
  return { id, ...facts, label: str(v?.label) ?? str(v?.comment) ?? '', createdOn: str(v?.created_on), lastUsed: str(v?.last_used) };
}

class DataCenterApi extends RestApi implements AccountApi {
  readonly kind = 'datacenter' as const;
  readonly site: Site;
  protected readonly baseUrl: string;

  constructor(
    ctx: Pick<EngineContext, 'timeoutMs' | 'bitbucketApi'>,
    private readonly link: Extract<AccountLink, { kind: 'datacenter' }>,
    signal?: AbortSignal,
  ) {
    super(ctx, signal);
    this.site = siteOf(link);
    this.baseUrl = link.baseUrl;
  }

  protected authorization(): string {
    // [OFFICIAL, facts §8] HTTP access tokens authenticate REST calls as Bearer; Basic may be disabled on the server.
    return `Bearer ${revealSecret(this.link.token)}`;
  }

  async whoami() {
    const properties = await this.call('GET', DC_API_PATHS.applicationProperties);
    const header = properties.headers[DC_USERNAME_HEADER];
    // Older servers may not send the header: their applinks whoami servlet names the user instead.
    const slug = decodeHeader(Array.isArray(header) ? header[0] : header) ?? (await this.whoamiServlet());
    // Neither names a user: the server did not authenticate the token (both answer everyone).
    if (!slug) throw this.error({ kind: 'invalid-token', status: properties.status, message: null });
    const response = await this.call('GET', DC_API_PATHS.user(slug));
    const u = response.json as Record<string, unknown> | null;
    const username = str(u?.slug) ?? slug;
    return { user: { id: username, username, displayName: str(u?.displayName) }, grantedScopes: null };
  }

  /** The plain-text username /plugins/servlet/applinks/whoami answers, or null (empty for HTTP access tokens since 8.19.14). */
  private async whoamiServlet(): Promise<string | null> {
    try {
      const response = await this.call('GET', DC_API_PATHS.whoami);
      const name = response.text.trim();
      return name && !/[\s<{]/.test(name) ? name : null;
    } catch {
      return null;
    }
  }

  async listKeys(_user: AccountUser) {
    const keys: AccountKey[] = [];
    let start: number | null = 0;
    for (let page = 0; start !== null && page < MAX_PAGES; page++) {
      // Without ?user= the server lists the keys of the user the token belongs to (`user` is for admins).
      const query = new URLSearchParams({ start: String(start), limit: '100' });
      const response = await this.call('GET', `${DC_API_PATHS.sshKeys}?${query}`);
      const body = response.json as { values?: unknown[]; isLastPage?: unknown; nextPageStart?: unknown } | null;
      for (const value of body?.values ?? []) {
        const key = dataCenterKey(value);
        if (key) keys.push(key);
      }
      start = body?.isLastPage === false && typeof body.nextPageStart === 'number' ? body.nextPageStart : null;
    }
    if (start !== null) throw this.error({ kind: 'unexpected', reason: `more than ${MAX_PAGES} pages of SSH keys` });
    return { keys, grantedScopes: null };
  }

  async addKey(_user: AccountUser, publicKey: string, label: string) {
    const response = await this.call('POST', DC_API_PATHS.sshKeys, { text: publicKey, label });
    const key = dataCenterKey(response.json);
    if (!key) throw this.error({ kind: 'unexpected', reason: 'the answer does not describe the new key' });
    return key;
  }

  async deleteKey(_user: AccountUser, keyId: string) {
    await this.call('DELETE', DC_API_PATHS.sshKey(keyId));
  }
}

function dataCenterKey(value: unknown): AccountKey | null {
  const v = value as Record<string, unknown> | null;
  const facts = keyFacts(v?.text);
  const id = typeof v?.id === 'number' ? String(v.id) : str(v?.id);
  if (!facts || !id) return null;
  return { id, ...facts, label: str(v?.label) ?? '', createdOn: null, lastUsed: null };
}

/** Data Center URL-encodes the username in X-AUSERNAME. */
function decodeHeader(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function basic(user: string, token: Secret): string {
  return `Basic ${Buffer.from(`${user}:${revealSecret(token)}`, 'utf8').toString('base64')}`;
}
