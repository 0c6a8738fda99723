/**
 * The macOS branches of the SSH fixes and of running git, driven through the seams the code uses on
 * a Mac: the platform is "darwin", and a folder of fake tools plays Apple's /usr/bin (an `ssh -V`
 * recorded from Apple's OpenSSH, an ssh-add that logs how it was called, xcode-select, the git
 * stand-in) or Homebrew's bin. The fakes hand the real work to this machine's OpenSSH and git, so
 * diagnosis, the fake Bitbucket and a real push see the files the fixes write: this ssh is not
 * Apple's, exactly like Homebrew's ssh on a Mac.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { stateDirFor, type EngineContext } from '../../app/context.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { appleGitStandInProblem, appleKeychainFlag, inspectOpenSsh, parseSshVersion } from '../../app/env/apple-tools.js';
import { RECORDED_SSH_VERSIONS } from '../../app/facts/macos.js';
import { applyFix, describeFix, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { useSshFixHarness } from '../support/ssh-fix-harness.js';
import { makeKey } from '../support/ssh-scenario.js';

const exec = promisify(execFile);
const h = useSshFixHarness('macos-tools-');
const PASSPHRASE = 'orchard-telescope-17';

async function program(file: string, body: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}`);
  await chmod(file, 0o755);
  return file;
}

/** The real program of this machine (before any fake folder is put on PATH). */
async function real(name: string): Promise<string> {
  return (await exec('sh', ['-c', `command -v ${name}`])).stdout.trim();
}

interface FakeTools {
  dir: string;
  /** Every ssh-add call of these fakes that changes the agent (not the `-l` listings), one line of arguments each. */
  calls(): Promise<string[]>;
}

/**
 * A folder of fake OpenSSH tools: `ssh -V` answers `banner`, everything else (and ssh-add, after
 * logging its arguments and dropping Apple's keychain switches this ssh-add does not know) runs
 * the real program.
 */
async function fakeOpenSsh(dir: string, banner: string): Promise<FakeTools> {
  const log = path.join(dir, 'ssh-add.log');
  await program(path.join(dir, 'ssh'), `if [ "$1" = "-V" ]; then echo '${banner}' >&2; exit 0; fi\nexec '${await real('ssh')}' "$@"\n`);
  await program(path.join(dir, 'ssh-add'), `echo "$*" >> '${log}'\ncase "$1" in --apple-use-keychain|-K) shift ;; esac\nexec '${await real('ssh-add')}' "$@"\n`);
  return { dir, calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((c) => c && !c.startsWith('-l ')) };
}

let ctx: EngineContext;
let apple: FakeTools;
let realPath: string;
beforeEach(async () => {
  realPath = h.home.env.PATH!;
  apple = await fakeOpenSsh(path.join(h.home.dir, 'fake-apple', 'usr', 'bin'), RECORDED_SSH_VERSIONS.appleSequoia);
  // A Mac: Apple's folder on PATH; the engine context says darwin and where "/usr/bin" is.
  h.home.env.PATH = `${apple.dir}:${realPath}`;
  ctx = { ...h.ctx, platform: 'darwin', appleToolsDir: apple.dir };
});

/** Homebrew's OpenSSH first on PATH, as `brew install openssh` leaves it. */
async function homebrewFirst(banner: string = RECORDED_SSH_VERSIONS.homebrew): Promise<FakeTools> {
  const brew = await fakeOpenSsh(path.join(h.home.dir, 'fake-homebrew', 'bin'), banner);
  h.home.env.PATH = `${brew.dir}:${apple.dir}:${realPath}`;
  return brew;
}

describe('ssh -V of Apple and Homebrew (recorded outputs)', () => {
  it('parses the version and the crypto library', () => {
    expect(parseSshVersion(RECORDED_SSH_VERSIONS.appleSequoia)).toEqual({ major: 9, minor: 8, portable: 1, library: 'LibreSSL' });
    expect(parseSshVersion(RECORDED_SSH_VERSIONS.appleTahoe)).toEqual({ major: 10, minor: 2, portable: 1, library: 'LibreSSL' });
    expect(parseSshVersion(RECORDED_SSH_VERSIONS.homebrew)).toEqual({ major: 9, minor: 9, portable: 1, library: 'OpenSSL' });
    expect(parseSshVersion(RECORDED_SSH_VERSIONS.homebrewOld)).toEqual({ major: 8, minor: 1, portable: 1, library: 'OpenSSL' });
    expect(parseSshVersion('Dropbear v2025.88')).toBeNull();
  });

  it("Apple's: LibreSSL and in Apple's folder, on macOS; the keychain switch by version", async () => {
    const build = await inspectOpenSsh(ctx, 'ssh');
    expect(build).toMatchObject({ program: path.join(apple.dir, 'ssh'), banner: RECORDED_SSH_VERSIONS.appleSequoia, apple: true });
    expect(appleKeychainFlag(build)).toBe('--apple-use-keychain');
    expect(appleKeychainFlag({ ...build, version: parseSshVersion(RECORDED_SSH_VERSIONS.appleElCapitan) })).toBe('-K');
    // The same tools on Linux, or the same banner outside Apple's folder: not Apple's.
    expect((await inspectOpenSsh({ ...ctx, platform: 'linux' }, 'ssh')).apple).toBe(false);
    const copy = await fakeOpenSsh(path.join(h.home.dir, 'elsewhere'), RECORDED_SSH_VERSIONS.appleSequoia);
    expect((await inspectOpenSsh(ctx, path.join(copy.dir, 'ssh'))).apple).toBe(false);
  });

  it("Homebrew's first on PATH: not Apple's, no keychain switch", async () => {
    const brew = await homebrewFirst();
    const build = await inspectOpenSsh(ctx, 'ssh-add');
    expect(build).toMatchObject({ program: path.join(brew.dir, 'ssh-add'), banner: RECORDED_SSH_VERSIONS.homebrew, apple: false });
    expect(appleKeychainFlag(build)).toBeNull();
  });
});

describe('ssh.configure-host on a Mac', () => {
  async function setup() {
    const key = await makeKey(h.home);
    // The host block names no key yet: configure-host has something to write.
    const { server, repo } = await h.cloud({ identity: null });
    server.authorize(key.publicLine, { kind: 'personal' });
    const config = path.join(h.home.sshDir, 'config');
    return { key, repo, config, original: await readFile(config, 'utf8') };
  }

  it("Apple's ssh: UseKeychain in the block and IgnoreUnknown UseKeychain first in the file; the real ssh behind the fakes (not Apple's, off a Mac) still reads it, git pushes, undo restores the bytes", async () => {
    const { key, repo, config, original } = await setup();
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.configure-host', scope);
    expect(plan.changes).toEqual([{ target: config, action: `Update the "Host ssh.bitbucket.org" block: IdentityFile ${key.path}, IdentitiesOnly yes, AddKeysToAgent yes, UseKeychain yes, User git; and "IgnoreUnknown UseKeychain" first in the file` }]);
    expect(plan.details.join('\n')).toContain(`git runs Apple's ssh (${RECORDED_SSH_VERSIONS.appleSequoia})`);

    const result = await applyFix(ctx, 'ssh.configure-host', scope);
    expect(result).toMatchObject({ applied: true, changed: [config] });
    // Byte for byte: one line at the top, the block's new lines; every other byte is the user's.
    const alias = '  HostKeyAlias ssh.bitbucket.org\n';
    expect(await readFile(config, 'utf8')).toBe(`IgnoreUnknown UseKeychain\n${original.replace(alias, `${alias}  User git\n  IdentityFile ${key.path}\n  IdentitiesOnly yes\n  AddKeysToAgent yes\n  UseKeychain yes\n`)}`);

    // Off a Mac the real ssh is not Apple's: without the IgnoreUnknown line it would refuse the whole file.
    const report = await diagnose(ctx, repo);
    expect(report.findings.map((f) => f.code)).toEqual(['ssh.ok']);
    await exec('git', ['push', '-q', 'origin', 'HEAD:refs/heads/from-a-mac'], { cwd: repo, env: { ...h.home.env, GIT_TERMINAL_PROMPT: '0' } });

    expect((await undoLastFix(ctx)).undone).toBe(true);
    expect(await readFile(config, 'utf8')).toBe(original);
  });

  it("Homebrew's ssh: no UseKeychain, no IgnoreUnknown; only the block's lines are added", async () => {
    await homebrewFirst();
    const { key, repo, config, original } = await setup();
    const scope = await resolveFixScope(ctx, repo);
    expect((await describeFix(ctx, 'ssh.configure-host', scope)).changes[0]?.action).toBe(`Update the "Host ssh.bitbucket.org" block: IdentityFile ${key.path}, IdentitiesOnly yes, AddKeysToAgent yes, User git`);
    expect(await applyFix(ctx, 'ssh.configure-host', scope)).toMatchObject({ applied: true });
    const alias = '  HostKeyAlias ssh.bitbucket.org\n';
    expect(await readFile(config, 'utf8')).toBe(original.replace(alias, `${alias}  User git\n  IdentityFile ${key.path}\n  IdentitiesOnly yes\n  AddKeysToAgent yes\n`));
  });

  it("Apple's ssh, but an Include at the top may set IgnoreUnknown first: UseKeychain is left out and the plan says why", async () => {
    const { repo, config, original } = await setup();
    const included = path.join(h.home.sshDir, 'extra.conf');
    await writeFile(included, 'IgnoreUnknown WarnWeakCrypto\n');
    await writeFile(config, `Include ${included}\n${original}`);
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.configure-host', scope);
    expect(plan.details).toContain('UseKeychain is left out: line 1 includes other files before any IgnoreUnknown, and ssh uses the first IgnoreUnknown it reads, so another ssh could stop at it.');
    await applyFix(ctx, 'ssh.configure-host', scope);
    expect(await readFile(config, 'utf8')).not.toMatch(/UseKeychain/i);
  });

  it('the same tools on Linux: nothing Apple-only is written', async () => {
    const linux = { ...ctx, platform: 'linux' as const };
    const { repo, config } = await setup();
    await applyFix(linux, 'ssh.configure-host', await resolveFixScope(linux, repo));
    expect(await readFile(config, 'utf8')).not.toMatch(/UseKeychain|IgnoreUnknown/i);
  });
});

describe('ssh.add-key-to-agent on a Mac', () => {
  async function setup() {
    const key = await makeKey(h.home, 'id_ed25519', { passphrase: PASSPHRASE });
    const { server, repo } = await h.cloud();
    server.authorize(key.publicLine, { kind: 'personal' });
    const agent = await h.agent();
    h.home.env.SSH_AUTH_SOCK = agent.socket;
    return { key, repo };
  }

  it("Apple's ssh-add: --apple-use-keychain to add, and with -d on undo", async () => {
    const { key, repo } = await setup();
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.add-key-to-agent', scope);
    expect(plan.changes.map((c) => c.target)).toEqual([`ssh-agent (${h.home.env.SSH_AUTH_SOCK})`, 'macOS keychain']);
    expect(plan.changes[1]?.action).toContain('ssh-add --apple-use-keychain');
    expect(await applyFix(ctx, 'ssh.add-key-to-agent', scope, { passphrase: PASSPHRASE })).toMatchObject({ applied: true });
    expect((await diagnose(ctx, repo)).findings.map((f) => f.code)).toEqual(['ssh.ok']);
    expect((await undoLastFix(ctx)).undone).toBe(true);
    const calls = await apple.calls();
    expect(calls[0]).toBe(`--apple-use-keychain ${key.path}`);
    expect(calls.filter((c) => c.startsWith('--apple-use-keychain -d '))).toHaveLength(1);
    expect(calls.filter((c) => / -K |^-K /.test(c))).toEqual([]);
  });

  it("an older Apple ssh-add (before OpenSSH 8.6): -K", async () => {
    await rm(apple.dir, { recursive: true });
    apple = await fakeOpenSsh(apple.dir, RECORDED_SSH_VERSIONS.appleElCapitan);
    const { key, repo } = await setup();
    await applyFix(ctx, 'ssh.add-key-to-agent', await resolveFixScope(ctx, repo), { passphrase: PASSPHRASE });
    expect((await apple.calls())[0]).toBe(`-K ${key.path}`);
  });

  it("Homebrew's ssh-add first on PATH: no Apple switch at all, and the plan says the keychain cannot keep the passphrase", async () => {
    const brew = await homebrewFirst();
    const { key, repo } = await setup();
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.add-key-to-agent', scope);
    expect(plan.changes.map((c) => c.target)).toEqual([`ssh-agent (${h.home.env.SSH_AUTH_SOCK})`]);
    expect(plan.details.join('\n')).toContain("The ssh-add on your PATH is not Apple's");
    expect(await applyFix(ctx, 'ssh.add-key-to-agent', scope, { passphrase: PASSPHRASE })).toMatchObject({ applied: true });
    expect((await brew.calls())[0]).toBe(key.path);
    expect(await apple.calls()).toEqual([]);
    await undoLastFix(ctx);
    expect((await brew.calls()).slice(1).every((c) => c.startsWith('-d '))).toBe(true);
  });
});

describe("Apple's git stand-in without the developer tools", () => {
  async function standIn(xcodeSelect: string) {
    const marker = path.join(h.home.dir, 'stand-in-ran');
    await program(path.join(apple.dir, 'xcode-select'), xcodeSelect);
    // Like Apple's: run git from the active developer folder (the real one would open the installer when there is none).
    await program(path.join(apple.dir, 'git'), `touch '${marker}'\ndir=$('${apple.dir}/xcode-select' -p) || exit 1\nexec "$dir/usr/bin/git" "$@"\n`);
    return { ran: () => readFile(marker).then(() => true, () => false) };
  }

  it('is never run: diagnosis stops with one plain sentence saying what to install', async () => {
    const repo = await h.home.repo();
    const git = await standIn(`echo "xcode-select: error: Unable to get active developer directory. Use \\\`sudo xcode-select --switch path/to/Xcode.app\\\` to set one (or see \\\`man xcode-select\\\`)" >&2\nexit 2\n`);
    const report = await diagnose(ctx, repo);
    expect(report.verdict).toBe('problems');
    expect(report.findings.map((f) => f.code)).toEqual(['git.missing']);
    expect(report.findings[0]!.title).toBe(
      `git cannot be run: git on this Mac is Apple's ${path.join(apple.dir, 'git')}, which only stands in for the Command Line Tools, and they are not installed (xcode-select -p: xcode-select: error: Unable to get active developer directory. Use \`sudo xcode-select --switch path/to/Xcode.app\` to set one (or see \`man xcode-select\`)); running it would open Apple's installer. Install them with "xcode-select --install" or install git from Homebrew, then try again.`,
    );
    expect(await git.ran()).toBe(false);
  });

  it('a developer folder that no longer has git counts as not installed', async () => {
    await standIn(`echo '${path.join(h.home.dir, 'removed-CommandLineTools')}'\n`);
    expect(await appleGitStandInProblem(ctx)).toMatch(/has no git\); running it would open Apple's installer/);
  });

  it('with the developer tools installed it is git as usual', async () => {
    const developer = path.join(h.home.dir, 'CommandLineTools');
    await program(path.join(developer, 'usr', 'bin', 'git'), `exec '${await real('git')}' "$@"\n`);
    const git = await standIn(`echo '${developer}'\n`);
    const repo = await h.home.repo();
    expect((await diagnose(ctx, repo)).path).toBe(repo);
    expect(await git.ran()).toBe(true);
  });

  it("Homebrew's git first on PATH: the stand-in is not asked about", async () => {
    const brewBin = path.join(h.home.dir, 'fake-homebrew', 'bin');
    await program(path.join(brewBin, 'git'), `exec '${await real('git')}' "$@"\n`);
    h.home.env.PATH = `${brewBin}:${apple.dir}:${realPath}`;
    const git = await standIn('exit 2\n');
    expect(await appleGitStandInProblem(ctx)).toBeNull();
    expect((await diagnose(ctx, await h.home.repo())).path).toBeTruthy();
    expect(await git.ran()).toBe(false);
  });
});

describe("Push Doctor's own state folder on a Mac", () => {
  it("is in Application Support unless the user's environment sets XDG_STATE_HOME (the app now reads their profile, so app and CLI agree)", () => {
    expect(stateDirFor({}, '/Users/me', 'darwin')).toBe('/Users/me/Library/Application Support/push-doctor/state');
    expect(stateDirFor({ XDG_STATE_HOME: '/Users/me/.local/state' }, '/Users/me', 'darwin')).toBe('/Users/me/.local/state/push-doctor');
    expect(stateDirFor({ XDG_STATE_HOME: 'relative' }, '/Users/me', 'darwin')).toBe('/Users/me/Library/Application Support/push-doctor/state');
    expect(stateDirFor({ XDG_STATE_HOME: '/x' }, '/home/me', 'linux')).toBe('/x/push-doctor');
  });
});

const NOT_DARWIN = process.platform !== 'darwin' ? "needs macOS: Apple's own /usr/bin/ssh, ssh-add, xcode-select and git" : null;

describe.skipIf(NOT_DARWIN !== null)(`this Mac's own tools${NOT_DARWIN ? ` (skipped: ${NOT_DARWIN})` : ''}`, () => {
  it("/usr/bin/ssh and ssh-add are Apple's, with --apple-use-keychain; /usr/bin/git may run (the developer tools are there)", async () => {
    const mac: EngineContext = { ...h.ctx, env: { ...h.home.env, PATH: '/usr/bin:/bin:/usr/sbin:/sbin' } };
    const ssh = await inspectOpenSsh(mac, 'ssh');
    expect(ssh).toMatchObject({ program: '/usr/bin/ssh', apple: true });
    expect(ssh.version?.library).toBe('LibreSSL');
    expect(appleKeychainFlag(await inspectOpenSsh(mac, 'ssh-add'))).toBe('--apple-use-keychain');
    expect(await appleGitStandInProblem(mac)).toBeNull();
  });
});
