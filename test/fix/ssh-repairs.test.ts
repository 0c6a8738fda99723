/**
 * Each broken SSH setup of the diagnosis tests, repaired the way a user would: diagnose → apply the
 * fix the finding offers (engine applyFix, or the real `push-doctor fix` CLI) → diagnose again →
 * a real `git push` over SSH to the fake Bitbucket → undo → the home is byte-identical.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { Finding } from '../../app/contract/report.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { applyFix, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { runPushDoctor, type CliRun } from '../support/cli.js';
import type { TestHome } from '../support/home.js';
import { useSshFixHarness } from '../support/ssh-fix-harness.js';
import { CLOUD_HOST, makeKey, type CloudScenarioOptions } from '../support/ssh-scenario.js';
import { emptySshHome, walkSshPath, type EmptySshHome } from '../support/ssh-path.js';
import { snapshotTree, textUnder } from '../support/tree.js';

const exec = promisify(execFile);
const PASSPHRASE = 'tangerine-lighthouse-42';

const h = useSshFixHarness('ssh-repairs-');
let home: TestHome;
let ctx: EngineContext;
let emptyHome: EmptySshHome | null = null;
beforeEach(() => {
  home = h.home;
  ctx = h.ctx;
  h.onCleanup(async () => {
    await emptyHome?.stop();
    emptyHome = null;
  });
});

const cloud = (options: CloudScenarioOptions = {}) => h.cloud(options);
/** The fake server's host keys as Bitbucket's published list (reached through the engine's seam). */
const publishServerKeys = (fake: FakeBitbucketSsh) => h.publishHostKeys(h.listOf(fake));

/**
 * The home as the user sees it. A real push updates the repository's remote-tracking refs, which
 * no fix touches, so the repository's .git folder is compared through its config file only.
 */
async function homeState(repo: string): Promise<Record<string, string>> {
  const tree = await snapshotTree(home.dir, { exclude: [h.agentSocketPath(), path.join(repo, '.git')] });
  const config = await readFile(path.join(repo, '.git', 'config'));
  return { ...tree, '.git/config': createHash('sha256').update(config).digest('hex') };
}

async function findings(repo: string): Promise<Finding[]> {
  return (await diagnose(ctx, repo)).findings;
}

async function expectOnlyOk(repo: string): Promise<void> {
  const report = await diagnose(ctx, repo);
  expect(report.findings.map((f) => f.code)).toEqual(['ssh.ok']);
  expect(report.verdict).toBe('ok');
}

/** A real `git push` over SSH (git's own ssh command, the user's agent): a new branch on the fake server. */
async function push(repo: string, fake: FakeBitbucketSsh, branch: string): Promise<void> {
  await exec('git', ['push', '-q', 'origin', `HEAD:refs/heads/${branch}`], { cwd: repo, env: { ...home.env, GIT_TERMINAL_PROMPT: '0' } });
  const remote = (await exec('git', ['--git-dir', path.join(fake.reposDir, 'acme/widgets.git'), 'rev-parse', `refs/heads/${branch}`])).stdout.trim();
  expect(remote).toBe((await home.git(['rev-parse', 'HEAD'], repo)).trim());
}

/** Undo until the journal is empty (one fix per call, newest first). */
async function undoAll(): Promise<string[]> {
  const undone: string[] = [];
  for (;;) {
    const result = await undoLastFix(ctx);
    if (!result.undone) {
      expect(result.message).toBe('Nothing to undo.');
      return undone;
    }
    undone.push(result.fixId!);
  }
}

const cli = (args: string[], input?: string): Promise<CliRun> => runPushDoctor(args, { env: home.env, input });

const fixIds = (f: Finding | undefined) => f?.fixes.map((x) => x.id);

describe('SSH repairs, diagnosis to push to undo', () => {
  it('ssh.no-key → ssh.generate-key (+ the public key added in Bitbucket)', async () => {
    const { server: fake, repo } = await cloud();
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.no-key');
    expect(fixIds(found)?.[0]).toBe('ssh.generate-key');

    const result = await applyFix(ctx, 'ssh.generate-key', await resolveFixScope(ctx, repo));
    expect(result.key?.privateKeyPath).toBe(path.join(home.sshDir, 'id_ed25519'));
    fake.authorize(result.key!.publicKey, { kind: 'personal' }); // the user pastes it into Bitbucket
    await expectOnlyOk(repo);
    await push(repo, fake, 'no-key');

    expect(await undoAll()).toEqual(['ssh.generate-key']);
    expect(await homeState(repo)).toEqual(before);
  });

  it('ssh.key-permissions → push-doctor fix ssh.fix-key-permissions --yes (CLI), undone with push-doctor undo', async () => {
    const key = await makeKey(home, 'id_ed25519', { mode: 0o644 });
    const { server: fake, repo } = await cloud();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.key-permissions');
    expect(fixIds(found)).toEqual(['ssh.fix-key-permissions']);

    const fixed = await cli(['fix', 'ssh.fix-key-permissions', repo, '--yes', '--json']);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ id: 'ssh.fix-key-permissions', applied: true, changed: [key.path] });
    await expectOnlyOk(repo);
    await push(repo, fake, 'permissions');

    const undone = await cli(['undo', '--json']);
    expect(undone.code).toBe(0);
    expect(JSON.parse(undone.stdout)).toMatchObject({ undone: true, fixId: 'ssh.fix-key-permissions' });
    expect(await homeState(repo)).toEqual(before);
  });

  it('ssh.key-needs-passphrase → push-doctor fix ssh.add-key-to-agent --input-stdin (CLI); no secret in any output or state file', async () => {
    const key = await makeKey(home, 'id_ed25519', { passphrase: PASSPHRASE });
    const { server: fake, repo } = await cloud();
    fake.authorize(key.publicLine, { kind: 'personal' });
    const agent = await h.agent();
    home.env.SSH_AUTH_SOCK = agent.socket;
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.key-needs-passphrase');
    expect(fixIds(found)).toEqual(['ssh.add-key-to-agent']);

    const withoutInput = await cli(['fix', 'ssh.add-key-to-agent', repo, '--yes']);
    expect(withoutInput.code).toBe(1);
    expect(withoutInput.stdout).toContain('This fix needs passphrase');
    const fixed = await cli(['fix', 'ssh.add-key-to-agent', repo, '--yes', '--json', '--input-stdin'], JSON.stringify({ passphrase: PASSPHRASE }));
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ applied: true, changed: [expect.stringMatching(/^ssh-agent .*: key SHA256:/)] });
    const appliedState = await textUnder(h.stateRoot);
    expect(appliedState).toContain('"kind": "agent-key"');
    await expectOnlyOk(repo);
    await push(repo, fake, 'unlocked');

    const privateKey = await readFile(key.path, 'utf8');
    const body = privateKey.split('\n').slice(1, -2).join('');
    const undone = await cli(['undo']);
    expect(undone.code).toBe(0);
    for (const text of [withoutInput.stdout, withoutInput.stderr, fixed.stdout, fixed.stderr, undone.stdout, undone.stderr, appliedState, await textUnder(h.stateRoot)]) {
      expect(text).not.toContain(PASSPHRASE);
      for (const line of privateKey.split('\n').slice(1, -2)) expect(text).not.toContain(line);
      expect(text).not.toContain(body.slice(0, 40));
    }
    expect(await findings(repo).then((f) => f[0]?.code)).toBe('ssh.key-needs-passphrase');
    expect(await homeState(repo)).toEqual(before);
  });

  it('ssh.host-unknown → ssh.trust-host-keys', async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloud({ trust: false });
    fake.authorize(key.publicLine, { kind: 'personal' });
    await writeFile(path.join(home.sshDir, 'known_hosts'), '');
    await publishServerKeys(fake);
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.host-unknown');
    expect(fixIds(found)).toEqual(['ssh.trust-host-keys']);

    expect((await applyFix(ctx, 'ssh.trust-host-keys', await resolveFixScope(ctx, repo))).applied).toBe(true);
    await expectOnlyOk(repo);
    await push(repo, fake, 'host-known');

    expect(await undoAll()).toEqual(['ssh.trust-host-keys']);
    expect(await homeState(repo)).toEqual(before);
  });

  it("ssh.host-key-changed (Bitbucket's retired RSA key in known_hosts) → ssh.trust-host-keys", async () => {
    const key = await makeKey(home);
    const { server: fake, repo } = await cloud({ trust: false });
    fake.authorize(key.publicLine, { kind: 'personal' });
    const retired = RETIRED_HOST_KEYS[0]!;
    await writeFile(path.join(home.sshDir, 'known_hosts'), `${CLOUD_HOST} ${retired.type} ${retired.key}\n`);
    await publishServerKeys(fake);
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.host-key-changed');
    expect(fixIds(found)).toEqual(['ssh.trust-host-keys']);

    const result = await applyFix(ctx, 'ssh.trust-host-keys', await resolveFixScope(ctx, repo));
    expect(result.message).toBe(`known_hosts for ${CLOUD_HOST}: added 2 published host keys, removed 1 outdated one; ssh accepts the server's key.`);
    expect(await readFile(path.join(home.sshDir, 'known_hosts'), 'utf8')).not.toContain(retired.key);
    await expectOnlyOk(repo);
    await push(repo, fake, 'host-key-replaced');

    expect(await undoAll()).toEqual(['ssh.trust-host-keys']);
    expect(await homeState(repo)).toEqual(before);
  });

  it('ssh.permission-denied → the key added in Bitbucket (open.ssh-keys-page) + push-doctor fix ssh.configure-host (CLI)', async () => {
    const key = await makeKey(home);
    const old = await makeKey(home, 'id_old');
    // The host block names no key; ssh offers the keys of "Host *", neither registered yet.
    const { server: fake, repo } = await cloud({ identity: null });
    const config = path.join(home.sshDir, 'config');
    await writeFile(config, `${await readFile(config, 'utf8')}  IdentityFile ${old.path}\n  IdentityFile ${key.path}\n`);
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.permission-denied');
    expect(fixIds(found)).toEqual(['open.ssh-keys-page', 'ssh.configure-host', 'ssh.generate-key']);

    fake.authorize(key.publicLine, { kind: 'personal' }); // the user adds id_ed25519.pub on the SSH keys page
    const fixed = await cli(['fix', 'ssh.configure-host', repo, '--yes', '--json']);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ applied: true, changed: [config] });
    expect(await readFile(config, 'utf8')).toContain(`HostKeyAlias ${CLOUD_HOST}\n  User git\n  IdentityFile ${key.path}\n  IdentitiesOnly yes\n  AddKeysToAgent yes\n`);
    await expectOnlyOk(repo);
    await push(repo, fake, 'pinned');
    expect((await cli(['fix', 'ssh.configure-host', repo, '--yes', '--json'])).code).toBe(0); // again: a no-op

    expect((await cli(['undo'])).code).toBe(0);
    expect(await homeState(repo)).toEqual(before);
  });

  it('ssh.deploy-key-read-only → ssh.generate-key (a personal key) + ssh.configure-host', async () => {
    const deploy = await makeKey(home);
    const { server: fake, repo } = await cloud();
    fake.authorize(deploy.publicLine, { kind: 'deploy', repos: ['acme/widgets'] });
    const before = await homeState(repo);
    const [found] = await findings(repo);
    expect(found?.code).toBe('ssh.deploy-key-read-only');
    expect(fixIds(found)).toEqual(['ssh.generate-key', 'open.ssh-keys-page', 'ssh.configure-host']);

    const generated = await applyFix(ctx, 'ssh.generate-key', await resolveFixScope(ctx, repo));
    expect(generated.key?.privateKeyPath).toBe(path.join(home.sshDir, 'id_ed25519_bitbucket'));
    fake.authorize(generated.key!.publicKey, { kind: 'personal' });
    const configured = await applyFix(ctx, 'ssh.configure-host', await resolveFixScope(ctx, repo));
    expect(configured.message).toContain(`ssh now uses ${generated.key!.privateKeyPath} for ${CLOUD_HOST}`);
    await expectOnlyOk(repo);
    await push(repo, fake, 'personal-key');

    expect(await undoAll()).toEqual(['ssh.configure-host', 'ssh.generate-key']);
    expect(await homeState(repo)).toEqual(before);
  });
});

describe('the whole SSH path from nothing', () => {
  it('no key → generate → authorize → host keys → ssh config → remote on SSH → ssh -T greeting → git push; undo gives the home back', async () => {
    emptyHome = await emptySshHome(home);
    const { repo } = emptyHome;
    const before = await homeState(repo);

    const run = await walkSshPath(ctx, home, emptyHome);
    expect(run.generated).toMatchObject({ applied: true, changed: [home.sshDir, path.join(home.sshDir, 'id_ed25519'), path.join(home.sshDir, 'id_ed25519.pub')] });
    expect(run.trusted).toMatchObject({ applied: true, changed: [path.join(home.sshDir, 'known_hosts')] });
    expect(run.configured).toMatchObject({ applied: true, changed: [emptyHome.sshConfig] });
    expect(run.verified).toMatchObject({ ok: true, host: '127.0.0.1', message: 'authenticated via ssh key.' });
    const remote = (await exec('git', ['--git-dir', path.join(emptyHome.server.reposDir, 'acme/widgets.git'), 'rev-parse', `refs/heads/${run.pushedBranch}`])).stdout.trim();
    expect(remote).toBe((await home.git(['rev-parse', 'HEAD'], repo)).trim());

    expect(run.switched).toMatchObject({ applied: true });
    expect((await home.git(['remote', 'get-url', 'origin'], repo)).trim()).toBe('git@ssh.bitbucket.org:acme/widgets.git');
    const undone = await undoAll();
    expect(undone).toEqual(['remote.use-ssh', 'ssh.configure-host', 'ssh.trust-host-keys', 'ssh.generate-key']);
    expect(await homeState(repo)).toEqual(before);
  });
});
