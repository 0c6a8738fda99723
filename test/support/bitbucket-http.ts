import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ACCESS_TOKEN_USERNAME, API_TOKEN_STATIC_USERNAME, DC_MESSAGES, HTTP_ANSWERS } from '../../app/facts/bitbucket.js';
import { systemEnv } from './platform.js';

const execFileAsync = promisify(execFile);

/**
 * A local smart-HTTP git server that authenticates like Bitbucket: Basic auth in front of the real
 * `git http-backend` (CGI), answering failures with Bitbucket's real status codes and messages.
 * Real `git clone`, `ls-remote` and `push` work through it. Loopback only.
 */

export type FakeAccountKind = 'api-token' | 'app-password' | 'account-password' | 'access-token' | 'dc-token';
export type Permission = 'read' | 'write';
export type Scope = 'read' | 'write';

export interface FakeAccount {
  /** Bitbucket username; for access tokens the token's own identity (used in repo permissions). */
  username: string;
  email?: string;
  secret: string;
  kind: FakeAccountKind;
  /**
   * API tokens and access tokens: repository scopes (default read and write). [] is an API token
   * created without scopes: git gets 401 "You may not have access to this repository..." (facts §12).
   */
  scopes?: Scope[];
}

export interface FakeBitbucketHttpOptions {
  flavor?: 'cloud' | 'datacenter';
  /** Serve HTTPS with a certificate from a throwaway CA (`caFile`). */
  tls?: boolean;
  accounts?: FakeAccount[];
  /** Repository path as in the URL ("acme/widgets.git", "scm/PROJ/repo.git") → username → permission. */
  repos?: Record<string, Record<string, Permission>>;
  /** Accept connections and never answer (a dead server behind a live port). */
  silent?: boolean;
  /** Delay before each answer, ms. */
  delayMs?: number;
  /** A workspace rule that refuses every authenticated request (HTTP 403 with Bitbucket's words). */
  workspaceRule?: 'ip-allowlist' | 'two-step';
  /**
   * How Cloud refuses an app password: 410 with the CHANGE-3222 lines (captured git sessions), or a
   * bare 401 (Atlassian's removal notice says "HTTP 401"; facts §12). Default 410.
   */
  appPasswordStatus?: 401 | 410;
  /** Data Center with basic authentication switched off: every Basic request gets 403 (atlassian/data-center-helm-charts#1101). */
  basicAuthDisabled?: boolean;
  /** Data Center's bare 403 (no words) for every authenticated request: no push permission, or basic auth off on older servers. */
  bare403?: boolean;
  /**
   * A misbehaving server or proxy that echoes the request's credentials in every error body: each
   * Authorization header as sent, and a Basic one decoded (git shows text/plain bodies as `remote:` lines).
   */
  echoAuthorization?: boolean;
}

export interface FakeRequest {
  method: string;
  path: string;
  service: 'git-upload-pack' | 'git-receive-pack' | null;
  user: string | null;
  status: number;
  /** Request headers, without Authorization. */
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeBitbucketHttp {
  /** Base URL without a trailing slash, e.g. "http://127.0.0.1:41234". */
  url: string;
  port: number;
  /** PEM of the CA that signed the server certificate (tls only). */
  caFile: string | null;
  /** Every request answered, in order. */
  requests: FakeRequest[];
  /** The most requests that were ever in progress at once (from arrival to the end of the answer). */
  readonly peakInFlight: number;
  /** The bare repository behind a URL path. */
  repoDir(repoPath: string): string;
  /** Changes the delay before each answer from now on (a slow moment in a longer test). */
  setDelay(ms: number): void;
  /** Adds an account, or with `removeAccount` deletes one (its saved credentials are refused from the next request on). */
  addAccount(account: FakeAccount): void;
  removeAccount(username: string): void;
  stop(): Promise<void>;
}

const SERVICES = ['git-upload-pack', 'git-receive-pack'] as const;

export async function startFakeBitbucketHttp(options: FakeBitbucketHttpOptions = {}): Promise<FakeBitbucketHttp> {
  const flavor = options.flavor ?? 'cloud';
  const root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-bbhttp-'));
  const projectRoot = path.join(root, 'repos');
  await mkdir(projectRoot);
  for (const repoPath of Object.keys(options.repos ?? {})) await createBareRepo(path.join(projectRoot, repoPath));

  const requests: FakeRequest[] = [];
  const accounts = [...(options.accounts ?? [])];
  const sockets = new Set<net.Socket>();
  let delayMs = options.delayMs ?? 0;
  /** Answers waiting out the delay: dropped when the server stops. */
  const pending = new Set<NodeJS.Timeout>();
  let caFile: string | null = null;

  let inFlight = 0;
  let peakInFlight = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.once('close', () => inFlight--);
    const answer = () =>
      handle(req, res, { flavor, projectRoot, accounts, repos: options.repos ?? {}, requests, workspaceRule: options.workspaceRule ?? null, appPasswordStatus: options.appPasswordStatus ?? 410, basicAuthDisabled: options.basicAuthDisabled ?? false, bare403: options.bare403 ?? false, echoAuthorization: options.echoAuthorization ?? false });
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer();
      }, delayMs);
      pending.add(timer);
    } else answer();
  };

  let server: net.Server;
  if (options.silent) {
    // Accepts TCP (and so also TLS) connections and never says a word.
    server = net.createServer(() => {});
  } else if (options.tls) {
    const pki = await createTestPki(root);
    caFile = pki.caFile;
    server = https.createServer({ key: pki.key, cert: pki.cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';

  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    caFile,
    requests,
    get peakInFlight() {
      return peakInFlight;
    },
    repoDir: (repoPath) => path.join(projectRoot, repoPath),
    setDelay: (ms) => {
      delayMs = ms;
    },
    addAccount: (account) => {
      accounts.push(account);
    },
    removeAccount: (username) => {
      for (let i = accounts.length - 1; i >= 0; i--) if (accounts[i]!.username === username) accounts.splice(i, 1);
    },
    async stop() {
      for (const timer of pending) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

interface HandlerState {
  flavor: 'cloud' | 'datacenter';
  projectRoot: string;
  accounts: FakeAccount[];
  repos: Record<string, Record<string, Permission>>;
  requests: FakeRequest[];
  workspaceRule: 'ip-allowlist' | 'two-step' | null;
  appPasswordStatus: 401 | 410;
  basicAuthDisabled: boolean;
  bare403: boolean;
  echoAuthorization: boolean;
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, state: HandlerState): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const pathname = decodeURIComponent(url.pathname);
  const match = /^\/(.+?)\/(info\/refs|git-upload-pack|git-receive-pack|HEAD)$/.exec(pathname);
  const service = match?.[2] === 'info/refs' ? SERVICES.find((s) => s === url.searchParams.get('service')) ?? null : SERVICES.find((s) => s === match?.[2]) ?? null;
  const headers = { ...req.headers };
  delete headers.authorization;
  const log = (status: number, user: string | null) => state.requests.push({ method: req.method ?? 'GET', path: pathname, service, user, status, headers });

  const reply = (status: number, lines: readonly string[], user: string | null, headers: Record<string, string> = {}) => {
    log(status, user);
    // Drain the request body so the client is not stuck writing it.
    req.resume();
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    const echoed = status >= 400 && state.echoAuthorization ? echoedCredentials(req) : [];
    const body = [...lines, ...echoed];
    res.end(body.length > 0 ? `${body.join('\n')}\n` : '');
  };
  const unauthorized = (lines: readonly string[], user: string | null) =>
    reply(401, lines, user, { 'WWW-Authenticate': `Basic realm="${state.flavor === 'cloud' ? HTTP_ANSWERS.cloudRealm : HTTP_ANSWERS.dataCenterRealm}"` });
  const notFound = (user: string | null) =>
    state.flavor === 'cloud' ? reply(403, HTTP_ANSWERS.repoMissingOrNoAccess, user) : reply(404, ['Repository not found'], user);

  if (!match || !service) return reply(404, ['Not found'], null);
  const repoPath = match[1]!;

  // Access tokens may also come as a bearer token (Data Center's project and repository tokens only work so).
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const bearerAccount = bearer ? state.accounts.find((a) => a.secret === bearer && (a.kind === 'access-token' || a.kind === 'dc-token')) : undefined;
  if (bearer && !bearerAccount) return unauthorized(HTTP_ANSWERS.invalidCredentials, null);
  const auth = bearerAccount ? { username: bearerAccount.kind === 'access-token' ? ACCESS_TOKEN_USERNAME : bearerAccount.username, password: bearerAccount.secret } : parseBasic(req.headers.authorization);
  if (!auth) return unauthorized([], null);
  if (state.basicAuthDisabled && !bearerAccount) return reply(403, [`${DC_MESSAGES.basicAuthDisabled} on this instance.`], auth.username);
  const account = state.accounts.find((a) => a.secret === auth.password);
  if (!account) return unauthorized(HTTP_ANSWERS.invalidCredentials, auth.username);

  switch (account.kind) {
    case 'app-password':
      if (auth.username !== account.username) return unauthorized(HTTP_ANSWERS.invalidCredentials, auth.username);
      if (state.flavor === 'cloud') return state.appPasswordStatus === 401 ? unauthorized([], auth.username) : reply(410, HTTP_ANSWERS.appPasswordRemoved, auth.username);
      break;
    case 'account-password':
      if (auth.username !== account.username && auth.username !== account.email) return unauthorized(HTTP_ANSWERS.invalidCredentials, auth.username);
      if (state.flavor === 'cloud') return unauthorized(HTTP_ANSWERS.accountPasswordRefused, auth.username);
      break;
    case 'api-token':
      if (account.email && auth.username === account.email) return unauthorized(HTTP_ANSWERS.mayNotHaveAccess, auth.username);
      if (auth.username !== account.username && auth.username !== API_TOKEN_STATIC_USERNAME) return unauthorized(HTTP_ANSWERS.invalidCredentials, auth.username);
      // [OFFICIAL, Atlassian staff, community qaq-p/3206463] "you may not use it without scopes to authenticate with GIT"
      if (account.scopes && account.scopes.length === 0) return unauthorized(HTTP_ANSWERS.mayNotHaveAccess, auth.username);
      break;
    case 'access-token':
      if (auth.username !== ACCESS_TOKEN_USERNAME) return unauthorized(HTTP_ANSWERS.invalidCredentials, auth.username);
      break;
    case 'dc-token':
      if (auth.username !== account.username) return unauthorized(HTTP_ANSWERS.invalidCredentials, auth.username);
      break;
  }

  if (state.bare403) return reply(403, [], account.username);
  if (state.workspaceRule === 'ip-allowlist') return reply(403, HTTP_ANSWERS.ipNotAllowed, account.username);
  if (state.workspaceRule === 'two-step') return reply(403, HTTP_ANSWERS.twoStepRequired, account.username);

  const need: Scope = service === 'git-receive-pack' ? 'write' : 'read';
  if (account.kind === 'api-token' || account.kind === 'access-token') {
    const scopes = account.scopes ?? ['read', 'write'];
    // Pushing needs both scopes: write does not imply read.
    const required: Scope[] = need === 'write' ? ['read', 'write'] : ['read'];
    if (!required.every((s) => scopes.includes(s))) return reply(403, HTTP_ANSWERS.missingScopes, account.username);
  }
  const permission = state.repos[repoPath]?.[account.username];
  if (!permission) return notFound(account.username);
  if (need === 'write' && permission !== 'write') {
    // The exact words Bitbucket uses for a read-only account over HTTPS are not documented; only the 403 is.
    return reply(403, ['You do not have write access to this repository.'], account.username);
  }
  runHttpBackend(req, res, state.projectRoot, pathname, url.search.slice(1), account.username, (status) => log(status, account.username));
}

/** Every Authorization header of a request as sent (Node keeps only the first in req.headers), and Basic ones decoded. */
function echoedCredentials(req: http.IncomingMessage): string[] {
  const lines: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== 'authorization') continue;
    const value = req.rawHeaders[i + 1]!;
    lines.push(`You sent: Authorization: ${value}`);
    const basic = parseBasic(value);
    if (basic) lines.push(`Decoded: ${basic.username}:${basic.password}`);
  }
  return lines;
}

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Runs `git http-backend` as a CGI program and relays its answer (Status: header included). */
function runHttpBackend(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  projectRoot: string,
  pathInfo: string,
  query: string,
  user: string,
  logStatus: (status: number) => void,
): void {
  const child = spawn('git', ['http-backend'], {
    env: {
      ...systemEnv(),
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: projectRoot,
      REMOTE_USER: user,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {});
  child.stderr.resume();

  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    const endLf = head.indexOf('\n\n');
    const cut = end !== -1 ? end : endLf;
    if (cut === -1) return;
    const sepLength = end !== -1 ? 4 : 2;
    const headerText = head.subarray(0, cut).toString('latin1');
    const rest = head.subarray(cut + sepLength);
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of headerText.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else headers[name] = value;
    }
    logStatus(status);
    res.writeHead(status, headers);
    if (rest.length > 0) res.write(rest);
  });
  child.on('close', () => {
    if (!headersDone) {
      logStatus(500);
      res.writeHead(500, { 'Content-Type': 'text/plain' });
    }
    res.end();
  });
}

/** A bare repository with one commit on main, made without a working tree. */
async function createBareRepo(dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const env = {
    ...systemEnv(),
    PATH: process.env.PATH,
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Fake Bitbucket',
    GIT_AUTHOR_EMAIL: 'fake@bitbucket.invalid',
    GIT_COMMITTER_NAME: 'Fake Bitbucket',
    GIT_COMMITTER_EMAIL: 'fake@bitbucket.invalid',
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  };
  const gitIn = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile('git', ['--git-dir', dir, ...args], { env }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
      // Commands that do not read stdin close it early: that is not an error.
      child.stdin?.on('error', () => {});
      child.stdin?.end(input ?? '');
    });
  await gitIn(['init', '-q', '--bare', '-b', 'main']);
  const blob = await gitIn(['hash-object', '-w', '--stdin'], '# seeded by the fake Bitbucket\n');
  const tree = await gitIn(['mktree'], `100644 blob ${blob}\tREADME.md\n`);
  const commit = await gitIn(['commit-tree', tree, '-m', 'initial commit']);
  await gitIn(['update-ref', 'refs/heads/main', commit]);
}

/**
 * A throwaway CA and a server certificate for 127.0.0.1 and localhost (plus `names`, e.g. the real
 * api.bitbucket.org inside a private network namespace), made with the openssl CLI.
 */
export async function createTestPki(root: string, names: readonly string[] = []): Promise<{ caFile: string; key: string; cert: string }> {
  const dir = path.join(root, 'pki');
  await mkdir(dir, { mode: 0o700 });
  const f = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileAsync('openssl', args, { cwd: dir });
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Push Doctor Test CA']);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  const altNames = ['IP:127.0.0.1', 'DNS:localhost', ...names.map((n) => `DNS:${n}`)].join(',');
  await writeFile(f('ext.cnf'), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  await openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf')]);
  const [key, cert] = await Promise.all([readFile(f('server.key'), 'utf8'), readFile(f('server.pem'), 'utf8')]);
  return { caFile: f('ca.pem'), key, cert };
}
