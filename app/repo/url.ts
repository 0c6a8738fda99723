import { Secret } from '../secrets/secret.js';

/** How a remote URL was written. */
export type UrlForm = 'url' | 'scp' | 'local' | 'helper';
export type UrlProtocol = 'https' | 'http' | 'ssh' | 'git' | 'file' | 'other';

export interface RemoteUrl {
  /** The URL as configured, with any password masked. Safe to show. */
  display: string;
  form: UrlForm;
  protocol: UrlProtocol;
  /** Lower-case host name (for SSH: as written, possibly an ssh config alias). */
  host: string | null;
  port: number | null;
  /** Decoded user name from the URL, if any. */
  username: string | null;
  /** A password or token written into the URL. */
  password: Secret | null;
  /** Repository path without leading slash, e.g. "workspace/repo.git". */
  path: string;
}

export type ParseResult = { ok: true; url: RemoteUrl } | { ok: false; reason: string; display: string };

/** Token shapes that are sometimes pasted as the URL's user name. */
const TOKEN_AS_USERNAME = /^(?:ATAT|ATBB|ATCT)[A-Za-z0-9_=+/-]{16,}$|^BBDC-[A-Za-z0-9+/@_-]{20,}$/;

const SCHEMES: Record<string, UrlProtocol> = {
  https: 'https',
  http: 'http',
  ssh: 'ssh',
  'git+ssh': 'ssh',
  'ssh+git': 'ssh',
  git: 'git',
  file: 'file',
  ftp: 'other',
  ftps: 'other',
};

/**
 * Parses every remote URL form git accepts (`git help fetch`, "GIT URLS"):
 * scheme URLs with userinfo and ports, scp-like `[user@]host:path`, local paths, and
 * `transport::address` remote helpers. Pure: no I/O.
 */
export function parseRemoteUrl(raw: string, platform: NodeJS.Platform = process.platform): ParseResult {
  const value = raw.trim();
  if (value.length === 0) return { ok: false, reason: 'the URL is empty', display: '' };
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\s\u0000-\u001f]/.test(value)) return { ok: false, reason: 'the URL contains spaces or control characters', display: maskUrlPassword(value) };

  // transport::address (remote helpers such as "codecommit::", "persistent-https::")
  const helper = /^([A-Za-z][A-Za-z0-9+.-]*)::(.+)$/.exec(value);
  if (helper) return { ok: true, url: { display: value, form: 'helper', protocol: 'other', host: null, port: null, username: null, password: null, path: helper[2]! } };

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) return parseSchemeUrl(value, scheme[1]!.toLowerCase());

  if (isLocalPath(value, platform)) {
    return { ok: true, url: { display: value, form: 'local', protocol: 'file', host: null, port: null, username: null, password: null, path: value } };
  }
  return parseScpLike(value);
}

function isLocalPath(value: string, platform: NodeJS.Platform): boolean {
  if (value.startsWith('/') || value.startsWith('./') || value.startsWith('../') || value === '.' || value === '..') return true;
  if (platform === 'win32' && (/^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\'))) return true;
  // git: a colon after the first slash means a path, not scp syntax
  const colon = value.indexOf(':');
  const slash = value.indexOf('/');
  return colon === -1 || (slash !== -1 && slash < colon);
}

function parseSchemeUrl(value: string, scheme: string): ParseResult {
  const protocol = SCHEMES[scheme] ?? 'other';
  if (protocol === 'file') {
    // file://[host]/path: only the path matters
    const filePath = decode(value.replace(/^file:\/\/[^/]*/i, ''));
    return { ok: true, url: { display: value, form: 'url', protocol, host: null, port: null, username: null, password: null, path: filePath } };
  }
  let parsed: URL;
  try {
    // WHATWG URL does not know ssh's authority rules; parse as http to get userinfo, host and port.
    parsed = new URL(value.replace(/^[^:]+:\/\//, 'http://'));
  } catch {
    return { ok: false, reason: 'the host or port is not valid', display: maskUrlPassword(value) };
  }
  const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (!host) return { ok: false, reason: 'the URL has no host', display: maskUrlPassword(value) };
  const explicitPort = /^[^/]*\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(\d+)/.exec(value);
  const port = explicitPort ? Number(explicitPort[1]) : null;
  if (port !== null && (port < 1 || port > 65535)) return { ok: false, reason: 'the port is out of range', display: maskUrlPassword(value) };
  let username = parsed.username ? decode(parsed.username) : null;
  let password = parsed.password ? new Secret(decode(parsed.password)) : null;
  let display = maskUrlPassword(value);
  // A token written as the user name ("https://ATATT...@bitbucket.org/...") is a secret too.
  if (username && !password && TOKEN_AS_USERNAME.test(username)) {
    password = new Secret(username);
    display = display.replace(/^([^:]+:\/\/)[^@/]*@/, `$1${password.masked}@`);
    username = null;
  }
  const path = decode(parsed.pathname).replace(/^\/+/, '');
  return { ok: true, url: { display, form: 'url', protocol, host, port, username, password, path } };
}

function parseScpLike(value: string): ParseResult {
  // [user@]host:path, where host may be [bracketed] (IPv6, or host:port as git allows)
  const match = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/[\]]+):(.*)$/.exec(value);
  if (!match) return { ok: false, reason: 'it is neither a URL, a user@host:path address nor a local path', display: value };
  const [, user, rawHost, path] = match;
  let host = rawHost!;
  let port: number | null = null;
  if (host.startsWith('[')) {
    host = host.slice(1, -1);
    const hostPort = /^([^:]+):(\d+)$/.exec(host);
    if (hostPort) {
      host = hostPort[1]!;
      port = Number(hostPort[2]);
    }
  }
  if (!path) return { ok: false, reason: 'the repository path after ":" is missing', display: value };
  return {
    ok: true,
    url: { display: value, form: 'scp', protocol: 'ssh', host: host.toLowerCase(), port, username: user ?? null, password: null, path: path.replace(/^\/+/, '') },
  };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The URL with any userinfo password replaced by a mask, for display. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:]*):([^/@]*)@/, (_m, head: string, pw: string) => `${head}:${new Secret(decode(pw)).masked}@`);
}

/** "user@host:path" for SSH remotes, "ssh://user@host:port/path" when a port is needed. */
export function formatSshUrl(user: string, host: string, path: string, port: number | null = null): string {
  return port ? `ssh://${user}@${host}:${port}/${path}` : `${user}@${host}:${path}`;
}

export function looksLikeEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);
}
