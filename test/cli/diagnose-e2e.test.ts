import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBitbucketHttp, type FakeBitbucketHttp } from '../support/bitbucket-http.js';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { runPushDoctor } from '../support/cli.js';
import { createHome, type TestHome } from '../support/home.js';
import { approveCredential, cloudRepo } from '../support/https-home.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';
import { snapshotTree } from '../support/tree.js';

// Distinctive secrets: if any of them shows up in any output, something leaked.
const APP_PASSWORD = 'ATBBq7Zr2xLkPmN4sT8vW1yB3dF6hJ9kL0c2C1F';
const API_TOKEN = 'ATATT3xFfGF0Qp7Lm2Zr8Xk4Nv6Bt1Yw9Hs3Jd5Gf0Ka7Ue2Ri4Ow6Pq8Lz1Mx3Cv5Bn7=9F2CA1B3';
const URL_TOKEN = 'ATATT3xFfGF0UrlT0kenZz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4=ABCD1234';

let home: TestHome;
let servers: Array<{ stop(): Promise<void> }>;
beforeEach(async () => {
  home = await createHome();
  servers = [];
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await home.cleanup();
});

async function serve(options: Parameters<typeof startFakeBitbucketHttp>[0]): Promise<FakeBitbucketHttp> {
  const server = await startFakeBitbucketHttp(options);
  servers.push(server);
  return server;
}

async function useStore(): Promise<void> {
  await home.git(['config', '--global', 'credential.helper', 'store']);
}

function expectNoSecrets(...outputs: string[]): void {
  for (const output of outputs) {
    for (const secret of [APP_PASSWORD, API_TOKEN, URL_TOKEN]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(encodeURIComponent(secret));
      // not even a long piece of it
      expect(output).not.toContain(secret.slice(4, 24));
    }
  }
}

describe('push-doctor diagnose over HTTPS, end to end', () => {
  it('finds a saved app password, proves it with the 410, names the fix, and changes nothing', async () => {
    const server = await serve({ accounts: [{ username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    await useStore();
    const repo = await cloudRepo(home, server);
    await approveCredential(home, repo, `${server.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);
    const before = await snapshotTree(home.dir);

    const json = await runPushDoctor(['diagnose', repo, '--json'], { env: home.env });
    const human = await runPushDoctor(['diagnose', repo], { env: home.env });

    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.verdict).toBe('problems');
    const top = report.findings[0];
    expect(top).toMatchObject({ code: 'https.app-password', severity: 'error', remote: 'origin' });
    expect(top.title).toContain('ATBB…2C1F');
    expect(top.evidence.join('\n')).toMatch(/410|App passwords are deprecated/);
    expect(top.fixes[0]).toEqual({ id: 'credential.clear', title: expect.any(String), needsInput: false });
    expect(top.fixes.map((f: { id: string }) => f.id)).toContain('credential.save-token');
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['repo.remotes', 'https.helpers', 'https.credential', 'https.read', 'https.write']));

    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ Your computer is still sending an app password \(ATBB…2C1F\)/);
    expect(human.stdout).toContain(`- To fix: push-doctor fix credential.clear ${repo}`);
    expect(human.stdout).toMatch(/push-doctor fix credential.save-token .* --input-stdin/);
    expectNoSecrets(json.stdout, json.stderr, human.stdout, human.stderr);

    // Read-only: the store file, the repo config and everything else in the home are untouched.
    expect(await snapshotTree(home.dir)).toEqual(before);
  });

  it('says pushing works when the saved API token may push (exit 0)', async () => {
    const server = await serve({ accounts: [{ username: 'jdoe', secret: API_TOKEN, kind: 'api-token', scopes: ['read', 'write'] }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    await home.git(['config', '--global', 'credential.helper', 'cache --timeout 300']);
    const repo = await cloudRepo(home, server);
    await approveCredential(home, repo, `${server.url}/acme/widgets.git`, 'jdoe', API_TOKEN);
    try {
      const run = await runPushDoctor(['diagnose', repo], { env: home.env });
      expect(run.stdout).toMatch(/✓ Pushing to Bitbucket works\./);
      expect(run.code).toBe(0);
      expectNoSecrets(run.stdout, run.stderr);
    } finally {
      await home.git(['credential-cache', 'exit']).catch(() => '');
    }
  });

  it('never leaks a token written into a push URL, and reports it', async () => {
    const server = await serve({ accounts: [{ username: 'jdoe', secret: URL_TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    const repo = await cloudRepo(home, server);
    await home.git(['config', 'remote.origin.pushurl', `https://jdoe:${URL_TOKEN}@bitbucket.org/acme/widgets.git`], repo);
    const json = await runPushDoctor(['diagnose', repo, '--json'], { env: home.env });
    const human = await runPushDoctor(['diagnose', repo], { env: home.env });
    expect(JSON.parse(json.stdout).findings.map((f: { code: string }) => f.code)).toContain('remote.secret-in-url');
    expect(human.stdout).toContain('ATAT…1234');
    expectNoSecrets(json.stdout, json.stderr, human.stdout, human.stderr);
  });

  it('gives "timed out after N s" for a server that never answers, and does not hang', async () => {
    const server = await serve({ silent: true });
    await useStore();
    const repo = await cloudRepo(home, server);
    await approveCredential(home, repo, `${server.url}/acme/widgets.git`, 'jdoe', API_TOKEN);
    const run = await runPushDoctor(['diagnose', repo, '--json', '--timeout', '1.5'], { env: home.env, timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.findings[0]).toMatchObject({ code: 'https.unreachable', title: expect.stringContaining('timed out after 1.5 s') });
  });
});

describe('push-doctor diagnose over SSH, end to end', () => {
  let ssh: FakeBitbucketSsh | undefined;
  afterEach(async () => {
    await ssh?.stop();
    ssh = undefined;
  });

  it('says pushing works with a registered key (exit 0) and shows the ssh checks', async () => {
    const key = await makeKey(home);
    const scenario = await startCloudScenario(home);
    ssh = scenario.server;
    ssh.authorize(key.publicLine, { kind: 'personal' });
    const run = await runPushDoctor(['diagnose', scenario.repo], { env: home.env });
    expect(run.stdout).toMatch(/✓ .*ssh -T|✓ /);
    expect(run.stdout).toMatch(/✓ Pushing to Bitbucket works\./);
    expect(run.code).toBe(0);
  });

  it('reports a key nobody registered, and never prints the private key', async () => {
    const key = await makeKey(home);
    const scenario = await startCloudScenario(home);
    ssh = scenario.server;
    const privateKey = await readFile(key.path, 'utf8');
    const body = privateKey.split('\n')[1]!;
    const run = await runPushDoctor(['diagnose', scenario.repo, '--json'], { env: home.env });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.findings[0]).toMatchObject({ code: 'ssh.permission-denied', severity: 'error' });
    expect(report.findings[0].fixes[0].id).toBe('open.ssh-keys-page');
    expect(run.stdout + run.stderr).not.toContain(body);
  });

  it('flags the legacy bitbucket.org SSH host from the URL alone, offline', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'git@bitbucket.org:acme/widgets.git'], repo);
    await writeFile(path.join(home.sshDir, 'known_hosts'), '');
    const run = await runPushDoctor(['diagnose', repo, '--json', '--offline'], { env: home.env });
    const report = JSON.parse(run.stdout);
    expect(run.code).toBe(1);
    expect(report.findings.map((f: { code: string }) => f.code)).toContain('remote.legacy-ssh-host');
    expect(report.findings.find((f: { code: string }) => f.code === 'remote.legacy-ssh-host').fixes[0].id).toBe('remote.use-ssh-host');
    expect(report.checks.filter((c: { status: string }) => c.status === 'skipped').map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['ssh.auth', 'ssh.write']));
  });
});
