/**
 * TEST DOUBLE of the engine's services (diagnose, fixes, undo, verify, test, report), which are
 * written in parallel with the shell. It records every call and answers from the inputs, so the
 * handler tests can check what the shell passes to the engine and what it does with the answers.
 * Everything else in the shell tests (repositories, files, schemas, store, URLs) is real.
 */
import type { EngineContext } from '../../../app/context.js';
import type { FixInput, RepoTestResult } from '../../../app/contract/fixes.js';
import type { DiagnoseProgress, DiagnoseReport, FixId } from '../../../app/contract/report.js';
import { FIX_CATALOGUE } from '../../../app/fix/catalogue.js';
import type { DiagnoseOptions, EngineServices, FixTarget } from '../../../app/service/engine.js';

export interface EngineCall {
  method: keyof EngineServices;
  args: unknown[];
}

export interface EngineDouble extends EngineServices {
  readonly calls: EngineCall[];
  /** Status the next testRepos gives each path (default ok). */
  statuses: Map<string, RepoTestResult['status']>;
  /** When set, diagnose waits for this before answering (to test cancellation and concurrency). */
  diagnoseGate: Promise<void> | null;
  /** When set, the next call of that method throws it. */
  failures: Map<keyof EngineServices, Error>;
}

export function createEngineDouble(): EngineDouble {
  const calls: EngineCall[] = [];
  const failures = new Map<keyof EngineServices, Error>();
  const record = (method: keyof EngineServices, args: unknown[]) => {
    calls.push({ method, args });
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw failure;
    }
  };
  const double: EngineDouble = {
    calls,
    statuses: new Map(),
    diagnoseGate: null,
    failures,
    async diagnose(ctx: EngineContext, path: string, options: DiagnoseOptions): Promise<DiagnoseReport> {
      record('diagnose', [ctx, path, options]);
      const started: DiagnoseProgress = { type: 'check-started', id: 'repo.remotes', remote: null, title: 'Remotes' };
      options.onProgress?.(started);
      if (double.diagnoseGate) {
        await Promise.race([
          double.diagnoseGate,
          new Promise<void>((_resolve, reject) => {
            options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), { once: true });
          }),
        ]);
      }
      options.onProgress?.({ type: 'check-finished', check: { id: 'repo.remotes', status: 'ok', durationMs: 1, remote: null, title: 'Remotes', summary: 'one remote' } });
      return { schemaVersion: 1, path, verdict: 'ok', findings: [], checks: [] };
    },
    async describeFix(ctx: EngineContext, target: FixTarget, fixId: FixId) {
      record('describeFix', [ctx, target, fixId]);
      return { id: fixId, title: FIX_CATALOGUE[fixId].title, applicable: true, reason: null, changes: [], inputs: [], url: null, manualSteps: [], details: [] };
    },
    async applyFix(ctx: EngineContext, target: FixTarget, fixId: FixId, input?: FixInput) {
      record('applyFix', [ctx, target, fixId, input]);
      return { id: fixId, applied: true, changed: [target.repoRoot], message: 'done' };
    },
    async undoLast(ctx: EngineContext) {
      record('undoLast', [ctx]);
      return { undone: false, fixId: null, restored: [], message: 'Nothing to undo.' };
    },
    async history(ctx: EngineContext) {
      record('history', [ctx]);
      return [];
    },
    async verifySsh(ctx: EngineContext, repoRoot: string, remoteName: string) {
      record('verifySsh', [ctx, repoRoot, remoteName]);
      return { ok: true, host: 'ssh.bitbucket.org', message: 'authenticated via ssh key.', evidence: [] };
    },
    async testRepos(ctx: EngineContext, paths: string[]) {
      record('testRepos', [ctx, paths]);
      return paths.map((path) => {
        const status = double.statuses.get(path) ?? 'ok';
        return { path, status, summary: status === 'ok' ? 'Push works' : 'Bitbucket refused the saved password', codes: status === 'ok' ? [] : ['https.auth-rejected'], testedAt: ctx.now().toISOString() };
      });
    },
    markdownReport(report: DiagnoseReport) {
      record('markdownReport', [report]);
      return `# Push Doctor report\n\nRepository: ${report.path}\nVerdict: ${report.verdict}\n`;
    },
  };
  return double;
}
