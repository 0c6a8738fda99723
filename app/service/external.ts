import type { EngineContext } from '../context.js';
import type { ExternalTarget } from '../contract/channels.js';
import { MAX_URL_LENGTH } from '../contract/schemas.js';
import { dataCenterBaseUrl } from '../account/link.js';
import { cloudRepoUrl, dataCenterRepoUrl, DC_ACCESS_TOKENS_PAGE, LINKS, OPEN_EXTERNAL_ALLOWED_HOSTS } from '../facts/bitbucket.js';
import { recognizeBitbucket } from '../repo/bitbucket-host.js';
import { readRemotes } from '../repo/repository.js';
import { parseRemoteUrl } from '../repo/url.js';
import { ServiceError } from './errors.js';
import { repositoryRoot } from './repo-summary.js';

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * May this URL be opened in the user's browser? Only https, no user name or password in it, the
 * default port, and a host on the allow-list, compared exactly (look-alikes such as
 * "bitbucket.org.example.com" or "bitbucket.org@example.com" fail). Returns the normalised URL,
 * which is what must be opened.
 */
export function checkExternalUrl(raw: string, allowedHosts: readonly string[] = OPEN_EXTERNAL_ALLOWED_HOSTS): UrlCheck {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, reason: 'the address is too long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'it is not a web address' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'only https pages are opened' };
  if (url.username || url.password) return { ok: false, reason: 'the address contains a user name or password' };
  if (!allowedHosts.includes(url.host)) return { ok: false, reason: `${url.host} is not a Bitbucket or Atlassian page` };
  return { ok: true, url: url.href };
}

/**
 * The hosts pages may be opened on: Bitbucket's and Atlassian's (the facts) and the Data Center
 * servers the user declared (Settings, `--bitbucket-host`), never a host taken from a repository:
 * a remote URL is written by whoever made the repository. A declared "host:port" allows the host on
 * the default https port and on that port.
 */
export function externalAllowList(declaredHosts: readonly string[]): string[] {
  const declared = declaredHosts.flatMap((entry) => {
    const host = entry.trim().toLowerCase();
    const port = /^(.*?):(\d+)$/.exec(host);
    return port ? [port[1]!, host] : [host];
  });
  return [...new Set([...OPEN_EXTERNAL_ALLOWED_HOSTS, ...declared.filter(Boolean)])];
}

/** The URL an ExternalTarget stands for, checked against the allow-list; a ServiceError otherwise. */
export async function resolveExternalTarget(ctx: EngineContext, target: ExternalTarget): Promise<string> {
  const hosts = externalAllowList(ctx.bitbucketHosts);
  switch (target.kind) {
    case 'api-token':
      return allowed(LINKS.createApiToken, hosts);
    case 'access-tokens': {
      // Only a declared server's page: the allow-list below refuses any other host.
      const base = dataCenterBaseUrl(target.server);
      if (!base) throw new ServiceError('invalid-request', `"${target.server.slice(0, 80)}" is not a Bitbucket server address (host, host:port or https://host/context).`);
      return allowed(`${base}${DC_ACCESS_TOKENS_PAGE}`, hosts);
    }
    case 'ssh-keys':
      return allowed(LINKS.sshKeys, hosts);
    case 'url':
      return allowed(target.url, hosts);
    case 'repository':
      return repositoryWebUrl(ctx, target.path, target.remote, hosts);
  }
}

function allowed(raw: string, hosts: readonly string[]): string {
  const check = checkExternalUrl(raw, hosts);
  if (!check.ok) throw new ServiceError('invalid-request', `Push Doctor does not open that address: ${check.reason}.`);
  return check.url;
}

/**
 * The web page of the repository behind a remote: bitbucket.org/<workspace>/<slug> for Cloud; for
 * Data Center the project page on the server of an https remote, when the user declared that server.
 */
async function repositoryWebUrl(ctx: EngineContext, inputPath: string, remoteName: string | undefined, hosts: readonly string[]): Promise<string> {
  const root = await repositoryRoot(ctx, inputPath);
  const snapshot = await readRemotes(ctx, root);
  const name = remoteName ?? snapshot.defaultPushRemote ?? snapshot.remotes[0]?.name;
  const remote = snapshot.remotes.find((r) => r.name === name);
  if (!remote) throw new ServiceError('not-found', name ? `This repository has no remote named ${name}.` : 'This repository has no remote.');
  const parsed = parseRemoteUrl(remote.resolvedFetchUrl, ctx.platform);
  if (!parsed.ok) throw new ServiceError('not-applicable', `The address of ${remote.name} is not valid: ${parsed.reason}.`);
  const url = parsed.url;
  const target = recognizeBitbucket(url, ctx.bitbucketHosts);
  if (target.kind === 'cloud' && target.owner && target.slug) return allowed(cloudRepoUrl(target.owner, target.slug), hosts);
  if (target.kind === 'datacenter' && url.protocol === 'https' && url.host && target.owner && target.slug) {
    const context = url.path.split('/').filter(Boolean);
    const base = `https://${url.host.includes(':') ? `[${url.host}]` : url.host}${url.port ? `:${url.port}` : ''}`;
    const webUrl = dataCenterRepoUrl(base, context.slice(0, Math.max(0, context.indexOf('scm'))), target.owner, target.slug);
    const server = new URL(base).host;
    if (!hosts.includes(server)) {
      throw new ServiceError('not-applicable', `Push Doctor opens pages only on Bitbucket Cloud and on the Data Center servers you declared. To open ${webUrl}, add ${server} to the Data Center servers in Settings.`);
    }
    return allowed(webUrl, hosts);
  }
  throw new ServiceError('not-applicable', `Push Doctor cannot tell the web page of ${remote.name} (${url.host ?? 'a local path'}); open it from Bitbucket.`);
}
