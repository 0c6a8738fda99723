import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { runPushDoctor } from '../support/cli.js';
import { createHome, type TestHome } from '../support/home.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';
import { snapshotTree } from '../support/tree.js';

const exec = promisify(execFile);
const PASSPHRASE = 'correct horse battery staple 42';

let home: TestHome;
beforeEach(async () => {
  home = await createHome();
});
afterEach(async () => {
  await home.cleanup();
});

describe('push-doctor keygen', () => {
  it('creates an ed25519 key that ssh-keygen reads, prints its fingerprint, and undo removes it', async () => {
    const before = await snapshotTree(home.dir);
    const run = await runPushDoctor(['keygen', '--json', '--comment', 'jdoe@laptop'], { env: home.env });
    expect(run.code).toBe(0);
    const key = JSON.parse(run.stdout);
    expect(key).toEqual({
      privateKeyPath: path.join(home.sshDir, 'id_ed25519'),
      publicKeyPath: path.join(home.sshDir, 'id_ed25519.pub'),
      publicKey: expect.stringMatching(/^ssh-ed25519 AAAA\S+ jdoe@laptop$/),
      fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
    });
    expect((await stat(key.privateKeyPath)).mode & 0o777).toBe(0o600);
    const { stdout } = await exec('ssh-keygen', ['-lf', key.publicKeyPath]);
    expect(stdout).toContain(key.fingerprint);

    const undo = await runPushDoctor(['undo', '--json'], { env: home.env });
    expect(JSON.parse(undo.stdout)).toMatchObject({ undone: true, fixId: 'ssh.generate-key' });
    // Our journal lives in the state folder under the home; the user's own files are as before.
    const after = await snapshotTree(home.dir);
    for (const [file, value] of Object.entries(before)) expect(after[file]).toBe(value);
    const sshFiles = (tree: Record<string, string>) => Object.keys(tree).filter((f) => f.startsWith('.ssh/'));
    expect(sshFiles(after)).toEqual(sshFiles(before));
  });

  it('encrypts with a passphrase read from stdin, never from argv', async () => {
    const run = await runPushDoctor(['keygen', '--json', '--passphrase-stdin'], { env: home.env, input: `${PASSPHRASE}\n` });
    expect(run.code).toBe(0);
    const key = JSON.parse(run.stdout);
    expect(await readFile(key.privateKeyPath, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
    // Without the passphrase the key does not load; with it, it does (-P on argv is fine in a test).
    await expect(exec('ssh-keygen', ['-y', '-P', '', '-f', key.privateKeyPath])).rejects.toThrow();
    const { stdout } = await exec('ssh-keygen', ['-y', '-P', PASSPHRASE, '-f', key.privateKeyPath]);
    expect(key.publicKey.startsWith(stdout.trim())).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(PASSPHRASE);
  });

  it('never replaces an existing key: it picks the next free name, and --file refuses an existing file', async () => {
    const existing = await makeKey(home);
    const original = await readFile(existing.path);
    const next = await runPushDoctor(['keygen', '--json'], { env: home.env });
    expect(JSON.parse(next.stdout).privateKeyPath).toBe(path.join(home.sshDir, 'id_ed25519_bitbucket'));
    expect(await readFile(existing.path)).toEqual(original);

    const refused = await runPushDoctor(['keygen', '--file', existing.path], { env: home.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists; an existing key is never replaced/);
    expect(await readFile(existing.path)).toEqual(original);
  });

  it('rejects positional arguments and unknown flags with exit 2', async () => {
    expect((await runPushDoctor(['keygen', 'extra'], { env: home.env })).code).toBe(2);
    expect((await runPushDoctor(['keygen', '--passphrase', 'x'], { env: home.env })).code).toBe(2);
  });
});

describe('push-doctor test', () => {
  let server: FakeBitbucketSsh | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('answers per repository whether it can push now: 0 when all can, 1 when one cannot', async () => {
    const key = await makeKey(home);
    const scenario = await startCloudScenario(home);
    server = scenario.server;
    server.authorize(key.publicLine, { kind: 'personal' });
    const noRemote = await home.repo('no-remote');
    const before = await snapshotTree(home.dir);

    const good = await runPushDoctor(['test', scenario.repo, '--json'], { env: home.env });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ schemaVersion: 1, results: [{ path: scenario.repo, status: 'ok', summary: 'Push works', codes: [] }] });

    const mixed = await runPushDoctor(['test', scenario.repo, noRemote], { env: home.env });
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toContain(`✓ ${scenario.repo}: Push works`);
    expect(mixed.stdout).toContain(`✗ ${noRemote}: This repository has no remote to push to. (remote.none)`);
    expect(await snapshotTree(home.dir)).toEqual(before);
  });

  it('exits 2 for a path that is not a repository, a file or a missing path', async () => {
    const file = path.join(home.dir, 'file.txt');
    await writeFile(file, 'x');
    expect((await runPushDoctor(['test', home.dir], { env: home.env })).code).toBe(2);
    expect(await runPushDoctor(['test', file], { env: home.env })).toMatchObject({ code: 2, stderr: expect.stringContaining('is a file, not a folder') });
    expect(await runPushDoctor(['test', path.join(home.dir, 'gone')], { env: home.env })).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
  });
});
