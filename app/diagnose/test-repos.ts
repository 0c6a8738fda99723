import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { AccountSession } from '../account/session.js';
import type { EngineContext } from '../context.js';
import type { RepoTestResult } from '../contract/fixes.js';
import type { DiagnoseReport } from '../contract/report.js';
import { createLimiter } from '../exec/limiter.js';
import { readOnlyRun } from '../exec/once-per-run.js';
import { diagnose, DiagnoseInputError } from './diagnose.js';
import { createSharedProbes, type SharedProbes, type SharedProbeStats } from './shared-probes.js';

export interface TestReposOptions {
  /** Cancels the run: running git and ssh processes are killed, repositories not started yet are not. */
  signal?: AbortSignal;
  /** Repositories tested at once (default: fleetConcurrency()). */
  concurrency?: number;
  /** Network probes at once against one server (default: PROBES_PER_SERVER). */
  probesPerServer?: number;
}

export interface FleetStats extends SharedProbeStats {
  /** The pool's size, and the most repositories that were tested at once. */
  concurrency: number;
  peakRepos: number;
}

/**
 * Repositories tested at once. A repository spends most of its test waiting: for its git and ssh
 * processes (about ten short ones, one or two at a time) and for Bitbucket's answers, which
 * PROBES_PER_SERVER bounds on its own; one waiting for a probe still holds its place here, so the
 * pool must be larger than the probe limit. Sixteen per core (at least 16, at most 48) keeps the
 * cores busy while the others wait, and bounds the processes and memory a large re-test holds.
 */
export function fleetConcurrency(): number {
  return Math.min(48, Math.max(16, os.availableParallelism() * 16));
}

/**
 * The tray's re-test and `push-doctor test`: for each repository, can it authenticate and push
 * now? Read-only, like diagnose. A path that is no repository gives status "error", not a throw.
 * Results are in the order of `paths`.
 */
export async function testRepos(ctx: EngineContext, paths: readonly string[], options: TestReposOptions = {}): Promise<RepoTestResult[]> {
  return (await testFleet(ctx, paths, options)).results;
}

/**
 * testRepos with its figures. A pool bounds how many repositories are tested at once, and the
 * repositories share their probes: the same request with the same credential reaches Bitbucket
 * once (see shared-probes.ts), so many repositories on a few remotes cost about one repository.
 */
export async function testFleet(ctx: EngineContext, paths: readonly string[], options: TestReposOptions = {}): Promise<{ results: RepoTestResult[]; stats: FleetStats }> {
  const signal = runSignal(options.signal);
  const sharedProbes = createSharedProbes({ probesPerServer: options.probesPerServer });
  const pool = createLimiter(options.concurrency ?? fleetConcurrency());
  // Read-only from start to end: environment-only answers (git --exec-path, ssh -G) are asked once.
  const run = readOnlyRun(ctx);
  // The linked account is the user's, not a repository's: Bitbucket is asked about it once per site.
  const account = new AccountSession(run, signal);
  const results = await Promise.all(
    paths.map((path) =>
      // testRepo never throws: the pool rejects only a repository it did not start because the run was cancelled.
      pool.run(() => testRepo(run, path, { signal, sharedProbes, account }), signal).catch(() => cancelled(ctx, path)),
    ),
  );
  return { results, stats: { ...sharedProbes.stats(), concurrency: pool.size, peakRepos: pool.peak } };
}

/**
 * The run's own signal, following the caller's: every process of the run listens to it, hundreds
 * at once in a large run, which is expected (Node would warn of a leak past 10).
 */
function runSignal(outer: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (outer?.aborted) controller.abort();
  else outer?.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}

async function testRepo(ctx: EngineContext, path: string, shared: { signal: AbortSignal; sharedProbes: SharedProbes; account: AccountSession }): Promise<RepoTestResult> {
  const { signal } = shared;
  const testedAt = ctx.now().toISOString();
  try {
    const report = await diagnose(ctx, path, shared);
    return signal.aborted ? cancelled(ctx, path) : reportResult(report, testedAt);
  } catch (error) {
    if (signal.aborted) return cancelled(ctx, path);
    const message = error instanceof DiagnoseInputError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { path, status: 'error', summary: ctx.secrets.redact(message), codes: [], testedAt };
  }
}

function cancelled(ctx: EngineContext, path: string): RepoTestResult {
  return { path, status: 'error', summary: 'The test was cancelled.', codes: [], testedAt: ctx.now().toISOString() };
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
