import { diagnose } from '../diagnose/diagnose.js';
import { markdownReport } from '../diagnose/report-markdown.js';
import { testRepos } from '../diagnose/test-repos.js';
import { applyFix, describeFix, fixHistory, undoLastFix } from '../fix/registry.js';
import { resolveFixScope } from '../fix/scope.js';
import { verifySsh } from '../ssh/verify.js';
import type { EngineServices } from './engine.js';

/** The engine functions behind EngineServices, for Electron main and the browser preview. */
export function engineServices(): EngineServices {
  return {
    diagnose: (ctx, path, options) => diagnose(ctx, path, options),
    // The fix scope comes from the repository as git and ssh see it (remote, identity files).
    describeFix: async (ctx, target, fixId) => describeFix(ctx, fixId, await resolveFixScope(ctx, target.repoRoot, target.remoteName)),
    applyFix: async (ctx, target, fixId, input) => applyFix(ctx, fixId, await resolveFixScope(ctx, target.repoRoot, target.remoteName), input),
    undoLast: (ctx) => undoLastFix(ctx),
    history: (ctx) => fixHistory(ctx),
    verifySsh: (ctx, repoRoot, remoteName) => verifySsh(ctx, repoRoot, remoteName),
    testRepos: (ctx, paths, options) => testRepos(ctx, paths, options),
    markdownReport: (report) => markdownReport(report),
  };
}
