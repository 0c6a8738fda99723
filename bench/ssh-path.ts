// The whole SSH setup from nothing against the local fake Bitbucket (real OpenSSH, real git):
// generate a key, trust the host keys, configure ssh, switch the remote, ssh -T, git push.
// Median per step over a few runs, each in a fresh throwaway home.
// Run: npx tsx bench/ssh-path.ts
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateHostKeys } from '../test/support/bitbucket-ssh.js';
import { createHome } from '../test/support/home.js';
import { emptySshHome, walkSshPath } from '../test/support/ssh-path.js';

const RUNS = 5;
generateHostKeys();
const byStep = new Map<string, number[]>();
for (let i = 0; i < RUNS; i++) {
  const home = await createHome('bench-ssh-path-');
  const state = await mkdtemp(path.join(os.tmpdir(), 'bench-ssh-path-state-'));
  const setup = await emptySshHome(home);
  try {
    const run = await walkSshPath({ ...home.context(), stateDir: state }, home, setup);
    if (!run.verified.ok) throw new Error(`ssh -T failed: ${run.verified.message}`);
    for (const [name, ms] of [...run.timings, ['total', run.timings.reduce((n, [, t]) => n + t, 0)] as [string, number]]) byStep.set(name, [...(byStep.get(name) ?? []), ms]);
  } finally {
    await setup.stop();
    await home.cleanup();
    await rm(state, { recursive: true, force: true });
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const [name, values] of byStep) console.log(`${name.padEnd(28)} median ${String(median(values)).padStart(5)} ms  (min ${Math.min(...values)}, max ${Math.max(...values)}, ${RUNS} runs)`);
