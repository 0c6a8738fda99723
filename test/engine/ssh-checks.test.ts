import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../app/contract/report.js';
import { RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { generateHostKeys, refusedPort, startFakeBitbucketSsh, type FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { createHome, type TestHome } from '../support/home.js';
import { snapshotTree } from '../support/tree.js';
import { CLOUD_HOST as HOST, CLOUD_REMOTE as REMOTE, diagnoseSsh, hostBlock, makeKey, startAgent, startCloudScenario, trustHost, type CloudScenarioOptions } from '../support/ssh-scenario.js';

let home: TestHome;
let server: FakeBitbucketSsh | null = null;
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
  generateHostKeys();
});
beforeEach(async () => {
  home = await createHome();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await server?.stop();
  server = null;
  await home.cleanup();
});

async function cloudSetup(options: CloudScenarioOptions = {}) {
  const scenario = await startCloudScenario(home, options);
  server = scenario.server;
  return scenario;
}

const byId = (checks: CheckResult[], id: string) => checks.find((c) => c.id === id);

describe('SSH checks against a Bitbucket-like server', () => {
  it('reports ssh.ok when the key logs in and the push path answers (greeting on stdout)', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.ok']);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual(
      expect.arrayContaining([['ssh.command', 'ok'], ['ssh.keys', 'ok'], ['ssh.agent', 'ok'], ['ssh.known-hosts', 'ok'], ['ssh.auth', 'ok'], ['ssh.write', 'ok']]),
    );
    expect(byId(result.checks, 'ssh.auth')?.summary).toContain('authenticated via ssh key.');
    // the write probe went through git-receive-pack for the remote's path, not a shell
    expect(fake.commands).toContain("git-receive-pack 'acme/widgets.git'");
  });

  it('reads the greeting from stderr as well', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup({ greetingStream: 'stderr' });
    fake.authorize(key.publicLine, { kind: 'personal' });
    expect((await diagnoseSsh(home.context(), repo)).codes).toEqual(['ssh.ok']);
  });

  it('ssh.no-key: the configured identity file does not exist', async () => {
    const { repo } = await cloudSetup();
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.no-key']);
    expect(result.findings[0]!.evidence.join('\n')).toContain(`${path.join(home.sshDir, 'id_ed25519')}: does not exist`);
    expect(byId(result.checks, 'ssh.keys')?.status).toBe('warning');
  });

  it('ssh.key-permissions: a registered key with mode 0644 is ignored by ssh', async () => {
    const key = await makeKey(home, 'id_ed25519', { mode: 0o644 });
    const { server: fake, repo } = await cloudSetup();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.key-permissions']);
    expect(result.findings[0]!.title).toContain(key.path);
    expect(result.findings[0]!.title).toContain('0644');
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/bad permissions/);
  });

  it('ssh.key-needs-passphrase: Bitbucket accepts an encrypted key that no agent holds', async () => {
    const key = await makeKey(home, 'id_ed25519', { passphrase: 'correct horse battery' });
    const { server: fake, repo } = await cloudSetup();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.key-needs-passphrase']);
    expect(result.findings[0]!.title).toContain(key.path);
    const evidence = result.findings[0]!.evidence.join('\n');
    expect(evidence).toContain('the server accepts:');
    expect(evidence).toContain('passphrase-protected');
    expect(evidence).toContain('SSH_AUTH_SOCK is not set');
  });

  it('ssh.key-needs-passphrase: a locked PEM key without its .pub file cannot even be offered', async () => {
    const file = path.join(home.sshDir, 'id_rsa');
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'secret words', '-f', file]);
    await rm(`${file}.pub`);
    const { repo } = await cloudSetup({ identity: file });
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.key-needs-passphrase']);
    expect(result.findings[0]!.title).toContain(file);
  });

  it('ssh.host-unknown: empty known_hosts', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup({ trust: false });
    fake.authorize(key.publicLine, { kind: 'personal' });
    await writeFile(path.join(home.sshDir, 'known_hosts'), '');
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.host-unknown']);
    expect(result.findings[0]!.evidence.join('\n')).toContain(`No ED25519 host key is known for ${HOST}`);
    expect(byId(result.checks, 'ssh.known-hosts')?.status).toBe('error');
  });

  it('ssh.no-key before ssh.host-unknown: no key and an unknown host (ssh stopped before offering keys)', async () => {
    const { repo } = await cloudSetup({ trust: false });
    await writeFile(path.join(home.sshDir, 'known_hosts'), '');
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.no-key', 'ssh.host-unknown']);
    // Named as known_hosts knows it (the HostKeyAlias), not by the address ssh connects to.
    expect(result.findings[1]!.title).toContain(`ssh does not know ${HOST}'s host key`);
  });

  it("ssh.host-key-changed: known_hosts still holds Bitbucket's retired RSA key for the host", async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup({ trust: false });
    fake.authorize(key.publicLine, { kind: 'personal' });
    const retired = RETIRED_HOST_KEYS[0]!;
    await writeFile(path.join(home.sshDir, 'known_hosts'), `${HOST} ${retired.type} ${retired.key}\n`);
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.host-key-changed']);
    const evidence = result.findings[0]!.evidence.join('\n');
    expect(evidence).toContain(`offending key: ${path.join(home.sshDir, 'known_hosts')}:1 (RSA)`);
    expect(evidence).toContain(`${retired.fingerprint} (retired by Bitbucket)`);
  });

  it('ssh.permission-denied: the key is not registered', async () => {
    await makeKey(home);
    const { repo } = await cloudSetup();
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.permission-denied']);
    expect(result.findings[0]!.detail).toContain('none of them is registered');
    expect(result.findings[0]!.evidence.join('\n')).toContain('Permission denied (publickey)');
  });

  it('ssh.deploy-key-read-only: a deploy key logs in but cannot push', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup();
    fake.authorize(key.publicLine, { kind: 'deploy', repos: ['acme/widgets'] });
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.deploy-key-read-only']);
    expect(byId(result.checks, 'ssh.auth')?.summary).toContain('authenticated via a deploy key.');
    expect(result.findings[0]!.evidence.join('\n')).toContain('access via a deployment key is read-only');
  });

  it('ssh.read-only: the account of the key may read but not push', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup();
    fake.authorize(key.publicLine, { kind: 'personal', access: 'read' });
    expect((await diagnoseSsh(home.context(), repo)).codes).toEqual(['ssh.read-only']);
  });

  it('ssh.repo-not-found: wrong repository path', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup({ remote: `git@${HOST}:acme/widgetz.git` });
    fake.authorize(key.publicLine, { kind: 'personal' });
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.repo-not-found']);
    expect(result.findings[0]!.evidence.join('\n')).toContain('conq: repository does not exist.');
  });

  it('ssh.unreachable: connection refused', async () => {
    await makeKey(home);
    const port = await refusedPort();
    await home.writeSshConfig(hostBlock(HOST, port, path.join(home.sshDir, 'id_ed25519')));
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', REMOTE], repo);
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.unreachable']);
    expect(result.findings[0]!.title).toContain(`connection refused by 127.0.0.1 port ${port}`);
  });

  it('ssh.unreachable: a server that accepts TCP and never answers times out, without hanging', async () => {
    await makeKey(home);
    server = await startFakeBitbucketSsh({ mode: 'silent' });
    await home.writeSshConfig(hostBlock(HOST, server.port, path.join(home.sshDir, 'id_ed25519')));
    await trustHost(home, server);
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', REMOTE], repo);
    const result = await diagnoseSsh(home.context({ timeoutMs: 3000 }), repo);
    expect(result.codes).toEqual(['ssh.unreachable']);
    expect(result.findings[0]!.title).toMatch(/timed out after 2 s/);
  });

  it('remote.legacy-ssh-host: live evidence when bitbucket.org no longer answers SSH after the move date', async () => {
    await makeKey(home);
    const port = await refusedPort();
    await home.writeSshConfig(hostBlock('bitbucket.org', port, path.join(home.sshDir, 'id_ed25519')));
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'git@bitbucket.org:acme/widgets.git'], repo);
    const result = await diagnoseSsh(home.context({ now: () => new Date('2026-11-27T10:00:00Z') }), repo);
    expect(result.codes).toEqual(['remote.legacy-ssh-host']);
    expect(result.findings[0]!.evidence.join('\n')).toContain('Connection refused');
  });

  it('ssh.command-not-found: core.sshCommand names a program that does not exist', async () => {
    const { repo } = await cloudSetup();
    await home.git(['config', 'core.sshCommand', 'no-such-ssh-program -F /dev/null'], repo);
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.command-not-found']);
    expect(result.findings[0]!.title).toContain('no-such-ssh-program');
    expect(byId(result.checks, 'ssh.auth')?.status).toBe('skipped');
  });

  it('uses a key the agent holds unlocked although the file on disk is encrypted', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const agent = await startAgent(home);
    cleanups.push(() => agent.stop());
    await agent.add(key.path);
    // now lock the file: only the agent's copy is usable
    await promisify(execFile)('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'locked now', '-f', key.path]);
    const ctx = home.context();
    ctx.env.SSH_AUTH_SOCK = agent.socket;
    const result = await diagnoseSsh(ctx, repo);
    expect(result.codes).toEqual(['ssh.ok']);
    expect(byId(result.checks, 'ssh.agent')?.summary).toBe('the agent holds 1 key');
    expect(byId(result.checks, 'ssh.keys')?.summary).toContain('passphrase-protected');
  });

  it('trusts a new host by itself when the user set StrictHostKeyChecking accept-new, without writing known_hosts', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloudSetup({ trust: false, extra: ['StrictHostKeyChecking accept-new'] });
    fake.authorize(key.publicLine, { kind: 'personal' });
    await writeFile(path.join(home.sshDir, 'known_hosts'), '');
    const before = await snapshotTree(home.dir);
    const result = await diagnoseSsh(home.context(), repo);
    expect(result.codes).toEqual(['ssh.ok']);
    expect(byId(result.checks, 'ssh.known-hosts')?.summary).toContain('trust a new host key by itself');
    expect(await snapshotTree(home.dir)).toEqual(before);
  });

  it('offline: no probes, local findings only', async () => {
    await makeKey(home, 'id_ed25519', { mode: 0o640 });
    const { repo } = await cloudSetup({ trust: false });
    await writeFile(path.join(home.sshDir, 'known_hosts'), '');
    const result = await diagnoseSsh(home.context(), repo, 'origin', { offline: true });
    expect(result.codes.sort()).toEqual(['ssh.host-unknown', 'ssh.key-permissions']);
    expect(byId(result.checks, 'ssh.auth')?.status).toBe('skipped');
    expect(byId(result.checks, 'ssh.write')?.status).toBe('skipped');
    expect(server!.commands).toEqual([]);
  });
});

describe('Data Center', () => {
  const DC_HOST = 'bitbucket.example.com';

  /** A Data Center server (declared with --bitbucket-host) holding proj/repo; origin points at `repoPath`. */
  async function dcSetup(repoPath: string) {
    const key = await makeKey(home);
    server = await startFakeBitbucketSsh({ mode: 'datacenter' });
    await server.createRepo('proj/repo');
    server.authorize(key.publicLine, { kind: 'personal', username: 'jdoe' });
    await home.writeSshConfig(hostBlock(DC_HOST, server.port, key.path));
    await trustHost(home, server, DC_HOST);
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', `ssh://git@${DC_HOST}/${repoPath}`], repo);
    return diagnoseSsh(home.context({ bitbucketHosts: [DC_HOST] }), repo);
  }

  it('logs in with whoami (no shell) and pushes', async () => {
    const result = await dcSetup('proj/repo.git');
    expect(result.codes).toEqual(['ssh.ok']);
    expect(byId(result.checks, 'ssh.auth')?.summary).toBe('whoami answered jdoe');
    expect(server!.commands).toContain('whoami');
    expect(server!.commands).not.toContain('shell');
  });

  it('repo-not-found from the Data Center message', async () => {
    expect((await dcSetup('proj/missing.git')).codes).toEqual(['ssh.repo-not-found']);
  });
});
