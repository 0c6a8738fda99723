/**
 * Crash recovery in the journal (app/fix/crash-recovery.ts), each state a killed process can leave,
 * produced by killing a real process at a named write point (the crash sweep's hook), then
 * recovered by the next start. test/crash sweeps every point of every fix; this file pins the
 * states one by one.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { recoverInterruptedChanges } from '../../app/fix/crash-recovery.js';
import { readJournal } from '../../app/fix/journal-store.js';
import { statePaths } from '../../app/fix/state-dir.js';
import { beginChange } from '../../app/fix/step-recorder.js';
import { listJournal, undoLast } from '../../app/fix/undo.js';
import type { EngineServices } from '../../app/service/engine.js';
import { recoverAtStart } from '../../app/service/recovery.js';
import { createHome, type TestHome } from '../support/home.js';
import { snapshotTree } from '../support/tree.js';

const HOOK = pathToFileURL(fileURLToPath(new URL('../crash/support/crash-hook.mjs', import.meta.url))).href;
const SCRIPT = fileURLToPath(new URL('./support/journal-script.ts', import.meta.url));
const NOT_LINUX = process.platform === 'linux' ? null : 'killing a process at a write point relies on Linux process semantics';

let home: TestHome;
let ctx: EngineContext;
beforeEach(async () => {
  home = await createHome('recovery-');
  ctx = home.context();
});
afterEach(async () => {
  await home.cleanup();
});

/** The user's files: the home without the app's state folder. */
const userTree = () => snapshotTree(home.dir, { exclude: [path.join(home.dir, '.local')] });

/** Runs the journal script; with `at` ("point:n") it must die there by SIGKILL. Returns the points it passed. */
async function script(command: 'apply' | 'undo', at?: string): Promise<string[]> {
  const log = path.join(home.dir, '.local', `points-${Date.now()}`);
  await mkdir(path.dirname(log), { recursive: true });
  const env = { PATH: process.env.PATH, PUSH_DOCTOR_CRASH_LOG: log, ...(at ? { PUSH_DOCTOR_CRASH_AT: at } : {}) };
  const { code, signal, stderr } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', HOOK, SCRIPT, command, home.dir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s, stderr: err }));
  });
  if (at) expect(signal, stderr).toBe('SIGKILL');
  else expect(code, stderr).toBe(0);
  return (await readFile(log, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const hit = JSON.parse(line) as { point: string; n: number; target: string };
      return `${hit.point}:${hit.n} ${path.relative(home.dir, hit.target)}`;
    });
}

const entryStates = async () => (await readJournal(statePaths(ctx))).entries.map((e) => e.state);

describe.skipIf(NOT_LINUX !== null)(`crash recovery${NOT_LINUX ? ` (skipped: ${NOT_LINUX})` : ''}`, () => {
  it("a git config edit of three steps is one write of the file; a new key's name appears whole or not at all", async () => {
    const points = await script('apply');
    const gitconfig = points.filter((p) => p.endsWith(' .gitconfig'));
    expect(gitconfig.map((p) => p.split(':')[0])).toEqual(['git-config', 'git-config', 'git-config', 'file.temp', 'file.rename']);
    expect(points.filter((p) => p.endsWith('id_ed25519')).map((p) => p.split(':')[0])).toEqual(['create.temp', 'create.link', 'create.linked']);
    expect(await readFile(path.join(home.dir, '.gitconfig'), 'utf8')).toMatch(/\[credential\]\n\thelper = \n\thelper = libsecret\n$/);
  });

  it('a fix killed after its key was linked but before the temp name went: the next start removes the key, the temp file and the folder it made', async () => {
    const before = await userTree();
    // create.* 1: the journal lock, 2: the backup of ~/.ssh/config, 3: the key.
    await script('apply', 'create.linked:3');
    expect((await readdir(path.join(home.sshDir, 'keys'))).sort()).toEqual([expect.stringMatching(/^\.id_ed25519\.push-doctor-\d+-[0-9a-f]+\.tmp$/), 'id_ed25519']);
    expect(await entryStates()).toEqual(['pending']);

    expect(await recoverInterruptedChanges(ctx)).toEqual({ rolledBack: ['ssh.configure-host'], undoFinished: [], undoReopened: [], busy: false });
    expect(await userTree()).toEqual(before);
    expect(await entryStates()).toEqual([]);
    expect(await readdir(statePaths(ctx).backups)).toEqual([]);
  });

  it('an undo killed before it put anything back is finished by the next start (history)', async () => {
    const before = await userTree();
    await script('apply');
    await script('undo', 'file.delete:1');
    expect(await entryStates()).toEqual(['undoing']);

    expect(await listJournal(ctx)).toEqual([]);
    expect(await userTree()).toEqual(before);
    expect(await entryStates()).toEqual([]);
  });

  it('an undo killed while removing its backups: the next start removes the rest, and the entry', async () => {
    const before = await userTree();
    await script('apply');
    await script('undo', 'undo-data.discard:1');
    expect(await entryStates()).toEqual(['undone']);
    expect(await userTree()).toEqual(before);
    expect(await readdir(statePaths(ctx).backups)).toHaveLength(1);

    expect(await recoverInterruptedChanges(ctx)).toMatchObject({ undoFinished: ['ssh.configure-host'] });
    expect(await entryStates()).toEqual([]);
    expect(await readdir(statePaths(ctx).backups)).toEqual([]);
  });

  it('an undo killed part-way leaves alone what the user changed since, as any rollback does', async () => {
    await script('apply');
    await script('undo', 'file.delete:1');
    const key = path.join(home.sshDir, 'keys', 'id_ed25519');
    await writeFile(key, 'the user put another key here\n');
    expect(await recoverInterruptedChanges(ctx)).toMatchObject({ undoFinished: ['ssh.configure-host'] });
    expect(await readFile(key, 'utf8')).toBe('the user put another key here\n');
    expect(await readFile(path.join(home.sshDir, 'config'), 'utf8')).not.toContain('keys/id_ed25519');
  });

  it('an undo that cannot be finished at the next start becomes undoable again, and undo then says why', async () => {
    await script('apply');
    await script('undo', 'file.delete:1');
    // The backup of ~/.ssh/config (the first file the change touched) no longer matches what was saved.
    const [id] = await readdir(statePaths(ctx).backups);
    await writeFile(path.join(statePaths(ctx).backups, id!, '1'), 'damaged\n');
    expect(await recoverInterruptedChanges(ctx)).toMatchObject({ undoFinished: [], undoReopened: ['ssh.configure-host'] });
    expect(await entryStates()).toEqual(['committed']);
    const undone = await undoLast(ctx);
    expect(undone).toMatchObject({ undone: false, fixId: 'ssh.configure-host' });
    expect(undone.message).toMatch(/^Undo stopped part-way: The backup of .*config does not match what was saved; .* Run undo again to finish\.$/);
  });

  it('does nothing where push-doctor never changed anything (no state folder is made), and nothing while another process holds the journal', async () => {
    expect(await recoverInterruptedChanges(ctx)).toEqual({ rolledBack: [], undoFinished: [], undoReopened: [], busy: false });
    await expect(readdir(ctx.stateDir)).rejects.toMatchObject({ code: 'ENOENT' });
    const change = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
    expect(await recoverInterruptedChanges(ctx)).toMatchObject({ busy: true });
    await change.commit();
    expect(await undoLast(ctx)).toMatchObject({ undone: false, message: 'Nothing to undo.' });
  });
});

describe("the app's start", () => {
  it('recovers first: fix, undo, history and adding an account key wait for it; what it did is logged in one line', async () => {
    const order: string[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const fake = {
      recoverChanges: async () => {
        await done;
        order.push('recovered');
        return { rolledBack: ['ssh.configure-host' as const], undoFinished: [], undoReopened: [], busy: false };
      },
      history: async () => {
        order.push('history');
        return [];
      },
      undoLast: async () => {
        order.push('undo');
        return { undone: false, fixId: null, restored: [], message: 'Nothing to undo.' };
      },
    } as unknown as EngineServices;
    const logged: string[] = [];
    const engine = recoverAtStart(fake, ctx, { info: (line) => logged.push(line), warn: (line) => logged.push(`warn: ${line}`) });
    const calls = Promise.all([engine.history(ctx), engine.undoLast(ctx)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    finish();
    await calls;
    expect(order).toEqual(['recovered', 'history', 'undo']);
    expect(logged).toEqual(['Push Doctor: a change was interrupted last time: rolled back ssh.configure-host (interrupted before it was complete).']);
  });

  it('a recovery that fails is logged, and the calls still run (they recover again and say why)', async () => {
    const fake = {
      recoverChanges: () => Promise.reject(new Error('The undo journal is damaged')),
      history: async () => [],
    } as unknown as EngineServices;
    const logged: string[] = [];
    const engine = recoverAtStart(fake, ctx, { info: (line) => logged.push(line), warn: (line) => logged.push(`warn: ${line}`) });
    expect(await engine.history(ctx)).toEqual([]);
    expect(logged).toEqual(['warn: Push Doctor: could not recover an interrupted change: The undo journal is damaged']);
  });
});
