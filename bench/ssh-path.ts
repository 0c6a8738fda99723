// The whole SSH setup from nothing against the local fake Bitbucket (real OpenSSH, real git):
// generate a key, trust the host keys, configure ssh, switch the remote, ssh -T, git push.
// Median per step over a few runs, each in a fresh throwaway home. Part of `npm run bench`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateHostKeys } from '../test/support/bitbucket-ssh.js';
import { createHome } from '../test/support/home.js';
import { emptySshHome, walkSshPath } from '../test/support/ssh-path.js';

const RUNS = 5;

export interface SshPathBenchRow {
  step: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export async function benchSshPath(): Promise<SshPathBenchRow[]> {
  generateHostKeys();
  const byStep = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) {
    const home = await createHome('bench-ssh-path-');
    const state = await mkdtemp(path.join(os.tmpdir(), 'bench-ssh-path-state-'));
    const setup = await emptySshHome(home);
    try {
      const run = await walkSshPath({ ...home.context(), stateDir: state }, home, setup);
      if (!run.verified.ok) throw new Error(`ssh -T failed: ${run.verified.message}`);
      const total = run.timings.reduce((n, [, ms]) => n + ms, 0);
      for (const [step, ms] of [...run.timings, ['total', total] as [string, number]]) byStep.set(step, [...(byStep.get(step) ?? []), ms]);
    } finally {
      await setup.stop();
      await home.cleanup();
      await rm(state, { recursive: true, force: true });
    }
  }
  return [...byStep].map(([step, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { step, medianMs: sorted[Math.floor(sorted.length / 2)]!, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]! };
  });
}
