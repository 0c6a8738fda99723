import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPushDoctor } from '../support/cli.js';
import { createHome, type TestHome } from '../support/home.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome();
});
afterEach(async () => {
  await home.cleanup();
});

describe('push-doctor diagnose: bad input', () => {
  it.each([
    ['a file', async () => {
      const file = path.join(home.dir, 'notes.txt');
      await writeFile(file, 'x');
      return [file];
    }, /is a file, not a folder/],
    ['a missing path', async () => [path.join(home.dir, 'missing')], /does not exist/],
    ['a folder that is not a repository', async () => [home.dir], /not inside a git repository/],
    ['an unknown flag', async () => [home.dir, '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a bad timeout', async () => [home.dir, '--timeout', 'soon'], /--timeout takes a number/],
    ['two paths', async () => [home.dir, home.dir], /one path/],
  ])('exits 2 with one line for %s', async (_name, args, message) => {
    const run = await runPushDoctor(['diagnose', ...(await args())], { env: home.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).toBe('');
  });

  it('exits 2 for an unknown remote and names the ones that exist', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/w.git'], repo);
    const run = await runPushDoctor(['diagnose', repo, '--remote', 'nope', '--offline'], { env: home.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no remote named "nope" \(remotes: origin\)/);
  });

  it('exits 2 for an unknown command', async () => {
    const run = await runPushDoctor(['frobnicate'], { env: home.env });
    expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "frobnicate"/) });
  });
});

describe('push-doctor diagnose: repositories that cannot push', () => {
  it('reports remote.none for a repository without remotes', async () => {
    const repo = await home.repo();
    const run = await runPushDoctor(['diagnose', repo, '--json'], { env: home.env });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, path: repo, verdict: 'problems', findings: [{ code: 'remote.none', severity: 'error', remote: null }] });
    expect(report.checks).toEqual([expect.objectContaining({ id: 'repo.remotes', status: 'error', durationMs: expect.any(Number) })]);
  });

  it('runs from a folder inside the repository and names the garbage URL', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'not a url'], repo);
    const run = await runPushDoctor(['diagnose', '--offline'], { env: home.env, cwd: repo });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The remote URL "not a url" is not a URL git can use.');
    expect(run.stdout).toMatch(/✗ Pushing to Bitbucket will fail: 1 problem\./);
  });

  it('says a non-Bitbucket remote is out of scope and cannot confirm pushing', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'https://github.com/acme/w.git'], repo);
    const run = await runPushDoctor(['diagnose', repo, '--json'], { env: home.env });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'unknown', findings: [{ code: 'remote.not-bitbucket', severity: 'info' }] });
  });
});

describe('push-doctor diagnose: malformed config files', () => {
  it('names a broken git config file instead of calling the folder "not a repository"', async () => {
    const repo = await home.repo();
    await writeFile(path.join(home.dir, '.gitconfig'), '[user\n  name = broken\n');
    const run = await runPushDoctor(['diagnose', repo, '--offline'], { env: home.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`push-doctor: git cannot read a config file: bad config line 1 in file ${path.join(home.dir, '.gitconfig')}. Fix or move that file, then try again.\n`);
  });

  it('survives garbage in ~/.ssh/config, known_hosts and the credential store, and says what it could not read', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'git@ssh.bitbucket.org:acme/w.git'], repo);
    await home.git(['remote', 'add', 'bb', 'https://bitbucket.org/acme/w.git'], repo);
    await home.git(['config', '--global', 'credential.helper', 'store']);
    await writeFile(path.join(home.sshDir, 'config'), 'Host ssh.bitbucket.org\n  NoSuchKeyword yes\n\u0000\u0001 garbage\n');
    await writeFile(path.join(home.sshDir, 'known_hosts'), 'ssh.bitbucket.org not-a-key\n\u00ff\u00fe\n');
    await writeFile(path.join(home.dir, '.git-credentials'), 'this is not a url\nhttps://\n');
    const run = await runPushDoctor(['diagnose', repo, '--offline', '--json'], { env: home.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    const sshChecks = report.checks.filter((c: { remote: string }) => c.remote === 'origin');
    expect(sshChecks.map((c: { summary: string }) => c.summary).join('\n')).toMatch(/Bad configuration option: nosuchkeyword/);
    expect(report.findings.find((f: { code: string }) => f.code === 'ssh.config-invalid')).toMatchObject({
      severity: 'error',
      remote: 'origin',
      detail: expect.stringContaining(`ssh says: ${path.join(home.sshDir, 'config')}: line 2: Bad configuration option: nosuchkeyword.`),
    });
    expect(report.checks.some((c: { remote: string }) => c.remote === 'bb')).toBe(true);
  });
});
