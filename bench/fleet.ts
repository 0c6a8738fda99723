/**
 * Fleet-sized re-tests (`push-doctor test`, the tray's re-test) over 20 and 100 repositories of one
 * user, against the local fake Bitbucket servers behind a latency proxy (RTT_MS per round trip).
 * The mix: 60 % on six shared remotes (HTTPS pushing, a revoked credential, read-only; SSH pushing,
 * another key, a missing repository), 40 % on remotes of their own (half HTTPS, half SSH).
 * Every time is a real `push-doctor test` process, so that the engine never shares its event loop
 * with the fake servers (which run in this process and do SSH's cryptography in JavaScript):
 * - wall: `push-doctor test` over all of them (median of RUNS), with its peak resident memory (the
 *   Node process; git and ssh are processes of their own);
 * - slowest single / sum of singles: `push-doctor test` for each repository alone, one after the other;
 * - local only: the same repositories diagnosed offline in this process through a pool of the same
 *   size (no probe at all): the local work, about ten short git processes per repository, that no
 *   sharing removes;
 * - probes run and shared, and the most in flight, from one run of the engine here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose } from '../app/diagnose/diagnose.js';
import { fleetConcurrency, testFleet, type FleetStats } from '../app/diagnose/test-repos.js';
import { createLimiter } from '../app/exec/limiter.js';
import { readOnlyRun } from '../app/exec/once-per-run.js';
import { startFleetBed, type FleetBed, type FleetKind } from '../test/support/fleet.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RTT_MS = Number(process.env.BENCH_FLEET_RTT ?? 50);
const SIZES = [20, 100];
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'out', 'cli', 'push-doctor.mjs');
const REPORT_USAGE = path.join(ROOT, 'bench', 'support', 'report-usage.mjs');

export interface FleetBenchRow {
  repos: number;
  rttMs: number;
  wallMs: number;
  slowestSingleMs: number;
  sumOfSinglesMs: number;
  peakRssMb: number;
  /** The same repositories with every network probe skipped: the local work no sharing removes. */
  localOnlyMs: number;
  stats: FleetStats;
  verdicts: string;
}

async function makeRepos(bed: FleetBed, count: number): Promise<string[]> {
  const shared: FleetKind[] = ['https-ok', 'https-revoked', 'https-read-only', 'ssh-ok', 'ssh-other-key', 'ssh-missing'];
  const each = Math.round(count * 0.1);
  const own = (count - each * shared.length) / 2;
  const paths: string[] = [];
  for (const kind of shared) paths.push(...(await bed.repos(kind, each)));
  paths.push(...(await bed.repos('https-own', Math.floor(own))), ...(await bed.repos('ssh-own', Math.ceil(own))));
  return paths;
}

/** `push-doctor test --json PATHS` as a new process: its wall time and its own peak resident memory. */
async function runCli(bed: FleetBed, paths: string[]): Promise<{ wallMs: number; peakRssMb: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-bench-usage-'));
  const usageFile = path.join(dir, 'usage.json');
  try {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['--import', REPORT_USAGE, CLI, 'test', '--json', ...paths], { env: { ...bed.home.env, PUSH_DOCTOR_BENCH_USAGE_FILE: usageFile }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
        // Exit 1 is expected: some repositories cannot push.
        if (error && (error as { code?: unknown }).code !== 1) reject(error);
        else if (JSON.parse(stdout).results.length !== paths.length) reject(new Error('push-doctor test did not answer for every repository'));
        else resolve();
      });
    });
    const wallMs = performance.now() - started;
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as NodeJS.ResourceUsage;
    return { wallMs, peakRssMb: usage.maxRSS / 1024 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every repository diagnosed offline through a pool of the fleet's size: git, ssh -G, files; no network. */
async function localChecksOnly(bed: FleetBed, paths: string[]): Promise<number> {
  const pool = createLimiter(fleetConcurrency());
  const ctx = readOnlyRun(bed.context());
  const started = performance.now();
  await Promise.all(paths.map((repo) => pool.run(() => diagnose(ctx, repo, { offline: true }))));
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchFleet(): Promise<FleetBenchRow[]> {
  const rows: FleetBenchRow[] = [];
  for (const size of SIZES) {
    const ownCount = Math.ceil((size - Math.round(size * 0.1) * 6) / 2);
    const bed = await startFleetBed({ rttMs: RTT_MS, own: { https: ownCount, ssh: ownCount } });
    try {
      const paths = await makeRepos(bed, size);
      const singles: number[] = [];
      for (const repo of paths) singles.push((await runCli(bed, [repo])).wallMs);
      const runs: Array<{ wallMs: number; peakRssMb: number }> = [];
      for (let i = 0; i < RUNS; i++) runs.push(await runCli(bed, paths));
      // Figures only (not timed): what was shared, and what each repository got.
      const { results, stats } = await testFleet(bed.context(), paths);
      const ok = results.filter((r) => r.status === 'ok').length;
      const localOnly = await localChecksOnly(bed, paths);
      rows.push({
        repos: size,
        rttMs: RTT_MS,
        wallMs: median(runs.map((r) => r.wallMs)),
        slowestSingleMs: Math.max(...singles),
        sumOfSinglesMs: singles.reduce((a, b) => a + b, 0),
        peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
        localOnlyMs: localOnly,
        stats,
        verdicts: `${ok} ok, ${results.length - ok} failing`,
      });
    } finally {
      await bed.stop();
    }
  }
  return rows;
}

/** "12 run, 88 shared" over every kind of probe. */
export function probeSummary(stats: FleetStats): string {
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return `${total(stats.run)} run, ${total(stats.shared)} shared`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const row of await benchFleet()) console.log(row);
}
