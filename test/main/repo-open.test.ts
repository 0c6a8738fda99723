import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callHandler } from '../../app/service/handlers.js';
import { useTestService, type TestService } from './support/service.js';

describe('opening a repository (repo.open, repo.drop, repo.choose)', () => {
  let service: TestService;
  let repo: string;
  useTestService({ repo: 'widgets' }, (created) => {
    service = created;
    repo = created.repo;
  });

  it('opens the root of the repository that contains a nested folder, with masked remote URLs', async () => {
    await service.home.git(['remote', 'add', 'origin', 'https://jdoe:s3cr3t-password@bitbucket.org/acme/widgets.git'], repo);
    await service.home.git(['remote', 'add', 'ssh', 'git@ssh.bitbucket.org:acme/widgets.git'], repo);
    const nested = path.join(repo, 'src', 'deep');
    await mkdir(nested, { recursive: true });

    const result = await callHandler(service.handlers, 'repo.open', { path: nested });

    expect(result).toEqual({
      ok: true,
      value: {
        path: repo,
        name: 'widgets',
        remotes: expect.arrayContaining([
          { name: 'origin', url: 'https://jdoe:•••••@bitbucket.org/acme/widgets.git', switchFix: 'remote.use-ssh', onCloudSshHost: false, tokenUsername: 'jdoe' },
          { name: 'ssh', url: 'git@ssh.bitbucket.org:acme/widgets.git', switchFix: 'remote.use-ssh-host', onCloudSshHost: true, tokenUsername: null },
        ]),
        repoCommands: [],
        trusted: true,
      },
    });
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
    expect((await service.store.recent()).map((r) => r.path)).toEqual([repo]);
  });

  it('masks a token written as the user name', async () => {
    const token = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789';
    await service.home.git(['remote', 'add', 'origin', `https://${token}@bitbucket.org/acme/widgets.git`], repo);
    const result = await callHandler(service.handlers, 'repo.open', { path: repo });
    expect(JSON.stringify(result)).not.toContain(token.slice(4, -4));
    expect(result.ok && result.value.remotes[0]!.url).toBe('https://ATAT…6789@bitbucket.org/acme/widgets.git');
    // Nor is it offered as the username of the token form.
    expect(result.ok && result.value.remotes[0]!.tokenUsername).toBeNull();
  });

  it('refuses a file, a folder outside any repository, a missing path and a relative path, each with its own code', async () => {
    const file = path.join(repo, 'README.md');
    const plain = path.join(service.home.dir, 'not-a-repo');
    await mkdir(plain);

    expect(await callHandler(service.handlers, 'repo.open', { path: file })).toMatchObject({ ok: false, error: { code: 'not-a-directory', message: expect.stringContaining('is a file, not a folder') } });
    expect(await callHandler(service.handlers, 'repo.open', { path: plain })).toMatchObject({ ok: false, error: { code: 'not-a-repo', message: expect.stringContaining('not inside a git repository') } });
    expect(await callHandler(service.handlers, 'repo.open', { path: path.join(plain, 'gone') })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await service.handlers['repo.open']({ path: 'widgets' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await service.store.recent()).toEqual([]);
  });

  describe('drop', () => {
    it('opens a dropped nested folder as its repository root', async () => {
      const nested = path.join(repo, 'docs');
      await mkdir(nested);
      const result = await callHandler(service.handlers, 'repo.drop', { paths: [nested] });
      expect(result).toMatchObject({ ok: true, value: { path: repo, name: 'widgets' } });
    });

    it('says that a dropped file is not a folder', async () => {
      const result = await callHandler(service.handlers, 'repo.drop', { paths: [path.join(repo, 'README.md')] });
      expect(result).toMatchObject({ ok: false, error: { code: 'not-a-directory' } });
    });

    it('says that a dropped folder is not a repository', async () => {
      const plain = path.join(service.home.dir, 'photos');
      await mkdir(plain);
      await writeFile(path.join(plain, 'a.jpg'), '');
      const result = await callHandler(service.handlers, 'repo.drop', { paths: [plain] });
      expect(result).toMatchObject({ ok: false, error: { code: 'not-a-repo', message: `${plain} is not inside a git repository.` } });
    });

    it('asks for one folder at a time when several items are dropped', async () => {
      const result = await callHandler(service.handlers, 'repo.drop', { paths: [repo, path.join(repo, 'README.md'), null] });
      expect(result).toEqual({ ok: false, error: { code: 'several-items', message: 'You dropped 3 items. Drop one repository folder at a time.' } });
    });

    it('explains an item without a path (text or a link) and an empty drop', async () => {
      expect(await callHandler(service.handlers, 'repo.drop', { paths: [null] })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('not a folder on this computer') } });
      expect(await callHandler(service.handlers, 'repo.drop', { paths: [] })).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('Nothing was dropped') } });
    });
  });

  it('opens the folder the user chooses, and answers null when they cancel', async () => {
    service.main.nextFolder = null;
    expect(await callHandler(service.handlers, 'repo.choose', {})).toEqual({ ok: true, value: null });
    service.main.nextFolder = path.join(repo);
    expect(await callHandler(service.handlers, 'repo.choose', {})).toMatchObject({ ok: true, value: { path: repo } });
  });
});
