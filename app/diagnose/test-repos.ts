import type { EngineContext } from '../context.js';
import type { RepoTestResult } from '../contract/fixes.js';
import type { DiagnoseReport } from '../contract/report.js';
import { diagnose, DiagnoseInputError } from './diagnose.js';

/** How many repositories are probed at once (each runs several git/ssh processes itself). */
const CONCURRENCY = 3;

/**
 * The tray's re-test and `push-doctor test`: for each repository, can it authenticate and push
 * now? Read-only, like diagnose. A path that is no repository gives status "error", not a throw.
 */
export async function testRepos(ctx: EngineContext, paths: readonly string[], signal?: AbortSignal): Promise<RepoTestResult[]> {
  const results: RepoTestResult[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const index = next++;
      results[index] = await testRepo(ctx, paths[index]!, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, worker));
  return results;
}

async function testRepo(ctx: EngineContext, path: string, signal?: AbortSignal): Promise<RepoTestResult> {
  const testedAt = ctx.now().toISOString();
  try {
    return reportResult(await diagnose(ctx, path, { signal }), testedAt);
  } catch (error) {
    const message = error instanceof DiagnoseInputError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { path, status: 'error', summary: ctx.secrets.redact(message), codes: [], testedAt };
  }
}

/**
 * A diagnosis as a push test result: ok only when the push was proven ("Push works", whatever
 * warnings came with it), else failing with the first error (or warning) as its summary. The linked
 * account's own problems (its token refused or short of scopes) do not stop a push, but they are
 * named beside it and listed in the codes: without a working link the account checks do not run.
 */
export function reportResult(report: DiagnoseReport, testedAt: string): RepoTestResult {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const account = report.findings.filter((f) => f.severity === 'warning' && f.code.startsWith('account.'));
  if (report.verdict === 'ok') return { path: report.path, status: 'ok', summary: account[0] ? `Push works. ${account[0].title}` : 'Push works', codes: account.map((f) => f.code), testedAt };
  // Checks skipped until the user trusts the repository: not tested, rather than failing.
  const untrusted = report.findings.find((f) => f.code === 'repo.commands-not-run');
  if (untrusted && errors.length === 0) return { path: report.path, status: 'error', summary: 'Not tested: it names commands of its own that you have not trusted', codes: [untrusted.code], testedAt };
  const first = errors[0] ?? report.findings.find((f) => f.severity === 'warning') ?? report.findings[0];
  return { path: report.path, status: 'failing', summary: first?.title ?? 'Could not confirm that pushing works', codes: [...errors, ...account].map((f) => f.code), testedAt };
}
