import { CLOUD_LEGACY_SSH_HOST, CLOUD_SSH_HOST, CLOUD_WEB_HOST, DC_DEFAULT_SSH_PORT, DC_HTTP_PATH_SEGMENT, SSH_USER } from '../facts/bitbucket.js';
import { recognizeBitbucket } from './bitbucket-host.js';
import { formatSshUrl, parseRemoteUrl, type RemoteUrl } from './url.js';

/**
 * Edits of remote URLs, as pure functions of the URL as written: each one changes only the part it
 * means to (user name, password, host, protocol) and leaves the rest byte for byte.
 */

/** What a fix makes of one URL. */
export type UrlVerdict =
  /** Already as the fix wants it. */
  | { kind: 'ok' }
  /** Not a URL this fix is about (another protocol, not Bitbucket). */
  | { kind: 'skip' }
  | { kind: 'change'; url: string }
  /** The fix is about this URL but cannot change it: why, in one sentence (never a secret). */
  | { kind: 'refuse'; reason: string };

export type UrlTransform = (raw: string) => UrlVerdict;

const OK: UrlVerdict = { kind: 'ok' };
const SKIP: UrlVerdict = { kind: 'skip' };
const change = (url: string): UrlVerdict => ({ kind: 'change', url });
const refuse = (reason: string): UrlVerdict => ({ kind: 'refuse', reason });

/** A scheme URL split as written (nothing decoded). The user info ends at the LAST "@" of the authority, as for parseRemoteUrl. */
export interface SchemeUrlParts {
  scheme: string;
  userinfo: string | null;
  hostPort: string;
  /** Path, query and fragment as written, with the leading "/". */
  rest: string;
}

export function splitSchemeUrl(raw: string): SchemeUrlParts | null {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([\s\S]*)$/.exec(raw);
  if (!match) return null;
  const authority = match[2]!;
  const at = authority.lastIndexOf('@');
  return { scheme: match[1]!, userinfo: at === -1 ? null : authority.slice(0, at), hostPort: authority.slice(at + 1), rest: match[3]! };
}

export function joinSchemeUrl(parts: SchemeUrlParts): string {
  return `${parts.scheme}://${parts.userinfo === null ? '' : `${parts.userinfo}@`}${parts.hostPort}${parts.rest}`;
}

function parsed(raw: string): RemoteUrl | null {
  const result = parseRemoteUrl(raw);
  return result.ok ? result.url : null;
}

const isHttp = (url: RemoteUrl) => url.protocol === 'https' || url.protocol === 'http';

/** HTTPS URLs: the user name becomes `username` (percent-encoded). A URL that also holds a secret is refused. */
export function setUsername(username: string): UrlTransform {
  return (raw) => {
    const url = parsed(raw);
    const parts = splitSchemeUrl(raw);
    if (!url || !parts || !isHttp(url)) return SKIP;
    if (url.password) return refuse(`${url.display} also holds a password or token: take it out first (remote.remove-secret)`);
    if (url.username === username) return OK;
    return change(joinSchemeUrl({ ...parts, userinfo: encodeURIComponent(username) }));
  };
}

/** Drops a password (or a token written as the user name) from a URL; the user name stays. */
export const removeSecret: UrlTransform = (raw) => {
  const url = parsed(raw);
  if (!url) return SKIP;
  if (!url.password) return OK;
  const parts = splitSchemeUrl(raw);
  if (!parts || parts.userinfo === null) return SKIP;
  const colon = parts.userinfo.indexOf(':');
  // "token@host" (no colon): the whole user info was the secret.
  const user = colon === -1 ? null : parts.userinfo.slice(0, colon);
  return change(joinSchemeUrl({ ...parts, userinfo: user || null }));
};

/** Where a Data Center HTTPS clone URL lives: https://host[:port][/context]/scm/PROJECT/repo.git. */
export interface DataCenterWeb {
  /** "https://host[:port]" */
  origin: string;
  contextPath: string[];
  project: string;
  slug: string;
}

export function dataCenterWeb(url: RemoteUrl): DataCenterWeb | null {
  if (!isHttp(url) || !url.host) return null;
  const parts = url.path.split('/').filter(Boolean);
  const scm = parts.lastIndexOf(DC_HTTP_PATH_SEGMENT);
  if (scm === -1 || parts.length - scm !== 3) return null;
  const host = url.host.includes(':') ? `[${url.host}]` : url.host;
  return { origin: `${url.protocol}://${host}${url.port ? `:${url.port}` : ''}`, contextPath: parts.slice(0, scm), project: parts[scm + 1]!, slug: parts[scm + 2]!.replace(/\.git$/, '') };
}

/** Resolves an SSH host alias to the name ssh connects to (ssh -G), when known. */
export type HostResolver = (host: string) => string | null;

function kindOf(url: RemoteUrl, declaredHosts: readonly string[], resolve?: HostResolver) {
  return recognizeBitbucket(url, declaredHosts, url.host ? (resolve?.(url.host) ?? null) : null);
}

/**
 * HTTPS → SSH. Cloud: https://bitbucket.org/WS/REPO.git → git@ssh.bitbucket.org:WS/REPO.git.
 * Data Center: https://host[/ctx]/scm/PROJ/repo.git → ssh://git@host:7999/proj/repo.git (the
 * default SSH port; the project key in lower case, as Data Center's SSH clone URLs write it).
 */
export function useSsh(declaredHosts: readonly string[]): UrlTransform {
  return (raw) => {
    const url = parsed(raw);
    if (!url) return SKIP;
    if (url.protocol === 'ssh') return OK;
    if (!isHttp(url)) return SKIP;
    const bitbucket = kindOf(url, declaredHosts);
    if (bitbucket.kind === 'cloud') {
      if (!bitbucket.owner || !bitbucket.slug) return refuse(`${url.display} does not name a workspace and a repository`);
      return change(formatSshUrl(SSH_USER, CLOUD_SSH_HOST, url.path));
    }
    if (bitbucket.kind === 'datacenter') {
      const web = dataCenterWeb(url);
      if (!web || !url.host) return refuse(`${url.display} is not a Data Center clone URL (…/${DC_HTTP_PATH_SEGMENT}/PROJECT/repo.git)`);
      return change(formatSshUrl(SSH_USER, url.host, `${web.project.toLowerCase()}/${web.slug}.git`, DC_DEFAULT_SSH_PORT));
    }
    return SKIP;
  };
}

/**
 * SSH → HTTPS. Cloud: git@(ssh.)bitbucket.org:WS/REPO.git → https://bitbucket.org/WS/REPO.git.
 * Data Center only with the server's HTTPS address (port and context path), which an SSH URL does
 * not carry: `dataCenter` comes from another HTTPS URL of the same server, else it is refused.
 */
export function useHttps(declaredHosts: readonly string[], dataCenter: DataCenterWeb | null, resolve?: HostResolver): UrlTransform {
  return (raw) => {
    const url = parsed(raw);
    if (!url) return SKIP;
    if (isHttp(url)) return OK;
    if (url.protocol !== 'ssh') return SKIP;
    const bitbucket = kindOf(url, declaredHosts, resolve);
    if (bitbucket.kind === 'cloud') return change(`https://${CLOUD_WEB_HOST}/${url.path.replace(/^\/+/, '')}`);
    if (bitbucket.kind === 'datacenter') {
      if (!dataCenter) {
        return refuse("Data Center's HTTPS address (its port and context path) cannot be derived from an SSH URL: copy the HTTPS URL from the repository's Clone button and run git remote set-url");
      }
      if (!bitbucket.owner || !bitbucket.slug) return refuse(`${url.display} does not name a project and a repository`);
      const path = [...dataCenter.contextPath, DC_HTTP_PATH_SEGMENT, bitbucket.owner, `${bitbucket.slug}.git`].join('/');
      return change(`${dataCenter.origin}/${path}`);
    }
    return SKIP;
  };
}

/** SSH on bitbucket.org → ssh.bitbucket.org, in the URL's own form (scp-like or ssh://), user, port and path kept. */
export const useSshHost: UrlTransform = (raw) => {
  const url = parsed(raw);
  if (!url || url.protocol !== 'ssh') return SKIP;
  if (url.host === CLOUD_SSH_HOST) return OK;
  if (url.host !== CLOUD_LEGACY_SSH_HOST) return SKIP;
  if (url.form === 'scp') {
    const scp = /^((?:[^@/]+@)?)([^:/[\]]+)(:[\s\S]*)$/.exec(raw);
    if (!scp) return refuse(`${url.display} cannot be rewritten automatically`);
    return change(`${scp[1]}${CLOUD_SSH_HOST}${scp[3]}`);
  }
  const parts = splitSchemeUrl(raw);
  if (!parts) return SKIP;
  return change(joinSchemeUrl({ ...parts, hostPort: parts.hostPort.replace(/^[^:]+/, CLOUD_SSH_HOST) }));
};
