// Key generation figures: wall time of plain and encrypted ed25519 generation (ssh2 in a worker,
// and ssh-keygen), and the longest main-thread stall while it runs (timer gaps beyond 5 ms).
// Part of `npm run bench` (bench/run.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../app/context.js';
import { generateEd25519, type KeygenEngine } from '../app/keys/keygen.js';
import { Secret } from '../app/secrets/secret.js';

const RUNS = 5;

async function measure(engine: KeygenEngine, passphrase: string | null): Promise<{ medianMs: number; maxStallMs: number }> {
  const state = await mkdtemp(path.join(os.tmpdir(), 'bench-keygen-'));
  const ctx = { ...createContext(), stateDir: state };
  const times: number[] = [];
  let maxStall = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        maxStall = Math.max(maxStall, now - last - 5);
        last = now;
      }, 5);
      const started = performance.now();
      await generateEd25519(ctx, { comment: 'bench@host', passphrase: passphrase ? new Secret(passphrase) : null, engine });
      times.push(performance.now() - started);
      clearInterval(timer);
    }
  } finally {
    await rm(state, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { medianMs: Math.round(times[Math.floor(times.length / 2)]!), maxStallMs: Math.round(maxStall) };
}

// For comparison: what the same encrypted generation costs when run on the main thread.
async function mainThreadEncrypted(): Promise<number> {
  const { default: ssh2 } = await import('ssh2');
  const { utils } = ssh2;
  const started = performance.now();
  utils.generateKeyPairSync('ed25519', { comment: 'bench@host', passphrase: 'pw', cipher: 'aes256-ctr' });
  return Math.round(performance.now() - started);
}

export interface KeygenBenchRow {
  engine: KeygenEngine;
  encrypted: boolean;
  medianMs: number;
  maxStallMs: number;
}

export async function benchKeygen(): Promise<{ rows: KeygenBenchRow[]; mainThreadEncryptedMs: number }> {
  const rows: KeygenBenchRow[] = [];
  for (const engine of ['ssh2', 'ssh-keygen'] as const) {
    for (const passphrase of [null, 'bench passphrase']) {
      rows.push({ engine, encrypted: passphrase !== null, ...(await measure(engine, passphrase)) });
    }
  }
  return { rows, mainThreadEncryptedMs: await mainThreadEncrypted() };
}
