/**
 * How fast is a diagnosis compared with what it replaces? For HTTPS and SSH setups against the
 * local Bitbucket-like servers behind a latency proxy (0, 50, 200 ms per round trip), prints:
 * - diagnose: wall time of the engine's whole diagnosis (median of RUNS);
 * - floor: the slowest single probe run alone (the best any tool could do);
 * - manual: the manual procedure, one command after the other (git remote -v, git config,
 *   git credential fill / ssh -T, git ls-remote, git push --dry-run);
 * - cli: `push-doctor diagnose` as a new process, start-up included (what a user waits for).
 * Targets: at 200 ms, diagnose ≤ 1.2 × floor and ≤ 0.5 × manual; at 50 ms, diagnose and cli ≤ 1.3 × floor.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnose } from '../app/diagnose/diagnose.js';
import { BUNDLED_CLI, timeToFirstOutput } from './startup.js';
import { startFakeBitbucketHttp } from '../test/support/bitbucket-http.js';
import { startFakeBitbucketSsh } from '../test/support/bitbucket-ssh.js';
import { createHome, type TestHome } from '../test/support/home.js';
import { startLatencyProxy } from '../test/support/latency-proxy.js';
import { hostBlock, makeKey } from '../test/support/ssh-scenario.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RTTS = [0, 50, 200];
const TOKEN = 'ATATT3xFfGF0benchBenchBenchBenchBenchBenchBench0123456789=ABCD1234';

interface Setup {
  name: string;
  home: TestHome;
  repo: string;
  /** Commands a user runs by hand to check the same things, in order. */
  manual: string[][];
  /** The network probes the diagnosis runs, each as a command on its own. */
  probes: string[][];
  stop(): Promise<void>;
}

function run(home: TestHome, cwd: string, args: string[]): Promise<number> {
  const started = performance.now();
  const [command, ...rest] = args;
  return new Promise((resolve) => {
    const child = execFile(command!, rest, { cwd, env: { ...home.env, GIT_TERMINAL_PROMPT: '0' } }, () => resolve(performance.now() - started));
    child.stdin?.on('error', () => {});
    child.stdin?.end(command === 'git' && rest[0] === 'credential' ? 'url=https://bitbucket.org/acme/widgets.git\n\n' : '');
  });
}

async function median(times: number, fn: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await fn());
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function httpsSetup(rtt: number): Promise<Setup> {
  const server = await startFakeBitbucketHttp({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
  const proxy = await startLatencyProxy(server.port, rtt);
  const home = await createHome('push-doctor-bench-');
  await home.git(['config', '--global', `url.http://127.0.0.1:${proxy.port}/.insteadOf`, 'https://bitbucket.org/']);
  await home.git(['config', '--global', 'credential.helper', 'store']);
  await writeFile(path.join(home.dir, '.git-credentials'), `http://jdoe:${encodeURIComponent(TOKEN)}@127.0.0.1%3a${proxy.port}\n`, { mode: 0o600 });
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
  const lsRemote = ['git', 'ls-remote', 'origin'];
  const dryRun = ['git', 'push', '--dry-run', '--porcelain', 'origin', ':refs/heads/bench-probe'];
  return {
    name: 'HTTPS',
    home,
    repo,
    manual: [['git', 'remote', '-v'], ['git', 'config', '--get-all', 'credential.helper'], ['git', 'credential', 'fill'], lsRemote, dryRun],
    probes: [lsRemote, dryRun],
    async stop() {
      await proxy.stop();
      await server.stop();
      await home.cleanup();
    },
  };
}

async function sshSetup(rtt: number): Promise<Setup> {
  const server = await startFakeBitbucketSsh();
  await server.createRepo('acme/widgets');
  const proxy = await startLatencyProxy(server.port, rtt);
  const home = await createHome('push-doctor-bench-');
  const key = await makeKey(home);
  server.authorize(key.publicLine, { kind: 'personal' });
  const config = await home.writeSshConfig(hostBlock('ssh.bitbucket.org', proxy.port, key.path));
  await writeFile(path.join(home.sshDir, 'known_hosts'), server.hostKeys.map((k) => `ssh.bitbucket.org ${k.line}\n`).join(''));
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', 'git@ssh.bitbucket.org:acme/widgets.git'], repo);
  const sshT = ['ssh', '-F', config, '-o', 'BatchMode=yes', '-T', 'git@ssh.bitbucket.org'];
  const lsRemote = ['git', 'ls-remote', 'origin'];
  const dryRun = ['git', 'push', '--dry-run', '--porcelain', 'origin', ':refs/heads/bench-probe'];
  return {
    name: 'SSH',
    home,
    repo,
    manual: [['git', 'remote', '-v'], ['git', 'config', '--get', 'core.sshCommand'], sshT, lsRemote, dryRun],
    probes: [sshT, dryRun],
    async stop() {
      await proxy.stop();
      await server.stop();
      await home.cleanup();
    },
  };
}

async function measure(setup: Setup): Promise<{ diagnose: number; cli: number; floor: number; manual: number; verdict: string }> {
  const ctx = setup.home.context();
  let verdict = '';
  const diagnoseMs = await median(RUNS, async () => {
    const started = performance.now();
    verdict = (await diagnose(ctx, setup.repo)).verdict;
    return performance.now() - started;
  });
  // The report is printed whole at the end: its first byte is the answer.
  const cliMs = await median(RUNS, () => timeToFirstOutput([BUNDLED_CLI, 'diagnose', setup.repo], setup.home.env));
  const probeMs: number[] = [];
  for (const probe of setup.probes) probeMs.push(await median(RUNS, () => run(setup.home, setup.repo, probe)));
  const manualMs = await median(RUNS, async () => {
    let total = 0;
    for (const step of setup.manual) total += await run(setup.home, setup.repo, step);
    return total;
  });
  return { diagnose: diagnoseMs, cli: cliMs, floor: Math.max(...probeMs), manual: manualMs, verdict };
}

export interface DiagnoseBenchRow {
  setup: string;
  rttMs: number;
  diagnoseMs: number;
  /** `push-doctor diagnose` as a new process, start-up included. */
  cliMs: number;
  floorMs: number;
  manualMs: number;
  verdict: string;
}

export async function benchDiagnose(): Promise<DiagnoseBenchRow[]> {
  const rows: DiagnoseBenchRow[] = [];
  for (const rtt of RTTS) {
    for (const make of [httpsSetup, sshSetup]) {
      const setup = await make(rtt);
      try {
        const m = await measure(setup);
        rows.push({ setup: setup.name, rttMs: rtt, diagnoseMs: m.diagnose, cliMs: m.cli, floorMs: m.floor, manualMs: m.manual, verdict: m.verdict });
      } finally {
        await setup.stop();
      }
    }
  }
  return rows;
}
