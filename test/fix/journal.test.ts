import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { JournalError } from '../../app/fix/journal-store.js';
import { statePaths } from '../../app/fix/state-dir.js';
import { beginChange } from '../../app/fix/step-recorder.js';
import { listJournal, undoLast } from '../../app/fix/undo.js';
import { createHome, type TestHome } from '../support/home.js';
import { modesUnder, snapshotTree } from '../support/tree.js';

let home: TestHome;
let ctx: EngineContext;
let stateHome: string;

beforeEach(async () => {
  home = await createHome('journal-');
  ctx = home.context();
  stateHome = path.join(home.dir, '.local', 'state');
});
afterEach(async () => {
  await home.cleanup();
});

/** The user's files: everything in the home except the app's own state folder. */
const userTree = () => snapshotTree(home.dir, { exclude: [path.join(home.dir, '.local')] });

async function expectPrivateStateDir(): Promise<void> {
  const modes = await modesUnder(ctx.stateDir);
  expect(modes.length).toBeGreaterThan(0);
  for (const [rel, kind, mode] of modes) expect([rel, kind, mode.toString(8)]).toEqual([rel, kind, kind === 'dir' ? '700' : '600']);
  expect(((await stat(ctx.stateDir)).mode & 0o777).toString(8)).toBe('700');
}

describe('journal', () => {
  it('apply then undo restores every byte and mode; backups are private and removed afterwards', async () => {
    const config = path.join(home.sshDir, 'config');
    await chmod(config, 0o644);
    const key = path.join(home.dir, 'key');
    await writeFile(key, 'KEY\n');
    await chmod(key, 0o644);
    const doomed = path.join(home.dir, 'doomed.txt');
    await writeFile(doomed, 'bye\r\nno final newline');
    const before = await userTree();

    const change = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
    await change.writeFile(config, 'Host x\n  User git\n');
    await change.writeFile(config, 'Host x\n  User git\n  Port 22\n'); // same file twice: one backup of the original
    await change.ensureDir(path.join(home.dir, 'new', 'deeper'), 0o700);
    await change.createFile(path.join(home.dir, 'new', 'deeper', 'id'), 'PRIVATE', 0o600);
    await change.chmod(key, 0o600);
    await change.deleteFile(doomed);
    const entry = await change.commit();
    expect(entry?.changed).toEqual([config, path.join(home.dir, 'new'), path.join(home.dir, 'new', 'deeper'), path.join(home.dir, 'new', 'deeper', 'id'), key, doomed]);
    expect((await stat(config)).mode & 0o777).toBe(0o644);
    expect((await stat(path.join(home.dir, 'new', 'deeper', 'id'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(home.dir, 'new'))).mode & 0o777).toBe(0o700);
    await expectPrivateStateDir();
    // The config backup holds the old bytes; the key (chmod only) is never copied.
    const backups = await modesUnder(statePaths(ctx).backups);
    expect(backups.filter(([, kind]) => kind === 'file')).toHaveLength(2);

    expect((await listJournal(ctx)).map((e) => e.fixId)).toEqual(['ssh.configure-host']);
    const undone = await undoLast(ctx);
    expect(undone).toMatchObject({ undone: true, fixId: 'ssh.configure-host' });
    // an absolute, readable time ("27 November 2026, 22:57"), not an ISO stamp
    expect(undone.message).toMatch(/\(applied \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}\)/);
    expect(await userTree()).toEqual(before);
    expect(await modesUnder(statePaths(ctx).backups)).toEqual([]);
    expect(await listJournal(ctx)).toEqual([]);
    expect(await undoLast(ctx)).toMatchObject({ undone: false, message: 'Nothing to undo.' });
  });

  it('repeated undo walks back one fix at a time', async () => {
    const file = path.join(home.dir, 'notes');
    await writeFile(file, 'v0\n');
    for (const version of ['v1', 'v2']) {
      const change = await beginChange(ctx, { fixId: version === 'v1' ? 'ssh.configure-host' : 'ssh.trust-host-keys', repo: null });
      await change.writeFile(file, `${version}\n`);
      await change.commit();
    }
    expect((await listJournal(ctx)).map((e) => e.fixId)).toEqual(['ssh.trust-host-keys', 'ssh.configure-host']);
    expect((await undoLast(ctx)).fixId).toBe('ssh.trust-host-keys');
    expect(await readFile(file, 'utf8')).toBe('v1\n');
    expect((await undoLast(ctx)).fixId).toBe('ssh.configure-host');
    expect(await readFile(file, 'utf8')).toBe('v0\n');
  });

  it('refuses to undo over a later edit by the user, and changes nothing', async () => {
    const config = path.join(home.sshDir, 'config');
    const other = path.join(home.dir, 'other');
    const change = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
    await change.createFile(other, 'ours', 0o600);
    await change.writeFile(config, 'ours\n');
    await change.commit();
    await writeFile(config, 'ours\nplus the user edit\n');
    const edited = await userTree();

    const result = await undoLast(ctx);
    expect(result.undone).toBe(false);
    expect(result.message).toMatch(/^Not undone: .*config was changed after "Tell ssh which key to use for Bitbucket \(~\/.ssh\/config\)" was applied .*Nothing was changed\.$/);
    expect(result.message.split('\n')).toHaveLength(1);
    expect(await userTree()).toEqual(edited);
    expect(await listJournal(ctx)).toHaveLength(1);
    // A mode change by the user counts too.
    await writeFile(config, 'ours\n');
    await chmod(other, 0o644);
    expect((await undoLast(ctx)).undone).toBe(false);
  });

  it('rolls back an uncommitted change', async () => {
    const file = path.join(home.dir, 'file');
    await writeFile(file, 'old');
    const before = await userTree();
    const change = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
    await change.writeFile(file, 'new');
    await change.ensureDir(path.join(home.dir, 'made'), 0o700);
    await change.createFile(path.join(home.dir, 'made', 'f'), 'x', 0o600);
    const result = await change.rollback();
    expect(result.leftAlone).toEqual([]);
    expect(await userTree()).toEqual(before);
    expect(await listJournal(ctx)).toEqual([]);
    // The lock was released: a new change can start.
    await (await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null })).commit();
  });

  it('a failed exclusive create records nothing and never removes the existing file', async () => {
    const existing = path.join(home.dir, 'id_ed25519');
    await writeFile(existing, 'user key');
    const change = await beginChange(ctx, { fixId: 'ssh.generate-key', repo: null });
    await expect(change.createFile(existing, 'new key', 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(change.empty).toBe(true);
    await change.rollback();
    expect(await readFile(existing, 'utf8')).toBe('user key');
  });

  it('undoes a change git made to .git/config byte for byte', async () => {
    const repo = await home.repo();
    const configFile = path.join(repo, '.git', 'config');
    await writeFile(configFile, `${await readFile(configFile, 'utf8')}# user comment\n[remote "origin"]\n\turl = https://someone@bitbucket.org/ws/repo.git\n`);
    const before = await userTree();
    const change = await beginChange(ctx, { fixId: 'remote.use-ssh', repo });
    await change.editGitConfig(configFile, [['remote.origin.url', 'git@ssh.bitbucket.org:ws/repo.git']], { cwd: repo });
    await change.commit();
    expect(await home.git(['remote', 'get-url', 'origin'], repo)).toBe('git@ssh.bitbucket.org:ws/repo.git\n');
    await undoLast(ctx);
    expect(await userTree()).toEqual(before);
  });

  it('a change whose process was killed before commit is rolled back by the next run', async () => {
    const existing = path.join(home.sshDir, 'config');
    const created = path.join(home.sshDir, 'created');
    const before = await userTree();
    const script = fileURLToPath(new URL('./support/crashing-change.ts', import.meta.url));
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, home.dir, stateHome, existing, created], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && child.kill('SIGKILL'));
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(err))));
    });
    expect(await readFile(existing, 'utf8')).toBe('half-applied change\n');
    // The next run (here: an undo) finds the dead change, puts everything back, then has nothing to undo.
    expect(await undoLast(ctx)).toMatchObject({ undone: false, message: 'Nothing to undo.' });
    expect(await userTree()).toEqual(before);
    expect(await modesUnder(statePaths(ctx).backups)).toEqual([]);
  });

  it('a damaged journal is a clear error and is never overwritten', async () => {
    await mkdir(ctx.stateDir, { recursive: true });
    const journal = statePaths(ctx).journal;
    await writeFile(journal, '{"version": 1, "entries": [ {"id": 3');
    await expect(undoLast(ctx)).rejects.toThrow(JournalError);
    await expect(undoLast(ctx)).rejects.toThrow(/undo journal .*journal\.json is damaged \(not valid JSON\); it was left untouched/);
    await expect(beginChange(ctx, { fixId: 'ssh.configure-host', repo: null })).rejects.toThrow(JournalError);
    await expect(listJournal(ctx)).rejects.toThrow(JournalError);
    expect(await readFile(journal, 'utf8')).toBe('{"version": 1, "entries": [ {"id": 3');
    await writeFile(journal, JSON.stringify({ version: 1, entries: [{ id: 'x', fixId: 'no.such-fix' }] }));
    await expect(undoLast(ctx)).rejects.toThrow(/damaged \(unexpected content at entries\.0/);
    await writeFile(journal, JSON.stringify({ version: 9, entries: [] }));
    await expect(undoLast(ctx)).rejects.toThrow(/newer push-doctor \(format 9\)/);
  });

  it('one change at a time', async () => {
    const first = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
    await expect(beginChange(ctx, { fixId: 'ssh.configure-host', repo: null })).rejects.toThrow(/already in progress/);
    await first.commit();
  });
});
