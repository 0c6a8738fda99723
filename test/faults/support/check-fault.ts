import { readFile } from 'node:fs/promises';
import { expect, vi, type TaskMeta } from 'vitest';
import type { Result } from '../../../app/contract/channels.js';
import type { DiagnoseReport, Finding, FindingCode, Verdict } from '../../../app/contract/report.js';
import { diagnose } from '../../../app/diagnose/diagnose.js';
import { callHandler } from '../../../app/service/handlers.js';
import { runPushDoctor } from '../../support/cli.js';
import '../../support/figures.js';
import { processesWithHome } from '../../main/support/processes.js';
import { createTestService } from '../../main/support/service.js';
import { USERNAME, type FaultBed } from './beds.js';

/** The probe time limit of every fault case: short, so that the whole suite stays fast. */
export const LIMIT_MS = 2000;
/** On top of the time limits a surface may spend: process start-up on a loaded two-core machine. */
export const SLACK_MS = 6000;

const MAX_REPORT_CHARS = 100_000;

/** A token the user types into the guide: never saved under a fault, because it cannot be tested. */
const NEW_TOKEN = 'ATATT3xFfGF0faultSuiteNewToken9876543210zyxwvuABC=1D2E3F4A';

export interface Expected {
  code: FindingCode;
  /** What the finding's title must say, in the user's words. */
  title: RegExp;
  /** Default "problems". */
  verdict?: Verdict;
}

export interface Timing {
  surface: string;
  ms: number;
}

function findingIn(report: DiagnoseReport, expected: Expected): Finding {
  const found = report.findings.find((f) => f.code === expected.code);
  expect(found, `no ${expected.code} in ${JSON.stringify(report.findings.map((f) => `${f.code}: ${f.title}`))}`).toBeDefined();
  expect(found!.title).toMatch(expected.title);
  expect(report.verdict).toBe(expected.verdict ?? 'problems');
  return found!;
}

/** Waits until no process of the bed's home runs (Linux: /proc); names those still running when it fails. */
export async function noProcessLeft(bed: FaultBed): Promise<void> {
  await vi.waitFor(async () => expect(await commandLines(await processesWithHome(bed.home.dir))).toEqual([]), { timeout: 10_000, interval: 50 });
}

async function commandLines(pids: number[]): Promise<string[]> {
  return Promise.all(pids.map(async (pid) => `${pid}: ${(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '(gone)')).replace(/\0/g, ' ').slice(0, 160)}`));
}

/** Waits for every surface before failing on the first error: nothing may still run when the bed is removed. */
async function settled(work: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A contract result: ok, or a typed error with one line of words (never a stack, never a throw). */
function expectResult<T>(result: Result<T>, surface: string): Result<T> {
  if (!result.ok) {
    expect(typeof result.error.code, surface).toBe('string');
    expect(result.error.message, surface).toMatch(/^[^\n]+$/);
    expect(result.error.message, surface).not.toMatch(/\n\s+at /);
  }
  return result;
}

/**
 * Runs one fault case through every surface of the engine at once, against the same broken home:
 * the engine API (diagnose), the CLI (`push-doctor diagnose --json`) and the handler table the UI
 * calls (through it also the tray's re-test, the engine's testRepos). Each must end within the time limits it may spend plus slack, with the expected
 * finding in the user's words, without a throw, a stack trace or a planted secret in its output;
 * afterwards no process the case started may be left. Returns how long each surface took.
 */
export async function checkFault(bed: FaultBed, expected: Expected, meta?: TaskMeta): Promise<Timing[]> {
  const budget = bed.stages * LIMIT_MS + SLACK_MS;
  const timings: Timing[] = [];
  const timed = async <T>(surface: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await work();
    const ms = Math.round(performance.now() - started);
    timings.push({ surface, ms });
    expect(ms, `${surface} took ${ms} ms; it may take ${budget} ms`).toBeLessThan(budget);
    return value;
  };
  const noSecrets = (text: string, surface: string) => {
    for (const secret of [...bed.secrets, NEW_TOKEN]) expect(text.includes(secret), `${surface} shows a planted secret`).toBe(false);
  };
  const context = () => bed.home.context({ timeoutMs: LIMIT_MS, bitbucketHosts: bed.bitbucketHosts });

  const engineApi = async () => {
    const report = await timed('diagnose()', () => diagnose(context(), bed.repo));
    findingIn(report, expected);
    const json = JSON.stringify(report);
    noSecrets(json, 'diagnose()');
    // Whatever the programs printed, the report quotes a bounded part of it.
    expect(json.length).toBeLessThan(MAX_REPORT_CHARS);
  };

  const cli = async () => {
    const hosts = bed.bitbucketHosts.flatMap((host) => ['--bitbucket-host', host]);
    const run = await timed('push-doctor diagnose', () =>
      runPushDoctor(['diagnose', bed.repo, '--json', '--timeout', String(LIMIT_MS / 1000), ...hosts], { env: bed.home.env, timeoutMs: budget + 10_000 }),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(expected.verdict === 'ok' ? 0 : 1);
    findingIn(JSON.parse(run.stdout) as DiagnoseReport, expected);
    noSecrets(run.stdout, 'push-doctor diagnose');
  };

  const handlers = async () => {
    const service = await createTestService({ home: bed.home, context: { timeoutMs: LIMIT_MS, bitbucketHosts: bed.bitbucketHosts } });
    const call = async <C extends Parameters<typeof callHandler>[1]>(channel: C, request: Parameters<typeof callHandler<C>>[2]) => {
      const result = expectResult(await timed(`handler ${channel}`, () => callHandler(service.handlers, channel, request)), channel);
      noSecrets(JSON.stringify(result), channel);
      return result;
    };
    try {
      const path = bed.repo;
      // Without a usable git the repository cannot even be opened: the handlers say so instead.
      const diagnosable = (await call('repo.open', { path })).ok;
      const afterDiagnosis = async () => {
        const diagnosed = await call('diagnose.run', { path, runId: 'fault' });
        // git itself missing or hanging: the handler cannot even find the repository root, and says why.
        if (!diagnosed.ok) expect(diagnosed.error).toMatchObject({ code: 'failed', message: expect.stringMatching(/^git (cannot be run|did not answer)/) });
        const fixes = diagnosed.ok ? findingIn(diagnosed.value, expected).fixes.map((f) => f.id) : [];
        await Promise.all([call('clipboard.write', { kind: 'report', path }), ...fixes.map((fixId) => call('fix.describe', { path, fixId }))]);
      };
      await settled([
        afterDiagnosis(),
        call('ssh.verify', { path }),
        // A new token is tested against the server before anything is saved: under a fault it is refused.
        call('fix.apply', { path, fixId: 'credential.save-token', input: { username: USERNAME, token: NEW_TOKEN } }).then((applied) => {
          if (applied.ok) expect(applied.value).toMatchObject({ applied: false, changed: [] });
        }),
        // The tray's re-test (the engine's testRepos), for the repository repo.open put in the recent list.
        call('retest.run', {}).then((retested) => {
          if (!retested.ok) return;
          const tested = retested.value.find((r) => r.path === bed.repo) ?? retested.value[0];
          if (expected.verdict === 'ok') expect(tested).toMatchObject({ status: 'ok', summary: 'Push works' });
          else if (diagnosable) expect(tested).toMatchObject({ status: 'failing', codes: expect.arrayContaining([expected.code]) });
        }),
        call('fix.history', {}),
      ]);
      await call('recent.list', {});
    } finally {
      await service.cleanup();
    }
  };

  await settled([engineApi(), cli(), handlers()]);
  if (process.platform === 'linux') await noProcessLeft(bed);
  const slowest = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
  if (meta) meta.faultSlowest = slowest;
  return timings;
}

/** Sets a bed up, runs its case through checkFault, and removes the bed whatever happened. */
export async function runFault(make: () => Promise<FaultBed>, expected: Expected, meta?: TaskMeta): Promise<void> {
  const bed = await make();
  try {
    await checkFault(bed, expected, meta);
  } finally {
    await bed.stop();
  }
}
