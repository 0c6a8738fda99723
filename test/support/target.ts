import type { EngineContext } from '../../app/context.js';
import { prepareRemote } from '../../app/diagnose/diagnose.js';
import { parseRemote } from '../../app/diagnose/remote-findings.js';
import type { RemoteTarget } from '../../app/diagnose/target.js';
import { readRemotes } from '../../app/repo/repository.js';

/** The remote target exactly as the diagnosis builds it (real remote reader, URL parser, recognition). */
export async function remoteTarget(ctx: EngineContext, repoRoot: string, name = 'origin'): Promise<RemoteTarget> {
  const snapshot = await readRemotes(ctx, repoRoot);
  const remote = snapshot.remotes.find((r) => r.name === name);
  if (!remote) throw new Error(`no remote ${name} in ${repoRoot}`);
  const { target, parsed } = await prepareRemote(ctx, repoRoot, parseRemote(remote, ctx.secrets, ctx.platform), snapshot.defaultPushRemote);
  if (!target) throw new Error(`test remote URL does not parse: ${parsed.configured.map((c) => `${c.raw}${c.reason ? `: ${c.reason}` : ''}`).join(', ')}`);
  return target;
}
