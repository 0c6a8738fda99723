import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { listJournal, undoLast } from '../../app/fix/undo.js';
import { applyFix, describeFix, fixHistory, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { hashHostName } from '../../app/ssh/known-hosts.js';
import type { TestHome } from '../support/home.js';
import { useSshFixHarness } from '../support/ssh-fix-harness.js';
import { CLOUD_HOST, hostBlock, makeKey, type CloudScenarioOptions, type TestKey } from '../support/ssh-scenario.js';
import { snapshotTree, textUnder } from '../support/tree.js';

const exec = promisify(execFile);
const PASSPHRASE = 'plum-kettle-orbit-9';

const h = useSshFixHarness('ssh-fixes-');
let home: TestHome;
let ctx: EngineContext;
beforeEach(() => {
  home = h.home;
  ctx = h.ctx;
});

/** The user's files (the agent's socket is not a file). */
const userTree = () => snapshotTree(home.dir, { exclude: [h.agentSocketPath()] });
const sshConfig = () => path.join(home.sshDir, 'config');
const knownHosts = () => path.join(home.sshDir, 'known_hosts');
const cloud = (options: CloudScenarioOptions = {}) => h.cloud(options);
const agent = () => h.agent();

/** The real OpenSSH client, never prompting, through the home's ssh config. */
async function sshLogin(extra: string[] = []): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await exec('ssh', ['-F', sshConfig(), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...extra, '-T', `git@${CLOUD_HOST}`], { env: home.env });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    return { ok: false, output: e.stdout + e.stderr };
  }
}

/** Fingerprints the agent holds (ssh-add -l). */
async function agentList(socket: string): Promise<string[]> {
  let out: string;
  try {
    out = (await exec('ssh-add', ['-l', '-E', 'sha256'], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket } })).stdout;
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  return [...out.matchAll(/SHA256:\S+/g)].map((m) => m[0]);
}

async function fingerprint(key: TestKey): Promise<string> {
  return (await exec('ssh-keygen', ['-lf', `${key.path}.pub`])).stdout.split(' ')[1]!;
}

describe('ssh.add-key-to-agent', () => {
  it('unlocks a passphrase-protected key in the running agent: ssh -T then logs in with BatchMode; undo takes it out again', async () => {
    const key = await makeKey(home, 'id_ed25519', { passphrase: PASSPHRASE });
    const { server: fake, repo } = await cloud();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const running = await agent();
    ctx.env.SSH_AUTH_SOCK = running.socket;
    const before = await userTree();
    expect((await sshLogin()).output).toContain('Permission denied (publickey)');

    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.add-key-to-agent', scope);
    expect(plan).toMatchObject({ applicable: true, inputs: ['passphrase'], changes: [{ target: `ssh-agent (${running.socket})` }] });
    expect(plan.changes[0]!.action).toContain(await fingerprint(key));

    expect(await applyFix(ctx, 'ssh.add-key-to-agent', scope)).toMatchObject({ applied: false, message: 'This fix needs: passphrase.' });
    const wrong = await applyFix(ctx, 'ssh.add-key-to-agent', scope, { passphrase: 'not the passphrase' });
    expect(wrong.applied).toBe(false);
    expect(wrong.message).toMatch(/cannot be unlocked: .*incorrect passphrase/);
    expect(await agentList(running.socket)).toEqual([]);

    const applied = await applyFix(ctx, 'ssh.add-key-to-agent', scope, { passphrase: PASSPHRASE });
    expect(applied).toMatchObject({ applied: true, changed: [`ssh-agent ${running.socket}: key ${await fingerprint(key)}`] });
    expect(await agentList(running.socket)).toContain(await fingerprint(key));
    const login = await sshLogin();
    expect(login).toMatchObject({ ok: true });
    expect(login.output).toContain('authenticated via ssh key.');
    expect(await userTree()).toEqual(before); // the agent changed, no file did

    expect(await applyFix(ctx, 'ssh.add-key-to-agent', scope, { passphrase: PASSPHRASE })).toMatchObject({ applied: true, changed: [] });
    const privateKey = await readFile(key.path, 'utf8');
    for (const leak of [JSON.stringify(applied), JSON.stringify(plan), wrong.message, await textUnder(ctx.stateDir)]) {
      expect(leak).not.toContain(PASSPHRASE);
      expect(leak).not.toContain(privateKey.split('\n')[1]);
    }

    expect(await undoLastFix(ctx)).toMatchObject({ undone: true, fixId: 'ssh.add-key-to-agent' });
    expect(await agentList(running.socket)).toEqual([]);
    expect((await sshLogin()).ok).toBe(false);
    expect(await userTree()).toEqual(before);
  });

  it("uses the agent ssh is configured to use (IdentityAgent), not SSH_AUTH_SOCK", async () => {
    const key = await makeKey(home, 'id_ed25519', { passphrase: PASSPHRASE });
    const running = await agent();
    const { server: fake, repo } = await cloud({ extra: [`IdentityAgent ${running.socket}`] });
    fake.authorize(key.publicLine, { kind: 'personal' });
    delete ctx.env.SSH_AUTH_SOCK;
    const result = await applyFix(ctx, 'ssh.add-key-to-agent', await resolveFixScope(ctx, repo), { passphrase: PASSPHRASE });
    expect(result.applied).toBe(true);
    expect(await agentList(running.socket)).toContain(await fingerprint(key));
    expect((await sshLogin()).ok).toBe(true);
  });

  it('without an agent it does not apply, and says how to start one and how AddKeysToAgent helps', async () => {
    await makeKey(home, 'id_ed25519', { passphrase: PASSPHRASE });
    const { repo } = await cloud();
    delete ctx.env.SSH_AUTH_SOCK;
    const plan = await describeFix(ctx, 'ssh.add-key-to-agent', await resolveFixScope(ctx, repo));
    expect(plan).toMatchObject({ applicable: false, reason: expect.stringContaining('SSH_AUTH_SOCK is not set') });
    expect(plan.manualSteps.join('\n')).toMatch(/ssh-agent -s/);
    expect(plan.manualSteps.join('\n')).toMatch(/ssh\.configure-host: with "AddKeysToAgent yes"/);
  });

  it('a change that died after ssh-add is rolled back by the next run: the key leaves the agent', async () => {
    const key = await makeKey(home);
    const running = await agent();
    const script = fileURLToPath(new URL('./support/crashing-agent-change.ts', import.meta.url));
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, home.dir, h.stateRoot, running.socket, key.path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && child.kill('SIGKILL'));
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(err))));
    });
    expect(await agentList(running.socket)).toContain(await fingerprint(key));
    // The next run (here: an undo) finds the dead change and puts the agent back as it was.
    expect(await undoLast(ctx)).toMatchObject({ undone: false, message: 'Nothing to undo.' });
    expect(await agentList(running.socket)).toEqual([]);
    expect(await listJournal(ctx)).toEqual([]);
  });
});

describe('ssh.fix-key-permissions', () => {
  it('fixes a key configured outside ~/.ssh, found through ssh -G', async () => {
    const dir = path.join(home.dir, 'keys', 'work');
    await mkdir(dir, { recursive: true });
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'bitbucket')]);
    const keyPath = path.join(dir, 'bitbucket');
    await chmod(keyPath, 0o644);
    const { repo } = await cloud({ identity: keyPath });
    const before = await userTree();
    const scope = await resolveFixScope(ctx, repo);
    expect(scope.keyPaths).toEqual([keyPath]);
    const result = await applyFix(ctx, 'ssh.fix-key-permissions', scope);
    expect(result).toMatchObject({ applied: true, changed: [keyPath] });
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    await undoLastFix(ctx);
    expect(await userTree()).toEqual(before);
  });
});

describe('ssh.configure-host', () => {
  it("edits the config file git's ssh command reads (-F), picks the key Bitbucket accepts, keeps every other byte, is idempotent and undoable", async () => {
    const key = await makeKey(home);
    const stale = await makeKey(home, 'id_old'); // offered first, not registered
    const { server: fake, repo } = await cloud({ identity: null });
    fake.authorize(key.publicLine, { kind: 'personal' });
    // The user's ssh command reads its own file (CRLF line ends); ~/.ssh/config is not it.
    const mapping = await readFile(sshConfig(), 'utf8');
    const alt = path.join(home.dir, 'dotfiles', 'ssh config');
    await mkdir(path.dirname(alt));
    const original = [
      '# my ssh config',
      `Include ${home.sshDir}/conf.d/*`,
      '',
      'Host github.com',
      '\tIdentityFile ~/.ssh/github',
      '',
      `Host ${CLOUD_HOST}`,
      '  HostName 127.0.0.1',
      `  Port ${fake.port}`,
      `  HostKeyAlias ${CLOUD_HOST}`,
      '',
      'Match host *.example.com',
      '  User deploy',
      '',
      'Host *',
      `  UserKnownHostsFile ${knownHosts()}`,
      '  GlobalKnownHostsFile /dev/null',
      `  IdentityFile ${stale.path}`,
      `  IdentityFile ${key.path}`,
      '',
    ].join('\r\n');
    await writeFile(alt, original, { mode: 0o640 });
    await home.git(['config', 'core.sshCommand', `ssh -F '${alt}'`], repo);
    const before = await userTree();

    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.configure-host', scope);
    expect(plan.applicable).toBe(true);
    expect(plan.changes).toEqual([{ target: alt, action: `Update the "Host ${CLOUD_HOST}" block: IdentityFile ${key.path}, IdentitiesOnly yes, AddKeysToAgent yes, User git` }]);
    expect(plan.details[0]).toBe(`Key: ${key.path} (${await fingerprint(key)}): ${CLOUD_HOST} accepted this key (ssh -v).`);

    const applied = await applyFix(ctx, 'ssh.configure-host', scope);
    expect(applied).toMatchObject({ applied: true, changed: [alt] });
    const block = ['User git', `IdentityFile ${key.path}`, 'IdentitiesOnly yes', 'AddKeysToAgent yes'].map((l) => `  ${l}`).join('\r\n');
    expect(await readFile(alt, 'utf8')).toBe(original.replace(`HostKeyAlias ${CLOUD_HOST}`, `HostKeyAlias ${CLOUD_HOST}\r\n${block}`));
    expect((await stat(alt)).mode & 0o777).toBe(0o640);
    expect(await readFile(sshConfig(), 'utf8')).toBe(mapping);
    const g = (await exec('ssh', ['-F', alt, '-G', CLOUD_HOST])).stdout;
    expect(g).toMatch(new RegExp(`^identityfile ${key.path}$`, 'm'));
    expect(g).toContain('identitiesonly yes');

    const afterFirst = await userTree();
    expect(await applyFix(ctx, 'ssh.configure-host', scope)).toMatchObject({ applied: true, changed: [] });
    expect(await userTree()).toEqual(afterFirst);
    expect(await undoLastFix(ctx)).toMatchObject({ undone: true });
    expect(await userTree()).toEqual(before);
  });

  it('creates the config file (0600) and its folder (0700) when they do not exist yet', async () => {
    const key = await makeKey(home);
    const { repo } = await cloud();
    const alt = path.join(home.dir, 'cfg', 'config');
    await home.git(['config', 'core.sshCommand', `ssh -F ${alt}`], repo);
    const before = await userTree();
    const result = await applyFix(ctx, 'ssh.configure-host', await resolveFixScope(ctx, repo));
    expect(result).toMatchObject({ applied: true, changed: [path.dirname(alt), alt] });
    expect(await readFile(alt, 'utf8')).toBe(`Host ${CLOUD_HOST}\n  User git\n  IdentityFile ${key.path}\n  IdentitiesOnly yes\n  AddKeysToAgent yes\n`);
    expect((await stat(alt)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(alt))).mode & 0o777).toBe(0o700);
    await undoLastFix(ctx);
    expect(await userTree()).toEqual(before);
  });

  it('names an earlier line that wins in the plan, and when it defeats the change, writes nothing', async () => {
    await makeKey(home);
    const { repo } = await cloud({ identity: null });
    await writeFile(sshConfig(), `IdentitiesOnly no\n${await readFile(sshConfig(), 'utf8')}`);
    const before = await userTree();
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.configure-host', scope);
    expect(plan.details).toContain(`Line 1 of ${sshConfig()} sets IdentitiesOnly for this host before the block: ssh uses the first value it reads (checked with ssh -G after the change).`);
    const result = await applyFix(ctx, 'ssh.configure-host', scope);
    expect(result.applied).toBe(false);
    expect(result.message).toContain('ssh -G says IdentitiesOnly no (an earlier line wins)');
    expect(result.message).toContain('Everything was put back as it was.');
    expect(await userTree()).toEqual(before);
    expect(await fixHistory(ctx)).toEqual([]);
  });
});

describe('ssh.trust-host-keys', () => {
  async function trustSetup(options: { knownHosts?: string | null } = {}) {
    const key = await makeKey(home);
    const scenario = await cloud({ trust: false });
    scenario.server.authorize(key.publicLine, { kind: 'personal' });
    if (options.knownHosts !== null) await writeFile(knownHosts(), options.knownHosts ?? '');
    const keysServer = await h.publishHostKeys(h.listOf(scenario.server));
    return { ...scenario, keysServer, scope: await resolveFixScope(ctx, scenario.repo) };
  }

  it('adds the keys of the published list fetched over verified TLS, lists their fingerprints, is idempotent and undoable', async () => {
    const { server: fake, keysServer, scope } = await trustSetup({ knownHosts: null });
    const before = await userTree();
    expect((await sshLogin()).output).toContain(`No ED25519 host key is known for ${CLOUD_HOST}`);

    const plan = await describeFix(ctx, 'ssh.trust-host-keys', scope);
    expect(plan.applicable).toBe(true);
    expect(plan.changes).toEqual([{ target: knownHosts(), action: `Create it (mode 600) and add 2 published host keys for ${CLOUD_HOST}` }]);
    expect(plan.details[0]).toBe(`Trusts only: ${fake.hostKeys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}.`);
    expect(plan.details[1]).toBe(`Source: Bitbucket's published host keys, fetched over verified HTTPS from ${keysServer.source.url}.`);

    const applied = await applyFix(ctx, 'ssh.trust-host-keys', scope);
    expect(applied).toMatchObject({ applied: true, changed: [knownHosts()] });
    expect(await readFile(knownHosts(), 'utf8')).toBe(fake.hostKeys.map((k) => `${CLOUD_HOST} ${k.line}\n`).join(''));
    expect((await stat(knownHosts())).mode & 0o777).toBe(0o600);
    expect((await sshLogin()).ok).toBe(true);

    const afterFirst = await userTree();
    expect(await applyFix(ctx, 'ssh.trust-host-keys', scope)).toMatchObject({ applied: true, changed: [] });
    expect(await userTree()).toEqual(afterFirst);
    await undoLastFix(ctx);
    expect(await userTree()).toEqual(before);
  });

  it("refuses a server whose key the published list does not hold, and changes nothing", async () => {
    const { keysServer, scope } = await trustSetup();
    keysServer.lines = PUBLISHED_HOST_KEYS.map((k) => `bitbucket.org ${k.type} ${k.key}`);
    const before = await userTree();
    const result = await applyFix(ctx, 'ssh.trust-host-keys', scope);
    expect(result.applied).toBe(false);
    expect(result.message).toMatch(/the server ssh\.bitbucket\.org presents ssh-ed25519 SHA256:\S+, which is not one Bitbucket publishes; it was not trusted/);
    expect(result.message).toContain('Everything was put back as it was.');
    expect(await userTree()).toEqual(before);
    expect(await fixHistory(ctx)).toEqual([]);
  });

  it('never uses a list whose TLS certificate does not verify: the built-in fingerprints apply (and refuse the fake server)', async () => {
    const { keysServer, scope } = await trustSetup();
    ctx.publishedHostKeys = keysServer.untrustedSource;
    const plan = await describeFix(ctx, 'ssh.trust-host-keys', scope);
    expect(plan.details[0]).toBe(`Trusts only: ${PUBLISHED_HOST_KEYS.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}.`);
    expect(plan.details[1]).toMatch(/built into Push Doctor \(https:\/\/127\.0\.0\.1:\d+\/site\/ssh could not be fetched: .*(certificate|self.signed|issuer)/i);
    const before = await userTree();
    expect((await applyFix(ctx, 'ssh.trust-host-keys', scope)).applied).toBe(false);
    expect(await userTree()).toEqual(before);
  });

  it("removes Bitbucket's retired RSA key (plain and hashed) for the host and keeps every other line byte for byte", async () => {
    const retired = RETIRED_HOST_KEYS[0]!;
    const current = PUBLISHED_HOST_KEYS[0]!;
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const lines = [
      '# hosts I trust',
      `github.com ssh-ed25519 ${other}`,
      `${CLOUD_HOST},104.192.141.1 ${retired.type} ${retired.key}`,
      `${hashHostName(CLOUD_HOST, Buffer.alloc(20, 1))} ${retired.type} ${retired.key}`,
      `${hashHostName('bitbucket.org', Buffer.alloc(20, 2))} ${retired.type} ${retired.key}`,
      `@revoked * ${retired.type} ${retired.key}`,
      '',
      `gitlab.com ${current.type} ${current.key}`,
    ];
    const original = lines.join('\n');
    const { server: fake, keysServer, scope } = await trustSetup({ knownHosts: original });
    keysServer.lines = [...h.listOf(fake), ...PUBLISHED_HOST_KEYS.map((k) => `bitbucket.org ${k.type} ${k.key}`)];
    const plan = await describeFix(ctx, 'ssh.trust-host-keys', scope);
    expect(plan.changes.slice(0, 2)).toEqual([
      { target: knownHosts(), action: `Remove line 3: ssh-rsa ${retired.fingerprint} for ${CLOUD_HOST} (the key Bitbucket retired)` },
      { target: knownHosts(), action: `Remove line 4: ssh-rsa ${retired.fingerprint} for ${CLOUD_HOST} (the key Bitbucket retired)` },
    ]);

    expect((await applyFix(ctx, 'ssh.trust-host-keys', scope)).applied).toBe(true);
    const added = [...fake.hostKeys.map((k) => k.line), ...PUBLISHED_HOST_KEYS.map((k) => `${k.type} ${k.key}`)].map((l) => `${CLOUD_HOST} ${l}`);
    const expected = [lines[0], lines[1], `104.192.141.1 ${retired.type} ${retired.key}`, lines[4], lines[5], lines[6], lines[7], ...added].join('\n');
    expect(await readFile(knownHosts(), 'utf8')).toBe(`${expected}\n`);
    expect((await sshLogin()).ok).toBe(true);
  });

  it('Data Center: does not apply, and says how to check the fingerprint with the admin', async () => {
    const dcHost = 'bitbucket.example.com';
    await makeKey(home);
    await home.writeSshConfig(hostBlock(dcHost, 7999, path.join(home.sshDir, 'id_ed25519')));
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', `ssh://git@${dcHost}:7999/proj/repo.git`], repo);
    const plan = await describeFix(ctx, 'ssh.trust-host-keys', await resolveFixScope(ctx, repo));
    expect(plan).toMatchObject({ applicable: false, reason: expect.stringContaining('is not Bitbucket Cloud') });
    expect(plan.manualSteps.join('\n')).toContain('ssh-keyscan -p 7999 127.0.0.1 | ssh-keygen -lf -');
  });
});
