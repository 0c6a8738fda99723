import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRepository, readRemotes } from '../../app/repo/repository.js';
import { createHome, type TestHome } from '../support/home.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome();
});
afterEach(async () => {
  await home.cleanup();
});

describe('openRepository', () => {
  it('finds the root from a nested folder', async () => {
    const repo = await home.repo();
    const nested = path.join(repo, 'src', 'deep');
    await mkdir(nested, { recursive: true });
    expect(await openRepository(home.context(), nested)).toEqual({ ok: true, root: repo });
  });

  it('says what is wrong with a file, a missing path and a plain folder', async () => {
    const file = path.join(home.dir, 'notes.txt');
    await writeFile(file, 'x');
    const ctx = home.context();
    expect(await openRepository(ctx, file)).toMatchObject({ ok: false, error: { kind: 'not-a-directory' } });
    expect(await openRepository(ctx, path.join(home.dir, 'missing'))).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const plain = path.join(home.dir, 'plain');
    await mkdir(plain);
    expect(await openRepository(ctx, plain)).toMatchObject({ ok: false, error: { kind: 'not-a-repo', message: expect.stringContaining('not inside a git repository') } });
  });
});

describe('readRemotes', () => {
  it('resolves pushurl, insteadOf and pushInsteadOf the way git does', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'bb:acme/widgets.git'], repo);
    await home.git(['remote', 'add', 'upstream', 'https://bitbucket.org/acme/upstream.git'], repo);
    await home.git(['config', 'remote.upstream.pushurl', 'git@ssh.bitbucket.org:acme/upstream.git'], repo);
    await home.git(['config', '--global', 'url.git@ssh.bitbucket.org:.insteadOf', 'bb:']);
    await home.git(['config', '--global', 'url.https://mirror.example/.pushInsteadOf', 'bb:']);
    const snapshot = await readRemotes(home.context(), repo);
    const origin = snapshot.remotes.find((r) => r.name === 'origin');
    const upstream = snapshot.remotes.find((r) => r.name === 'upstream');
    expect(origin).toMatchObject({ url: 'bb:acme/widgets.git', pushUrls: [], resolvedFetchUrl: 'git@ssh.bitbucket.org:acme/widgets.git' });
    // pushes of origin take the pushInsteadOf rewrite, fetches the insteadOf one
    expect(origin?.resolvedPushUrls).toEqual(['https://mirror.example/acme/widgets.git']);
    // an explicit pushurl is used as it is
    expect(upstream).toMatchObject({ pushUrls: ['git@ssh.bitbucket.org:acme/upstream.git'], resolvedPushUrls: ['git@ssh.bitbucket.org:acme/upstream.git'] });
    expect(snapshot).toMatchObject({ defaultPushRemote: 'origin', defaultPushReason: 'default origin', currentBranch: 'main' });
  });

  it('picks the push remote from pushRemote, pushDefault and the branch remote in git\'s order', async () => {
    const repo = await home.repo();
    for (const name of ['a', 'b', 'c']) await home.git(['remote', 'add', name, `https://bitbucket.org/acme/${name}.git`], repo);
    await home.git(['config', 'branch.main.remote', 'c'], repo);
    expect(await readRemotes(home.context(), repo)).toMatchObject({ defaultPushRemote: 'c', defaultPushReason: 'branch.main.remote' });
    await home.git(['config', 'remote.pushDefault', 'b'], repo);
    expect(await readRemotes(home.context(), repo)).toMatchObject({ defaultPushRemote: 'b', defaultPushReason: 'remote.pushDefault' });
    await home.git(['config', 'branch.main.pushRemote', 'a'], repo);
    expect(await readRemotes(home.context(), repo)).toMatchObject({ defaultPushRemote: 'a', defaultPushReason: 'branch.main.pushRemote' });
  });

  it('reports no push destination when there is no origin and nothing configured', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'bitbucket', 'https://bitbucket.org/acme/w.git'], repo);
    expect(await readRemotes(home.context(), repo)).toMatchObject({ defaultPushRemote: null });
    const empty = await home.repo('empty');
    expect(await readRemotes(home.context(), empty)).toMatchObject({ remotes: [], defaultPushRemote: null });
  });
});
