import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  API_HEADERS,
  API_MESSAGES,
  DC_MESSAGES,
  DC_USERNAME_HEADER,
  SCOPE_SSH_KEY_DELETE,
  SCOPE_SSH_KEY_READ,
  SCOPE_SSH_KEY_WRITE,
  SCOPE_USER_READ,
} from '../../app/facts/bitbucket.js';
import { sha256Fingerprint } from '../../app/ssh/fingerprint.js';
import { createTestPki } from './bitbucket-http.js';

/**
 * A local HTTPS server that answers like Bitbucket's REST API for an account link: Cloud's
 * /2.0/user and /2.0/users/{selected_user}/ssh-keys (Basic email:token, scopes enforced per call,
 * paginated with "next", Bitbucket's error bodies), or Data Center's application-properties,
 * users and /rest/ssh/1.0/keys (Bearer HTTP access tokens, paged with nextPageStart). The
 * accounts and their SSH keys live in a FakeAccountStore that the fake SSH server can share, so
 * a key added through the API opens an SSH session. Loopback only, certificate from a throwaway CA.
 */

export interface FakeApiAccount {
  uuid: string;
  accountId: string;
  username: string;
  displayName: string;
  email: string;
  /** API token (Cloud) or HTTP access token (Data Center). */
  token: string;
  /** New-style scopes of the token; [] is a token created without scopes. */
  scopes: string[];
  /** revoked/expired tokens are refused like wrong ones. */
  state: 'active' | 'revoked' | 'expired';
  /** An app password is refused with Bitbucket's deprecation words. */
  kind: 'api-token' | 'app-password';
}

export interface FakeApiKey {
  uuid: string;
  /** Data Center's numeric id. */
  id: number;
  ownerUuid: string;
  /** "type base64" */
  line: string;
  label: string;
  createdOn: string;
}

export class FakeAccountStore {
  readonly accounts: FakeApiAccount[] = [];
  readonly keys: FakeApiKey[] = [];
  private nextId = 1;

  addAccount(account: Partial<FakeApiAccount> & Pick<FakeApiAccount, 'username' | 'email' | 'token'>): FakeApiAccount {
    const full: FakeApiAccount = {
      uuid: `{${randomUUID()}}`,
      accountId: `557058:${randomUUID()}`,
      displayName: account.username.replace(/^./, (c) => c.toUpperCase()),
      scopes: [SCOPE_USER_READ, SCOPE_SSH_KEY_READ, SCOPE_SSH_KEY_WRITE, SCOPE_SSH_KEY_DELETE, 'read:repository:bitbucket', 'write:repository:bitbucket'],
      state: 'active',
      kind: 'api-token',
      ...account,
    };
    this.accounts.push(full);
    return full;
  }

  /** Registers a key for an account (what the web UI would do); throws when any account has it. */
  addKey(owner: FakeApiAccount, publicKeyLine: string, label = ''): FakeApiKey {
    const line = publicKeyLine.trim().split(/\s+/).slice(0, 2).join(' ');
    if (this.findKey(line)) throw new Error('Someone has already registered that SSH key.');
    const key: FakeApiKey = { uuid: `{${randomUUID()}}`, id: this.nextId++, ownerUuid: owner.uuid, line, label, createdOn: new Date().toISOString() };
    this.keys.push(key);
    return key;
  }

  findKey(line: string): FakeApiKey | undefined {
    const blob = line.trim().split(/\s+/)[1];
    return this.keys.find((k) => k.line.split(' ')[1] === blob);
  }

  keysOf(account: FakeApiAccount): FakeApiKey[] {
    return this.keys.filter((k) => k.ownerUuid === account.uuid);
  }

  ownerOf(key: FakeApiKey): FakeApiAccount | undefined {
    return this.accounts.find((a) => a.uuid === key.ownerUuid);
  }

  removeKey(key: FakeApiKey): void {
    this.keys.splice(this.keys.indexOf(key), 1);
  }
}

export interface FakeApiOptions {
  flavor?: 'cloud' | 'datacenter';
  store?: FakeAccountStore;
  /** Keys per page (Cloud pagelen, Data Center limit cap). Default 10. */
  pageLen?: number;
  /** Accept connections and never answer. */
  silent?: boolean;
  /** Send x-oauth-scopes (Cloud). Default true. */
  scopeHeader?: boolean;
  /** Data Center: basic authentication switched off on the server. */
  basicAuthDisabled?: boolean;
  /** Data Center: send X-AUSERNAME (default true); without it only the applinks whoami servlet names the user (older servers). */
  usernameHeader?: boolean;
  /** Cloud: "next" links point at this base instead of the server's own (a hostile or broken answer). */
  nextBaseUrl?: string;
  /**
   * Where to listen and the name clients use (default 127.0.0.1, a free port): in a private network
   * namespace the server can be the real api.bitbucket.org on 443 (the certificate then names it).
   */
  listen?: { host: string; port: number; name: string };
  /** A misbehaving server that repeats the request's Authorization header in every error message. */
  echoAuthorization?: boolean;
}

export interface FakeApiRequest {
  method: string;
  path: string;
  status: number;
  /** "Basic", "Bearer" or null: never the credential itself. */
  scheme: string | null;
  /** Everything the client sent except the Authorization header, for leak checks. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeBitbucketApi {
  /** Cloud: the stand-in for https://api.bitbucket.org/2.0; Data Center: the server's base URL. */
  baseUrl: string;
  port: number;
  /** PEM of the CA that signed the server certificate. */
  ca: string;
  caFile: string;
  store: FakeAccountStore;
  requests: FakeApiRequest[];
  stop(): Promise<void>;
}

export async function startFakeBitbucketApi(options: FakeApiOptions = {}): Promise<FakeBitbucketApi> {
  const flavor = options.flavor ?? 'cloud';
  const store = options.store ?? new FakeAccountStore();
  const pageLen = options.pageLen ?? 10;
  const root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-bbapi-'));
  const pki = await createTestPki(root, options.listen ? [options.listen.name] : []);
  const ca = await readFile(pki.caFile, 'utf8');
  const requests: FakeApiRequest[] = [];
  const sockets = new Set<net.Socket>();
  let base = '';

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'https://localhost');
      const headers = { ...req.headers };
      const authorization = headers.authorization;
      delete headers.authorization;
      const scheme = /^(\w+)\s/.exec(authorization ?? '')?.[1] ?? null;
      const send = (status: number, json: unknown, extra: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? 'GET', path: url.pathname, status, scheme, url: req.url ?? '', headers, body });
        if (options.echoAuthorization && status >= 400) echoAuthorization(json, authorization);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...extra });
        res.end(json === null ? '' : JSON.stringify(json));
      };
      const call = { method: req.method ?? 'GET', url, body, authorization, send };
      if (flavor === 'cloud') cloud(call);
      else datacenter({ ...call, res });
    });
  };

  interface Call {
    method: string;
    url: URL;
    body: string;
    authorization: string | undefined;
    send: (status: number, json: unknown, extra?: Record<string, string>) => void;
  }

  const cloudError = (message: string, detail?: unknown) => ({ type: 'error', error: { message, ...(detail ? { detail } : {}) } });

  const cloud = ({ method, url, body, authorization, send }: Call) => {
    const refuse = (message = `${API_MESSAGES.tokenInvalid}.`) => send(401, cloudError(message), { 'www-authenticate': 'Basic realm="Bitbucket.org HTTP"' });
    const basicAuth = parseBasic(authorization);
    if (!basicAuth) return refuse();
    const account = store.accounts.find((a) => a.email === basicAuth.user && a.token === basicAuth.password);
    if (!account) return refuse();
    if (account.kind === 'app-password') return refuse('App passwords are deprecated and must be replaced with API tokens.');
    if (account.state !== 'active' || account.scopes.length === 0) return refuse();
    const scopeHeader: Record<string, string> = options.scopeHeader === false ? {} : { [API_HEADERS.grantedScopes]: account.scopes.join(', ') };
    const need = (...scopes: string[]) => {
      const missing = scopes.filter((s) => !account.scopes.includes(s));
      if (missing.length === 0) return true;
      send(403, cloudError(`${API_MESSAGES.missingScopes}.`, { required: scopes, granted: account.scopes }), scopeHeader);
      return false;
    };
    const ok = (status: number, json: unknown) => send(status, json, scopeHeader);
    const p = url.pathname.replace(/^\/2\.0/, '');
    if (p === '/user' && method === 'GET') {
      if (!need(SCOPE_USER_READ)) return;
      return ok(200, { type: 'user', uuid: account.uuid, account_id: account.accountId, username: account.username, nickname: account.username, display_name: account.displayName });
    }
    const keysMatch = /^\/users\/([^/]+)\/ssh-keys(?:\/([^/]+))?$/.exec(p);
    if (!keysMatch) return send(404, cloudError('Resource not found'));
    const selected = decodeURIComponent(keysMatch[1]!);
    if (selected !== account.uuid && selected !== account.accountId) return send(403, cloudError('You may not access the SSH keys of another user.'));
    const keyId = keysMatch[2] ? decodeURIComponent(keysMatch[2]) : null;
    const view = (k: FakeApiKey) => ({
      type: 'ssh_key',
      uuid: k.uuid,
      key: k.line,
      label: k.label,
      comment: null,
      fingerprint: sha256Fingerprint(k.line.split(' ')[1]!).slice('SHA256:'.length),
      created_on: k.createdOn,
      last_used: null,
      links: { self: { href: `${base}/users/${encodeURIComponent(account.uuid)}/ssh-keys/${encodeURIComponent(k.uuid)}` } },
      owner: { type: 'user', uuid: account.uuid, display_name: account.displayName },
    });
    if (!keyId && method === 'GET') {
      if (!need(SCOPE_SSH_KEY_READ)) return;
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
      const all = store.keysOf(account);
      const values = all.slice((page - 1) * pageLen, page * pageLen).map(view);
      const more = page * pageLen < all.length;
      return ok(200, { pagelen: pageLen, size: all.length, page, values, ...(more ? { next: `${options.nextBaseUrl ?? base}/users/${encodeURIComponent(selected)}/ssh-keys?page=${page + 1}` } : {}) });
    }
    if (!keyId && method === 'POST') {
      if (!need(SCOPE_SSH_KEY_READ, SCOPE_SSH_KEY_WRITE)) return;
      const input = parseJson(body) as { key?: unknown; label?: unknown } | null;
      const line = typeof input?.key === 'string' ? input.key : '';
      if (!/^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/]+={0,2}/.test(line)) return send(400, cloudError('Bad request', { key: ['This is not a valid SSH key.'] }));
      // [OFFICIAL KB] the same words whether the key is on this account or elsewhere.
      if (store.findKey(line)) return send(400, cloudError(`${API_MESSAGES.keyAlreadyRegistered}.`, { key: [`${API_MESSAGES.keysMustBeUnique} and deleted keys may take up to 30 days to be removed.`] }));
      const key = store.addKey(account, line, typeof input?.label === 'string' ? input.label : '');
      return ok(201, view(key));
    }
    const key = store.keysOf(account).find((k) => k.uuid === keyId);
    if (keyId && method === 'GET') return key ? ok(200, view(key)) : send(404, cloudError('SSH key not found'));
    if (keyId && method === 'DELETE') {
      if (!need(SCOPE_SSH_KEY_DELETE)) return;
      if (!key) return send(404, cloudError('SSH key not found'));
      store.removeKey(key);
      return send(204, null, scopeHeader);
    }
    return send(405, cloudError('Method not allowed'));
  };

  const dcErrors = (message: string) => ({ errors: [{ context: null, message, exceptionName: null }] });

  const datacenter = ({ method, url, body, authorization, send, res }: Call & { res: http.ServerResponse }) => {
    let account: FakeApiAccount | undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const basicAuth = parseBasic(authorization);
    if (basicAuth && options.basicAuthDisabled) return send(403, dcErrors(`${DC_MESSAGES.basicAuthDisabled} on this instance.`));
    if (bearer) account = store.accounts.find((a) => a.token === bearer);
    else if (basicAuth) account = store.accounts.find((a) => a.username === basicAuth.user && a.token === basicAuth.password);
    const p = url.pathname;
    if (p === '/rest/api/1.0/application-properties' && method === 'GET') {
      // Answers everyone; only an authenticated caller is named in X-AUSERNAME.
      if ((bearer || basicAuth) && (!account || account.state !== 'active')) return send(401, dcErrors('Authentication failed. Please check your credentials and try again.'));
      const named: Record<string, string> = account && options.usernameHeader !== false ? { [DC_USERNAME_HEADER]: encodeURIComponent(account.username), 'x-auserid': '1' } : {};
      return send(200, { version: '9.4.0', buildNumber: '9004000', displayName: 'Bitbucket' }, named);
    }
    if (p === '/plugins/servlet/applinks/whoami' && method === 'GET') {
      requests.push({ method, path: p, status: 200, scheme: bearer ? 'Bearer' : basicAuth ? 'Basic' : null, url: url.pathname, headers: {}, body });
      res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' }).end(account && account.state === 'active' ? account.username : '');
      return;
    }
    if (!account || account.state !== 'active') return send(401, dcErrors('Authentication failed. Please check your credentials and try again.'));
    const userMatch = /^\/rest\/api\/1\.0\/users\/([^/]+)$/.exec(p);
    if (userMatch && method === 'GET') {
      const slug = decodeURIComponent(userMatch[1]!);
      const user = store.accounts.find((a) => a.username === slug);
      if (!user) return send(404, dcErrors(`User ${slug} does not exist.`));
      return send(200, { name: user.username, slug: user.username, displayName: user.displayName, emailAddress: user.email, id: 1, type: 'NORMAL', active: true });
    }
    const keysMatch = /^\/rest\/ssh\/1\.0\/keys(?:\/(\d+))?$/.exec(p);
    if (!keysMatch) return send(404, dcErrors('Not found'));
    const view = (k: FakeApiKey) => ({ id: k.id, text: `${k.line}`, label: k.label });
    if (!keysMatch[1] && method === 'GET') {
      const start = Number(url.searchParams.get('start') ?? '0') || 0;
      const limit = Math.min(pageLen, Number(url.searchParams.get('limit') ?? String(pageLen)) || pageLen);
      const all = store.keysOf(account);
      const values = all.slice(start, start + limit).map(view);
      const isLastPage = start + limit >= all.length;
      return send(200, { size: values.length, limit, isLastPage, start, values, ...(isLastPage ? {} : { nextPageStart: start + limit }) });
    }
    if (!keysMatch[1] && method === 'POST') {
      const input = parseJson(body) as { text?: unknown; label?: unknown } | null;
      const line = typeof input?.text === 'string' ? input.text : '';
      if (!/^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/]+={0,2}/.test(line)) return send(400, dcErrors('The SSH key is not valid.'));
      if (store.findKey(line)) return send(409, dcErrors(`${DC_MESSAGES.keyUsedForAccess}.`));
      const key = store.addKey(account, line, typeof input?.label === 'string' ? input.label : '');
      return send(201, view(key));
    }
    if (keysMatch[1] && method === 'DELETE') {
      const key = store.keysOf(account).find((k) => k.id === Number(keysMatch[1]));
      if (!key) return send(404, dcErrors('The SSH key does not exist.'));
      store.removeKey(key);
      return send(204, null);
    }
    return send(405, dcErrors('Method not allowed'));
  };

  const server = options.silent ? net.createServer(() => {}) : https.createServer({ key: pki.key, cert: pki.cert }, handler);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen?.port ?? 0, options.listen?.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const origin = options.listen ? `https://${options.listen.name}${port === 443 ? '' : `:${port}`}` : `https://127.0.0.1:${port}`;
  base = flavor === 'cloud' ? `${origin}/2.0` : origin;
  return {
    baseUrl: base,
    port,
    ca,
    caFile: pki.caFile,
    store,
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Appends the Authorization header as sent to the error message of a Cloud or Data Center error body. */
function echoAuthorization(json: unknown, authorization: string | undefined): void {
  const said = ` (request had Authorization: ${authorization ?? 'none'})`;
  const body = json as { error?: { message?: string }; errors?: Array<{ message?: string }> } | null;
  if (body?.error) body.error.message = `${body.error.message ?? ''}${said}`;
  for (const error of body?.errors ?? []) error.message = `${error.message ?? ''}${said}`;
}

function parseBasic(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** An API token shaped like Atlassian's (ATATT3xFfGF0 + body + "=" + 8 hex), distinctive enough to search for. */
export function fakeApiToken(tag = ''): string {
  const body = `${tag}${randomBytes(48).toString('base64url')}`.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 150);
  return `ATATT3xFfGF0${body}=${randomBytes(4).toString('hex').toUpperCase()}`;
}
