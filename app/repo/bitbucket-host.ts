import {
  CLOUD_HOSTS,
  CLOUD_LEGACY_SSH_HOST,
  DC_DEFAULT_SSH_PORT,
  DC_HTTP_PATH_SEGMENT,
} from '../facts/bitbucket.js';
import type { RemoteUrl } from './url.js';

export type BitbucketKind = 'cloud' | 'datacenter' | 'other';

export interface BitbucketTarget {
  kind: BitbucketKind;
  /** Why it was recognised, for evidence ("host bitbucket.org", "declared with --bitbucket-host"...). */
  because: string;
  /** Cloud: workspace; Data Center: project key. Null when the path does not say. */
  owner: string | null;
  /** Repository slug without ".git". */
  slug: string | null;
  /** Cloud over SSH on the host that stopped serving SSH. */
  legacySshHost: boolean;
}

/**
 * Decides whether a remote is Bitbucket Cloud, Data Center or something else. For SSH remotes pass
 * the host name ssh really connects to (`ssh -G` resolves config aliases) as `resolvedHost`.
 * `declaredHosts` are `--bitbucket-host` values: "host" or "host:port". Pure.
 */
export function recognizeBitbucket(url: RemoteUrl, declaredHosts: readonly string[], resolvedHost?: string | null, resolvedPort?: number | null): BitbucketTarget {
  // The resolved name first (an alias "bb" → HostName bitbucket.org), then the URL's own name (a
  // Bitbucket name sent elsewhere by HostName: a proxy, a jump host, a test server).
  const names = [...new Set([resolvedHost, url.host].filter((h): h is string => Boolean(h)).map((h) => h.toLowerCase()))];
  const host = names[0] ?? '';
  const port = resolvedPort ?? url.port;
  const isSsh = url.protocol === 'ssh';
  const { owner, slug, scm } = splitRepoPath(url.path);

  const cloudHost = names.find((h) => CLOUD_HOSTS.includes(h));
  if (cloudHost) {
    return {
      kind: 'cloud',
      because: `host ${cloudHost}`,
      owner,
      slug,
      legacySshHost: isSsh && cloudHost === CLOUD_LEGACY_SSH_HOST,
    };
  }
  const declared = declaredHosts.map((h) => h.toLowerCase()).find((h) => names.some((n) => h === n || h === `${n}:${port ?? ''}` || h === `${n}:${url.port ?? ''}`));
  if (declared) return dc(`declared with --bitbucket-host ${declared}`, url);
  if (!isSsh && scm) return dc(`the path contains /${DC_HTTP_PATH_SEGMENT}/`, url);
  if (isSsh && port === DC_DEFAULT_SSH_PORT) return dc(`SSH port ${DC_DEFAULT_SSH_PORT}`, url);
  return { kind: 'other', because: host ? `host ${host}` : 'not a network URL', owner: null, slug: null, legacySshHost: false };
}

function dc(because: string, url: RemoteUrl): BitbucketTarget {
  const { owner, slug } = splitRepoPath(url.path);
  return { kind: 'datacenter', because, owner, slug, legacySshHost: false };
}

/** "ws/repo.git" → ws, repo; "context/scm/PROJ/repo.git" → PROJ, repo. */
function splitRepoPath(path: string): { owner: string | null; slug: string | null; scm: boolean } {
  const parts = path.split('/').filter(Boolean);
  const scmIndex = parts.indexOf(DC_HTTP_PATH_SEGMENT);
  const scm = scmIndex !== -1 && parts.length - scmIndex === 3;
  const rest = scm ? parts.slice(scmIndex + 1) : parts.slice(-2);
  if (rest.length < 2) return { owner: null, slug: null, scm };
  return { owner: rest[0]!, slug: rest[1]!.replace(/\.git$/, ''), scm };
}
