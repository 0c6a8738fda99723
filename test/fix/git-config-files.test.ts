import { mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { globalGitConfigFile, localGitConfigFile } from '../../app/fix/git-config-files.js';
import { beginChange } from '../../app/fix/step-recorder.js';
import { undoLast } from '../../app/fix/undo.js';
import { createHome, type TestHome } from '../support/home.js';
import { snapshotTree } from '../support/tree.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome('gitcfg-');
});
afterEach(async () => {
  await home.cleanup();
});

describe('git config files', () => {
  it('finds the file git config --global writes, as git does', async () => {
    const ctx = home.context();
    expect(await globalGitConfigFile(ctx)).toBe(path.join(home.dir, '.gitconfig'));
    await rm(path.join(home.dir, '.gitconfig'));
    const xdg = path.join(home.dir, '.config', 'git', 'config');
    await mkdir(path.dirname(xdg), { recursive: true });
    await writeFile(xdg, '[user]\n\tname = X\n');
    expect(await globalGitConfigFile(ctx)).toBe(xdg);
    // Cross-check with git itself: the change lands in the file we named.
    await home.git(['config', '--global', 'push.default', 'simple']);
    expect(await home.git(['config', '--file', xdg, 'push.default'])).toBe('simple\n');
    expect(await globalGitConfigFile({ ...ctx, env: { ...ctx.env, GIT_CONFIG_GLOBAL: '/elsewhere/cfg' } })).toBe('/elsewhere/cfg');
  });

  it('finds the local config of a linked worktree, and a global change through git is undone byte for byte', async () => {
    const ctx = home.context();
    const repo = await home.repo();
    const linked = path.join(home.dir, 'linked');
    await home.git(['worktree', 'add', '-q', linked], repo);
    expect(await localGitConfigFile(ctx, linked)).toBe(path.join(await realpath(repo), '.git', 'config'));

    const before = await snapshotTree(home.dir, { exclude: [path.join(home.dir, '.local')] });
    const change = await beginChange(ctx, { fixId: 'credential.use-secure-helper', repo });
    await change.editGitConfig(await globalGitConfigFile(ctx), [['credential.helper', 'cache']]);
    await change.commit();
    expect(await home.git(['config', '--global', 'credential.helper'])).toBe('cache\n');
    await undoLast(ctx);
    expect(await snapshotTree(home.dir, { exclude: [path.join(home.dir, '.local')] })).toEqual(before);
  });
});

describe('git config edits through the journal (git edits a private copy, the file is replaced once)', () => {
  it('several edits land together; a refused one names the file (not the copy) and leaves it as it was; no scratch copy stays', async () => {
    const ctx = home.context();
    const file = path.join(home.dir, '.gitconfig');
    const before = await readFile(file, 'utf8');
    const change = await beginChange(ctx, { fixId: 'credential.use-secure-helper', repo: null });
    await change.editGitConfig(file, [['--add', 'credential.helper', ''], ['--add', 'credential.helper', 'libsecret']]);
    expect(await readFile(file, 'utf8')).toBe(`${before}[credential]\n\thelper = \n\thelper = libsecret\n`);
    await expect(change.editGitConfig(file, [['--unset-all', 'no.such-key']])).rejects.toThrow(`git config --file ${file} --unset-all no.such-key failed: exit 5`);
    expect(await readFile(file, 'utf8')).toBe(`${before}[credential]\n\thelper = \n\thelper = libsecret\n`);
    await change.commit();
    expect(await readdir(path.join(ctx.stateDir, 'tmp'))).toEqual([]);
    await undoLast(ctx);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it("a config file that does not exist yet is created with the mode git gives it", async () => {
    const ctx = home.context();
    const file = path.join(home.dir, 'new.gitconfig');
    const change = await beginChange(ctx, { fixId: 'credential.use-secure-helper', repo: null });
    await change.editGitConfig(file, [['credential.helper', 'libsecret']]);
    await change.commit();
    expect(await readFile(file, 'utf8')).toBe('[credential]\n\thelper = libsecret\n');
    expect((await stat(file)).mode & 0o777).toBe(0o666 & ~process.umask());
    await undoLast(ctx);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
