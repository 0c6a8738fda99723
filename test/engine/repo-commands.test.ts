/**
 * Repository trust against real git: a repository whose own .git/config names an ssh command and a
 * `!` credential helper (scripts that leave a marker file when they run). Until the repository is
 * trusted, neither runs: not in a diagnosis, an offline one, a re-test, a fix or SSH verification,
 * and not even when git itself is run in the repository. Once trusted, both run.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { testRepos } from '../../app/diagnose/test-repos.js';
import { git } from '../../app/git/git.js';
import { noRepoCommands, readRepoCommands, repoGuard, RepoCommandGate } from '../../app/repo/repo-commands.js';
import { engineServices } from '../../app/service/engine-wiring.js';
import { startFakeBitbucketHttp, type FakeBitbucketHttp } from '../support/bitbucket-http.js';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { createHome, type TestHome } from '../support/home.js';
import { routeBitbucketTo } from '../support/https-home.js';
import { markerCommand, markingHelper, markingSshCommand, timesRun, type MarkerCommand } from '../support/repo-commands.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';

const TOKEN = 'ATATT3xFfGF0TrustTestToken_Aa1Bb2Cc3Dd4Ee5Ff6Gg7=7A8B9C0D';

let home: TestHome;
let ssh: FakeBitbucketSsh;
let http: FakeBitbucketHttp;
let repo: string;
let sshCommand: MarkerCommand;
let helper: MarkerCommand;

beforeEach(async () => {
  home = await createHome();
  const scenario = await startCloudScenario(home);
  ssh = scenario.server;
  repo = scenario.repo;
  ssh.authorize((await makeKey(home)).publicLine, { kind: 'personal' });
  http = await startFakeBitbucketHttp({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
  await routeBitbucketTo(home, http);
  await home.git(['remote', 'add', 'bb', 'https://bitbucket.org/acme/widgets.git'], repo);
  // The stranger's settings, in the repository's own config.
  sshCommand = await markingSshCommand(home);
  helper = await markingHelper(home);
  await home.git(['config', 'core.sshCommand', sshCommand.script], repo);
  await home.git(['config', 'credential.helper', `!${helper.script}`], repo);
});
afterEach(async () => {
  await Promise.all([ssh.stop(), http.stop()]);
  await home.cleanup();
});

const untrusted = (): EngineContext => home.context({ repoCommands: noRepoCommands() });
const trusted = (): EngineContext => home.context({ repoCommands: new RepoCommandGate(() => true) });

async function expectNeverRan(): Promise<void> {
  expect(await timesRun(sshCommand)).toBe(0);
  expect(await timesRun(helper)).toBe(0);
}

describe('the commands a repository names', () => {
  it("are found with the file they are written in; the user's own settings are not theirs", async () => {
    const included = path.join(home.dir, 'shared.gitconfig');
    await writeFile(included, `[remote "evil"]\n\treceivepack = ${helper.script}\n`);
    await home.git(['config', 'include.path', included], repo);
    await home.git(['config', '--global', 'credential.https://example.com.helper', 'store']);
    const commands = await readRepoCommands(home.context(), repo);
    const config = path.join(repo, '.git', 'config');
    expect(commands.map(({ kind, key, command, file }) => ({ kind, key, command, file }))).toEqual([
      { kind: 'ssh-command', key: 'core.sshcommand', command: sshCommand.script, file: config },
      { kind: 'credential-helper', key: 'credential.helper', command: helper.script, file: config },
      { kind: 'transport-command', key: 'remote.evil.receivepack', command: helper.script, file: included },
    ]);
    expect(new Set(commands.map((c) => c.id)).size).toBe(3);

    // GIT_SSH_COMMAND wins over core.sshCommand: git would never run the repository's.
    home.env.GIT_SSH_COMMAND = 'ssh';
    expect((await readRepoCommands(home.context(), repo)).map((c) => c.kind)).not.toContain('ssh-command');
  });

  it('mask a password written into a helper', async () => {
    await home.git(['config', 'credential.helper', '!f() { echo username=jdoe; echo password=hunter2-secret-value; }; f'], repo);
    const commands = await readRepoCommands(home.context(), repo);
    expect(JSON.stringify(commands)).not.toContain('hunter2');
    expect(commands.at(-1)!.command).toContain('password=•••••');
  });
});

describe('until the repository is trusted', () => {
  it('a diagnosis runs neither command: it says which checks wait for trust and why', async () => {
    const report = await diagnose(untrusted(), repo);
    await expectNeverRan();

    const notRun = report.findings.find((f) => f.code === 'repo.commands-not-run');
    expect(notRun).toMatchObject({ severity: 'warning', remote: null });
    expect(notRun!.evidence).toEqual([
      `core.sshcommand = ${sshCommand.script} (in ${path.join(repo, '.git', 'config')})`,
      `credential.helper = ${helper.script} (in ${path.join(repo, '.git', 'config')})`,
    ]);
    const check = (id: string, remote: string | null) => report.checks.find((c) => c.id === id && c.remote === remote);
    expect(check('repo.commands', null)).toMatchObject({ status: 'warning', summary: 'not run until you trust this repository: core.sshcommand, credential.helper' });
    expect(check('ssh.command', 'origin')).toMatchObject({ status: 'skipped', summary: `not run: this repository's own core.sshcommand (in ${path.join(repo, '.git', 'config')}) runs only once you trust the repository` });
    for (const id of ['ssh.keys', 'ssh.agent', 'ssh.known-hosts', 'ssh.auth', 'ssh.write']) {
      expect(check(id, 'origin')).toMatchObject({ status: 'skipped', summary: "not run: it needs the repository's own core.sshcommand" });
    }
    expect(check('https.helpers', 'bb')?.status).not.toBe('skipped');
    for (const id of ['https.credential', 'https.read', 'https.write']) {
      expect(check(id, 'bb')).toMatchObject({ status: 'skipped', summary: expect.stringContaining("not run: this repository's own credential.helper") });
    }
    // Nothing reached Bitbucket: no probe could have run without those commands.
    expect(ssh.commands).toEqual([]);
    expect(http.requests).toEqual([]);
    expect(report.verdict).toBe('unknown');
  });

  it('an offline diagnosis and the tray re-test run neither', async () => {
    await diagnose(untrusted(), repo, { offline: true });
    const [result] = await testRepos(untrusted(), [repo]);
    await expectNeverRan();
    expect(result).toMatchObject({ status: 'error', summary: 'Not tested: it names commands of its own that you have not trusted', codes: ['repo.commands-not-run'] });
  });

  it('fixes that would run them refuse, and SSH verification does not start ssh', async () => {
    const engine = engineServices();
    const ctx = untrusted();
    for (const [fixId, remoteName] of [
      ['credential.clear', 'bb'],
      ['credential.save-token', 'bb'],
      ['credential.use-secure-helper', 'bb'],
      ['ssh.trust-host-keys', 'origin'],
      ['ssh.configure-host', 'origin'],
    ] as const) {
      const plan = await engine.describeFix(ctx, { repoRoot: repo, remoteName }, fixId);
      expect(plan, fixId).toMatchObject({ applicable: false, reason: expect.stringContaining('only once you trust the repository') });
      const applied = await engine.applyFix(ctx, { repoRoot: repo, remoteName }, fixId, { username: 'jdoe', token: TOKEN });
      expect(applied, fixId).toMatchObject({ applied: false, message: expect.stringContaining('only once you trust the repository') });
    }
    expect(await engine.verifySsh(ctx, repo, 'origin')).toMatchObject({ ok: false, message: expect.stringMatching(/^Not tested: this repository's own core\.sshcommand/) });
    await expectNeverRan();
    expect(ssh.commands).toEqual([]);
  });

  it('git itself, run in the repository, neither runs them nor anything else the repository names', async () => {
    const bare = path.join(home.dir, 'bare.git');
    await home.git(['init', '-q', '--bare', bare]);
    const receivepack = await markerCommand(home, 'receivepack');
    const ext = await markerCommand(home, 'ext');
    const fsmonitor = await markerCommand(home, 'fsmonitor');
    await home.git(['remote', 'add', 'local', bare], repo);
    await home.git(['config', 'remote.local.receivepack', receivepack.script], repo);
    await home.git(['remote', 'add', 'evil', `ext::${ext.script} %S`], repo);
    await home.git(['config', 'protocol.ext.allow', 'always'], repo);
    await home.git(['config', 'core.fsmonitor', fsmonitor.script], repo);
    const all = [sshCommand, helper, receivepack, ext, fsmonitor];

    const runAll = async (ctx: EngineContext) => {
      await repoGuard(ctx, repo);
      const listed = await git(ctx, ['ls-remote', 'origin', 'HEAD'], { cwd: repo });
      await git(ctx, ['credential', 'fill'], { cwd: repo, input: 'url=https://bitbucket.org/acme/widgets.git\n\n' });
      await git(ctx, ['push', '--dry-run', '--no-verify', 'local', ':refs/heads/x'], { cwd: repo });
      await git(ctx, ['push', '--dry-run', '--no-verify', 'evil', ':refs/heads/x'], { cwd: repo });
      await git(ctx, ['status', '--porcelain'], { cwd: repo });
      return listed;
    };
    const listed = await runAll(untrusted());
    for (const command of all) expect(await timesRun(command), command.script).toBe(0);
    // Neutralised, not broken: the user's own ssh still reaches Bitbucket.
    expect(listed.exitCode).toBe(0);

    // The same calls under git's own behaviour run every one of them: the test above is not vacuous.
    await runAll(home.context());
    for (const command of all) expect(await timesRun(command), command.script).toBeGreaterThan(0);
  });
});

describe('once the repository is trusted', () => {
  it('a diagnosis runs its ssh command and its helper, as git would', async () => {
    const report = await diagnose(trusted(), repo);
    expect(await timesRun(sshCommand)).toBeGreaterThan(0);
    expect(await timesRun(helper)).toBeGreaterThan(0);
    expect(report.findings.map((f) => f.code)).not.toContain('repo.commands-not-run');
    expect(report.checks.find((c) => c.id === 'repo.commands')).toMatchObject({ status: 'ok', summary: 'you trusted this repository to run core.sshcommand, credential.helper' });
    expect(report.findings.find((f) => f.remote === 'origin')).toMatchObject({ code: 'ssh.ok' });
  });

  it('trust given to other commands does not cover new ones', async () => {
    const first = await readRepoCommands(home.context(), repo);
    const gate = new RepoCommandGate((_root, commands) => commands.every((c) => first.some((f) => f.id === c.id)));
    await home.git(['config', 'core.sshCommand', `${sshCommand.script} -v`], repo);
    await diagnose(home.context({ repoCommands: gate }), repo);
    expect(await timesRun(sshCommand)).toBe(0);
  });
});
