import { parseRemoteUrl } from '../../repo/url.js';
import { dataCenterWeb, useHttps, type DataCenterWeb } from '../../repo/url-edit.js';
import type { RemoteTarget } from '../../diagnose/target.js';
import { remoteUrlFix } from '../remote-url-fix.js';

/** A Data Center server's HTTPS address, from another HTTPS URL of the same remote (an SSH URL does not carry it). */
function dataCenterAddress(target: RemoteTarget): DataCenterWeb | null {
  const { remote } = target;
  for (const raw of [remote.url, ...remote.pushUrls, remote.resolvedFetchUrl, ...remote.resolvedPushUrls]) {
    const url = parseRemoteUrl(raw);
    const web = url.ok ? dataCenterWeb(url.url) : null;
    if (web) return web;
  }
  return null;
}

/** remote.use-https: the URLs push uses switch from SSH to Bitbucket's HTTPS address. */
export const useHttpsFix = remoteUrlFix({
  id: 'remote.use-https',
  scope: { roles: 'push', written: false },
  transform: (ctx, { target, endpoint }) =>
    // ssh may reach Bitbucket through an alias of the ssh config: its real name tells Cloud from Data Center.
    useHttps(ctx.bitbucketHosts, dataCenterAddress(target), (host) => (host === target.pushUrl.host ? (endpoint?.hostname ?? null) : null)),
  nothingToDo: (remote) => `${remote.target.remote.name} does not push over SSH.`,
  done: (remote) => `${remote.target.remote.name} already pushes over HTTPS`,
  details: () => ['HTTPS needs an API token: save one with credential.save-token (open.api-token-page creates it).'],
  applied: (remote) => `${remote.target.remote.name} now pushes over HTTPS`,
});
