/**
 * URLs the way git's credential code sees them: the fields of credential_from_url, and the
 * matching of `credential.<url>.*` keys (urlmatch.c for full URLs, credential_match for partial
 * ones such as "bitbucket.org"). Pure.
 */

/** The fields git fills a credential from. `host` includes ":port" when the URL has one. */
export interface CredentialUrl {
  protocol: string | null;
  username: string | null;
  host: string | null;
  /** Decoded path without leading or trailing slashes, or null. */
  path: string | null;
}

export interface ParsedCredentialUrl extends CredentialUrl {
  /** Raw password from the userinfo. Stays inside the credentials module. */
  password: string | null;
}

/**
 * credential_from_url (allowPartial: credential_from_potentially_partial_url): the first "@" and
 * ":" before the first "/", "?" or "#" split userinfo from host; every part is %-decoded.
 * Returns null when git rejects the URL.
 */
export function parseCredentialUrl(value: string, allowPartial = false): ParsedCredentialUrl | null {
  const schemeEnd = value.indexOf('://');
  if (!allowPartial && schemeEnd <= 0) return null;
  const rest = schemeEnd === -1 ? value : value.slice(schemeEnd + 3);
  const slashAt = rest.search(/[/?#]/);
  const slash = slashAt === -1 ? rest.length : slashAt;
  const at = rest.indexOf('@');
  const colon = rest.indexOf(':');
  let username: string | null = null;
  let password: string | null = null;
  let hostStart = 0;
  if (at !== -1 && at < slash) {
    hostStart = at + 1;
    if (colon === -1 || at <= colon) {
      username = urlDecode(rest.slice(0, at));
    } else {
      username = urlDecode(rest.slice(0, colon));
      password = urlDecode(rest.slice(colon + 1, at));
    }
  }
  const rawHost = rest.slice(hostStart, slash);
  const host = rawHost || !allowPartial ? urlDecode(rawHost) : null;
  const rawPath = rest.slice(slash).replace(/^\/+/, '');
  const path = rawPath ? urlDecode(rawPath).replace(/\/+$/, '') || null : null;
  const protocol = schemeEnd > 0 ? value.slice(0, schemeEnd) : null;
  return { protocol, username: username || null, password, host, path };
}

/** The credential fields for a remote URL (the password, if any, is dropped). */
export function credentialUrlParts(url: string): CredentialUrl {
  const parsed = parseCredentialUrl(url);
  if (!parsed) return { protocol: null, username: null, host: null, path: null };
  return { protocol: parsed.protocol, username: parsed.username, host: parsed.host, path: parsed.path };
}

/** git's url_decode: %XX becomes that byte (a lone "%" stays); the bytes are UTF-8. */
function urlDecode(value: string): string {
  const raw = Buffer.from(value, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.subarray(i + 1, i + 3).toString('latin1');
    if (raw[i] === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

interface NormalizedUrl {
  scheme: string;
  user: string | null;
  host: string;
  port: string;
  path: string;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** A subset of url_normalize: lower-case scheme and host, default port dropped, dot segments resolved. */
function normalize(value: string): NormalizedUrl | null {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (!scheme) return null;
  const schemeName = scheme[1]!.toLowerCase();
  let rest = value.slice(scheme[0].length);
  const slashAt = rest.search(/[/?#]/);
  const slash = slashAt === -1 ? rest.length : slashAt;
  const at = rest.indexOf('@');
  let user: string | null = null;
  if (at !== -1 && at < slash) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    user = urlDecode(colon === -1 ? userinfo : userinfo.slice(0, colon));
    rest = rest.slice(at + 1);
  }
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hostPort || !hostPort[1]) return null;
  let port = (hostPort[2] ?? '').replace(/^0+(?=\d)/, '');
  if (port === DEFAULT_PORTS[schemeName]) port = '';
  const segments: string[] = [];
  for (const segment of (end === -1 ? '' : rest.slice(end)).replace(/[?#].*$/, '').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(urlDecode(segment));
  }
  const trailing = /\/$/.test(rest) && segments.length > 0 ? '/' : '';
  return { scheme: schemeName, user, host: hostPort[1].toLowerCase(), port, path: `/${segments.join('/')}${trailing}` };
}

/** Host labels match one by one; a label that is exactly "*" matches any one label (match_host). */
function hostMatches(host: string, pattern: string): boolean {
  const h = host.split('.');
  const p = pattern.split('.');
  return h.length === p.length && p.every((label, i) => label === '*' || label === h[i]);
}

/** url_match_prefix: equal, or a prefix ending at a "/" boundary (both have an implicit trailing "/"). */
function pathMatches(path: string, prefix: string): boolean {
  const withSlash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  if (prefix === '/' || prefix === '') return true;
  return withSlash(path).startsWith(withSlash(prefix));
}

/** Whether `credential.<pattern>.*` applies to the credential for `url`. */
export function urlMatches(pattern: string, url: CredentialUrl): boolean {
  const want = normalize(pattern);
  if (want) {
    if (!url.protocol || !url.host) return false;
    const userPart = url.username ? `${encodeURIComponent(url.username)}@` : '';
    const have = normalize(`${url.protocol}://${userPart}${url.host}/${url.path ?? ''}`);
    if (!have || have.scheme !== want.scheme) return false;
    if (want.user !== null && want.user !== have.user) return false;
    if (!hostMatches(have.host, want.host) || have.port !== want.port) return false;
    return pathMatches(have.path, want.path);
  }
  // Not a URL git can normalize ("bitbucket.org", "user@host"): credential_match on the parts given.
  const partial = parseCredentialUrl(pattern, true);
  if (!partial) return false;
  const same = (w: string | null, h: string | null) => w === null || w === h;
  return same(partial.protocol, url.protocol) && same(partial.host, url.host) && same(partial.path, url.path) && same(partial.username, url.username);
}
