/**
 * The command line tool's cold start: a new `node` process running `push-doctor diagnose --offline`
 * on a real repository (an HTTPS Bitbucket remote and a credential helper, in a throwaway home), timed
 * from spawn to the first byte it writes, against `node -e 0` (spawn to exit) on the same machine.
 * The runs alternate between the two so that the machine's load hits both alike; medians of RUNS.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHome } from '../test/support/home.js';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 21);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLED_CLI = path.join(ROOT, 'out', 'cli', 'push-doctor.mjs');

/** Milliseconds from spawn to the first output byte (or to exit, for a command that prints nothing). */
export function timeToFirstOutput(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first: number | null = null;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.once('data', () => (first ??= performance.now() - started));
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve(first ?? performance.now() - started));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface StartupBench {
  runs: number;
  nodeMs: number;
  cliMs: number;
}

export async function benchStartup(cli = BUNDLED_CLI): Promise<StartupBench> {
  const home = await createHome('push-doctor-bench-start-');
  try {
    await home.git(['config', '--global', 'credential.helper', 'store']);
    const repo = await home.repo('widgets');
    await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    const node: number[] = [];
    const ours: number[] = [];
    // One of each first, not counted: the file system cache is warm for both from then on.
    await timeToFirstOutput(['-e', '0'], home.env);
    await timeToFirstOutput([cli, 'diagnose', '--offline', repo], home.env);
    for (let i = 0; i < RUNS; i++) {
      node.push(await timeToFirstOutput(['-e', '0'], home.env));
      ours.push(await timeToFirstOutput([cli, 'diagnose', '--offline', repo], home.env));
    }
    return { runs: RUNS, nodeMs: median(node), cliMs: median(ours) };
  } finally {
    await home.cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const cli of process.argv.slice(2).length ? process.argv.slice(2) : [BUNDLED_CLI]) {
    const r = await benchStartup(path.resolve(cli));
    console.log(`${cli}: node -e 0 ${Math.round(r.nodeMs)} ms, diagnose --offline ${Math.round(r.cliMs)} ms, ratio ${(r.cliMs / r.nodeMs).toFixed(2)} (median of ${r.runs})`);
  }
}
