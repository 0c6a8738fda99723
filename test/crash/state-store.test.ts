/**
 * The app's own state file (recent repositories, settings, trusted repositories: app/service/
 * state-store.ts), killed at each of its write points while the app makes its usual changes: the
 * file is always a whole state the app wrote (never one it would have to move aside as damaged),
 * and the next start reads it as it is and removes the temp file a killed write left.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStateStore, STATE_FILE_NAME } from '../../app/service/state-store.js';
import '../support/figures.js';
import { posixKill, skipNote } from '../support/platform.js';
import { STATE_CHANGES } from './support/state-store-changes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const HOOK = pathToFileURL(path.join(here, 'support', 'crash-hook.mjs')).href;
const TSX = pathToFileURL(path.join(here, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const WRITER = path.join(here, 'support', 'state-store-writer.ts');
const NOW = () => new Date('2026-11-20T10:00:00Z');

interface Hit {
  point: string;
  n: number;
  target: string;
}

function runWriter(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '--import', HOOK, WRITER, dir], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const folders: string[] = [];
async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crash-state-store-'));
  folders.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(posixKill.skip)(`the app's state file killed at each write point${skipNote(posixKill)}`, () => {
  it('is always a whole state the app wrote; the next start reads it as it is and removes the temp file', async ({ task }) => {
    const started = Date.now();
    // The state the app had before: one repository opened earlier.
    const seed = await folder();
    await createStateStore(seed, { now: NOW }).touchRecent({ path: '/home/jdoe/old', name: 'old' });
    const file = (dir: string) => path.join(dir, STATE_FILE_NAME);

    // Every state the changes leave, in order (the same code in this process, at the same time).
    const expected = await folder();
    await cp(seed, expected, { recursive: true });
    const states = [await readFile(file(expected), 'utf8')];
    const store = createStateStore(expected, { now: NOW });
    for (const change of STATE_CHANGES) {
      await change(store);
      states.push(await readFile(file(expected), 'utf8'));
    }

    // The points one uninterrupted run passes.
    const recorded = await folder();
    await cp(seed, recorded, { recursive: true });
    const log = path.join(await folder(), 'points');
    const clean = await runWriter(recorded, { PUSH_DOCTOR_CRASH_LOG: log });
    expect(clean.code, clean.stderr).toBe(0);
    expect(await readFile(file(recorded), 'utf8')).toBe(states.at(-1));
    const hits = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Hit);
    expect(hits.map((h) => h.point)).toEqual(STATE_CHANGES.flatMap(() => ['file.temp', 'file.rename']));

    for (const hit of hits) {
      const dir = await folder();
      await cp(seed, dir, { recursive: true });
      const killed = await runWriter(dir, { PUSH_DOCTOR_CRASH_AT: `${hit.point}:${hit.n}` });
      expect(killed.signal, `${hit.point}:${hit.n}: ${killed.stderr}`).toBe('SIGKILL');
      const text = await readFile(file(dir), 'utf8');
      expect(states, `${hit.point}:${hit.n}: the file is not a state the app wrote`).toContain(text);

      // The next start: the file is read as it is (not moved aside as damaged), the temp file goes.
      let recovered: string | null = null;
      const next = createStateStore(dir, { now: NOW, onRecovered: ({ reason }) => (recovered = reason) });
      expect(JSON.stringify(await next.read(), null, 2) + '\n').toBe(text);
      expect(recovered).toBeNull();
      expect(await readdir(dir)).toEqual([STATE_FILE_NAME]);
      expect(await readFile(file(dir), 'utf8')).toBe(text);
    }
    task.meta.crashSweep = {
      scenario: "the app's state file (state.json)",
      fixId: null,
      full: true,
      points: hits.length,
      fixPoints: hits.length,
      undoPoints: 0,
      cases: hits.length,
      passed: hits.length,
      // Nothing to finish or roll back: the file is one whole state or the next.
      finished: 0,
      rolledBack: 0,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  });
});
