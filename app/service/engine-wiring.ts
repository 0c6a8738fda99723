import type { EngineServices } from './engine.js';
import { ServiceError } from './errors.js';

/**
 * The engine functions behind EngineServices, for main and the browser preview. The diagnosis,
 * fixes, journal, SSH verification, re-test and report modules are being written alongside the
 * shell; each method below is replaced by the real function when its module lands, e.g.
 * `diagnose: (ctx, path, options) => diagnoseRepository(ctx, path, options)`.
 * Until then a call answers with a clear "not in this build" error instead of crashing.
 */
export function engineServices(): EngineServices {
  const missing = (what: string): never => {
    throw new ServiceError('failed', `${what} is not part of this build of Push Doctor yet.`);
  };
  return {
    diagnose: async () => missing('Diagnosis'),
    describeFix: async () => missing('This fix'),
    applyFix: async () => missing('This fix'),
    undoLast: async () => missing('Undo'),
    history: async () => missing('The fix history'),
    verifySsh: async () => missing('SSH verification'),
    testRepos: async () => missing('The re-test'),
    markdownReport: () => missing('The report'),
  };
}
