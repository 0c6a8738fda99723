import { spawn } from 'node:child_process';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileExclusive, removeStaleTemps, writeFileAtomic } from '../../app/fix/atomic-write.js';

const writer = fileURLToPath(new URL('./support/interrupted-writer.ts', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer child until it reports the synced temp file, then SIGKILLs it. */
function killBetweenTempAndRename(target: string, content: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, target, content], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (.+)\n/.exec(out);
      if (match) {
        child.kill('SIGKILL');
        child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(match[1]!) : reject(new Error(`exit ${signal}`))));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (${code}): ${err}`));
    });
  });
}

describe('writeFileAtomic', () => {
  it('a write killed between temp file and rename leaves the old file intact; the next write cleans the leftover', async () => {
    const target = path.join(dir, 'config');
    const old = Buffer.from('Host old\n  User git\n# unrelated bytes \u00e9\r\n');
    await writeFile(target, old);
    await chmod(target, 0o640);

    const temp = await killBetweenTempAndRename(target, 'NEW CONTENT THAT MUST NOT LAND\n');
    expect(path.dirname(temp)).toBe(dir);
    // The temp file was complete and synced, yet the target is the old file, byte for byte.
    expect(await readFile(temp, 'utf8')).toBe('NEW CONTENT THAT MUST NOT LAND\n');
    expect(await readFile(target)).toEqual(old);
    expect((await stat(target)).mode & 0o7777).toBe(0o640);

    await writeFileAtomic(target, 'next\n');
    expect(await readFile(target, 'utf8')).toBe('next\n');
    expect((await stat(target)).mode & 0o7777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('keeps the mode of an existing file and sets the given mode on a new one despite the umask', async () => {
    const existing = path.join(dir, 'existing');
    await writeFile(existing, 'a');
    await chmod(existing, 0o604);
    await writeFileAtomic(existing, 'b', { mode: 0o600 });
    expect((await stat(existing)).mode & 0o7777).toBe(0o604);

    const previous = process.umask(0o077);
    try {
      const fresh = path.join(dir, 'fresh');
      await writeFileAtomic(fresh, 'x', { mode: 0o644 });
      expect((await stat(fresh)).mode & 0o7777).toBe(0o644);
    } finally {
      process.umask(previous);
    }
    await writeFileAtomic(existing, 'c', { forceMode: 0o600 });
    expect((await stat(existing)).mode & 0o7777).toBe(0o600);
    expect(await readFile(existing, 'utf8')).toBe('c');
  });

  it('writes through a symlink instead of replacing it', async () => {
    const real = path.join(dir, 'dotfiles-config');
    const link = path.join(dir, 'config');
    await writeFile(real, 'old');
    await symlink(real, link);
    await writeFileAtomic(link, 'new');
    expect(await readFile(real, 'utf8')).toBe('new');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('a failed write leaves no temp file and the old content', async () => {
    const target = path.join(dir, 'file');
    await writeFile(target, 'old');
    await expect(writeFileAtomic(target, 'new', { beforeRename: () => Promise.reject(new Error('boom')) })).rejects.toThrow('boom');
    expect(await readdir(dir)).toEqual(['file']);
    expect(await readFile(target, 'utf8')).toBe('old');
  });

  it('never removes temp files of a live process or files that are not ours', async () => {
    const target = path.join(dir, 'config');
    const live = path.join(dir, `.config.push-doctor-${process.ppid}-abcdef.tmp`);
    const foreign = path.join(dir, '.config.swp');
    await writeFile(live, 'x');
    await writeFile(foreign, 'y');
    expect(await removeStaleTemps(target)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual([live, foreign].map((p) => path.basename(p)).sort());
  });
});

describe('createFileExclusive', () => {
  it('creates with the exact mode and never overwrites', async () => {
    const key = path.join(dir, 'id_ed25519');
    await createFileExclusive(key, 'secret', 0o600);
    expect((await stat(key)).mode & 0o7777).toBe(0o600);
    await expect(createFileExclusive(key, 'other', 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(key, 'utf8')).toBe('secret');
  });
});
