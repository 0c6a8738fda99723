import type { EngineContext } from '../context.js';
import { prepareRemote } from '../diagnose/diagnose.js';
import { parseRemote } from '../diagnose/remote-findings.js';
import type { RemoteTarget } from '../diagnose/target.js';
import { readRemotes } from '../repo/repository.js';
import type { SshEndpoint } from '../ssh/endpoint.js';
import type { FixScope } from './types.js';

export type LoadedRemote = { ok: true; target: RemoteTarget; endpoint: SshEndpoint | null } | { ok: false; reason: string };

/**
 * The fix scope's remote as the diagnosis sees it: configured and resolved URLs, where pushes go,
 * and which Bitbucket (rewrites and ssh aliases resolved). Read-only.
 */
export async function loadRemote(ctx: EngineContext, scope: FixScope): Promise<LoadedRemote> {
  if (!scope.repoRoot) return { ok: false, reason: 'This fix is about a repository: give its folder.' };
  if (!scope.remoteName) return { ok: false, reason: 'This repository has no remote that git push would use.' };
  const snapshot = await readRemotes(ctx, scope.repoRoot);
  const remote = snapshot.remotes.find((r) => r.name === scope.remoteName);
  if (!remote) return { ok: false, reason: `This repository has no remote named "${scope.remoteName}".` };
  const prepared = await prepareRemote(ctx, scope.repoRoot, parseRemote(remote, ctx.secrets, ctx.platform), snapshot.defaultPushRemote);
  if (!prepared.target) return { ok: false, reason: `The URL of ${remote.name} is not one git can use.` };
  return { ok: true, target: prepared.target, endpoint: prepared.endpoint };
}

/** The remote when it is a Bitbucket remote pushed to over HTTPS, else why this fix does not apply. */
export async function loadHttpsRemote(ctx: EngineContext, scope: FixScope): Promise<LoadedRemote> {
  const loaded = await loadRemote(ctx, scope);
  if (!loaded.ok) return loaded;
  const { target } = loaded;
  if (target.bitbucket.kind === 'other') return { ok: false, reason: `${target.remote.name} does not point at Bitbucket.` };
  if (target.pushUrl.protocol !== 'https' && target.pushUrl.protocol !== 'http') return { ok: false, reason: `${target.remote.name} pushes over ${target.pushUrl.protocol}, not HTTPS.` };
  return loaded;
}
