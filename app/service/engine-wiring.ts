import { applyFix, describeFix, fixHistory, undoLastFix } from '../fix/registry.js';
import { verifySsh } from '../ssh/verify.js';
import type { EngineServices } from './engine.js';
import { ServiceError } from './errors.js';

/**
 * The engine functions behind EngineServices, for main and the browser preview. The fixes, undo and
 * history come from the fix registry; diagnosis, SSH verification, the re-test and the report are
 * being written alongside the shell, and each method below is replaced by the real function when
 * its module lands, e.g. `diagnose: (ctx, path, options) => diagnoseRepository(ctx, path, options)`.
 * Until then a call answers with a clear "not in this build" error instead of crashing.
 */
export function engineServices(): EngineServices {
  const missing = (what: string): never => {
    throw new ServiceError('failed', `${what} is not part of this build of Push Doctor yet.`);
  };
  return {
    diagnose: async () => missing('Diagnosis'),
    describeFix: (ctx, target, fixId) => describeFix(ctx, fixId, { repoRoot: target.repoRoot, remoteName: target.remoteName ?? null }),
    applyFix: (ctx, target, fixId, input) => applyFix(ctx, fixId, { repoRoot: target.repoRoot, remoteName: target.remoteName ?? null }, input),
    undoLast: (ctx) => undoLastFix(ctx),
    history: (ctx) => fixHistory(ctx),
    verifySsh: (ctx, repoRoot, remoteName) => verifySsh(ctx, repoRoot, remoteName),
    testRepos: async () => missing('The re-test'),
    markdownReport: () => missing('The report'),
  };
}
