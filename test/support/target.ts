import type { EngineContext } from '../../app/context.js';
import type { RemoteTarget } from '../../app/diagnose/target.js';
import { recognizeBitbucket } from '../../app/repo/bitbucket-host.js';
import { readRemotes } from '../../app/repo/repository.js';
import { parseRemoteUrl, type RemoteUrl } from '../../app/repo/url.js';

function parsed(raw: string, ctx: EngineContext): RemoteUrl {
  const result = parseRemoteUrl(raw, ctx.platform);
  if (!result.ok) throw new Error(`test remote URL does not parse: ${result.display}: ${result.reason}`);
  return result.url;
}

/**
 * Builds a remote target with the real remote reader and URL parser. Bitbucket is recognised from
 * the resolved push URL, or from the configured one when a rewrite points elsewhere (the tests'
 * insteadOf to the local fake server).
 */
export async function remoteTarget(ctx: EngineContext, repoRoot: string, name = 'origin'): Promise<RemoteTarget> {
  const snapshot = await readRemotes(ctx, repoRoot);
  const remote = snapshot.remotes.find((r) => r.name === name);
  if (!remote) throw new Error(`no remote ${name} in ${repoRoot}`);
  const pushUrl = parsed(remote.resolvedPushUrls[0] ?? remote.resolvedFetchUrl, ctx);
  const fetchUrl = parsed(remote.resolvedFetchUrl, ctx);
  let bitbucket = recognizeBitbucket(pushUrl, ctx.bitbucketHosts);
  if (bitbucket.kind === 'other') bitbucket = recognizeBitbucket(parsed(remote.pushUrls[0] ?? remote.url, ctx), ctx.bitbucketHosts);
  return { repoRoot, remote, pushUrl, fetchUrl, bitbucket, isDefaultPush: snapshot.defaultPushRemote === name };
}
