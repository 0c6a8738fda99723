/**
 * The login-shell environment an app started from Finder or a desktop launcher resolves at start:
 * real shells (bash, dash) with profiles in throwaway homes, started from a launcher-like `env -i`
 * environment, and every way a profile can misbehave (slow, noisy, broken, reading stdin).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeOutcome,
  loginShellArgs,
  mergeEnvironment,
  parseEnvironmentOutput,
  printEnvironmentCommand,
  reasonNotToResolve,
  resolveLoginShellEnvironment,
  type UserEnvironment,
} from '../../app/env/login-shell.js';
import { LAUNCHD_DEFAULT_PATH, RESOLVING_ENVIRONMENT_VARIABLE } from '../../app/facts/macos.js';
import { createHome, type TestHome } from '../support/home.js';
import { startAgent } from '../support/ssh-scenario.js';

const exec = promisify(execFile);
const BASH = '/bin/bash';
const SH = '/bin/sh';
const POSIX_SHELLS = process.platform === 'win32' ? 'login shells are not used on Windows (the app keeps the environment Windows gives it)' : null;

const homes: TestHome[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const home of homes.splice(0)) await home.cleanup();
});

async function home(): Promise<TestHome> {
  const created = await createHome('login-shell-');
  homes.push(created);
  return created;
}

/** What Finder or a launcher gives an app: a home, a short PATH, the login shell, nothing from a profile. */
function launcherEnv(dir: string, shell = BASH): NodeJS.ProcessEnv {
  return { HOME: dir, PATH: LAUNCHD_DEFAULT_PATH, SHELL: shell, USER: os.userInfo().username, LOGNAME: os.userInfo().username };
}

async function script(file: string, body: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, body);
  await chmod(file, 0o755);
  return file;
}

const resolve = (env: NodeJS.ProcessEnv, extra: { shell?: string; timeoutMs?: number } = {}): Promise<UserEnvironment> =>
  resolveLoginShellEnvironment({ env, platform: process.platform, stdinIsTerminal: false, ...extra });

describe('the parts, pure', () => {
  it('reads the variables between the markers, whatever the profile printed around them', () => {
    const out = `Welcome to your shell!\nMARK0${['PATH=/opt/homebrew/bin:/usr/bin', 'MULTI=line one\nGIT_X=not a variable', 'EQ=a=b', ''].join('\u0000')}MARK0\nbye\n`;
    expect(parseEnvironmentOutput(out, 'MARK0')).toEqual({ PATH: '/opt/homebrew/bin:/usr/bin', MULTI: 'line one\nGIT_X=not a variable', EQ: 'a=b' });
    expect(parseEnvironmentOutput('no markers at all', 'MARK0')).toBeNull();
    expect(parseEnvironmentOutput('MARK0PATH=/x\n', 'MARK0')).toBeNull();
  });

  it('reads one variable per line from an env without -0, continuation lines included', () => {
    expect(parseEnvironmentOutput('xMARK1PATH=/usr/bin\nMOTD=hello\nworld\nSSH_AUTH_SOCK=/tmp/a.sock\nMARK1', 'MARK1')).toEqual({ PATH: '/usr/bin', MOTD: 'hello\nworld', SSH_AUTH_SOCK: '/tmp/a.sock' });
  });

  it("merges the shell's variables over the process's, without the shell's own session variables", () => {
    const merged = mergeEnvironment({ PATH: '/usr/bin', HOME: '/h', KEEP: '1', XDG_RUNTIME_DIR: '/run/user/1' }, { PATH: '/opt/homebrew/bin:/usr/bin', HOME: '/h', SHLVL: '2', _: '/usr/bin/env', PWD: '/h', [RESOLVING_ENVIRONMENT_VARIABLE]: '1', XDG_RUNTIME_DIR: '/tmp/other', GIT_SSH_COMMAND: 'ssh -4' });
    expect(merged.env).toEqual({ PATH: '/opt/homebrew/bin:/usr/bin', HOME: '/h', KEEP: '1', XDG_RUNTIME_DIR: '/run/user/1', GIT_SSH_COMMAND: 'ssh -4' });
    expect(merged.changed).toEqual(['GIT_SSH_COMMAND', 'PATH']);
    expect(mergeEnvironment({ PATH: '/usr/bin' }, { PATH: '' }).env.PATH).toBe('/usr/bin');
  });

  it('asks tcsh without -l (its -l must stand alone), PowerShell with -Login, the others with -i -l -c', () => {
    expect(loginShellArgs('/bin/zsh', 'C')).toEqual(['-i', '-l', '-c', 'C']);
    expect(loginShellArgs('/opt/homebrew/bin/fish', 'C')).toEqual(['-i', '-l', '-c', 'C']);
    expect(loginShellArgs('/bin/tcsh', 'C')).toEqual(['-i', '-c', 'C']);
    expect(loginShellArgs('/usr/local/bin/pwsh', 'C')).toEqual(['-Login', '-Command', 'C']);
    expect(printEnvironmentCommand('abc')).toBe('/usr/bin/printf abc; /usr/bin/env -0 || /usr/bin/env; /usr/bin/printf abc');
  });

  it('never asks on Windows, from a terminal, or from inside its own resolution', () => {
    const env = { HOME: '/h', PATH: '/usr/bin' };
    expect(reasonNotToResolve({ env, platform: 'darwin', stdinIsTerminal: false })).toBeNull();
    expect(reasonNotToResolve({ env, platform: 'linux', stdinIsTerminal: false })).toBeNull();
    expect(reasonNotToResolve({ env, platform: 'win32', stdinIsTerminal: false })).toMatch(/^Windows/);
    expect(reasonNotToResolve({ env, platform: 'darwin', stdinIsTerminal: true })).toMatch(/terminal/);
    expect(reasonNotToResolve({ env: { ...env, SHLVL: '1' }, platform: 'darwin', stdinIsTerminal: false })).toMatch(/terminal/);
    expect(reasonNotToResolve({ env: { ...env, TERM_PROGRAM: 'Apple_Terminal' }, platform: 'darwin', stdinIsTerminal: false })).toMatch(/terminal/);
    expect(reasonNotToResolve({ env: { ...env, [RESOLVING_ENVIRONMENT_VARIABLE]: '1' }, platform: 'darwin', stdinIsTerminal: false })).toMatch(/resolving/);
  });
});

describe.skipIf(POSIX_SHELLS !== null)(`real login shells${POSIX_SHELLS ? ` (skipped: ${POSIX_SHELLS})` : ''}`, () => {
  it('the engine started from env -i (HOME and a short PATH) finds the git, agent and variables a bash login profile provides', async () => {
    const h = await home();
    const bin = path.join(h.dir, 'tools', 'bin');
    await script(path.join(bin, 'git'), '#!/bin/sh\necho "git version 9.99.0 (from the login shell PATH)"\n');
    const agent = await startAgent(h);
    cleanups.push(() => agent.stop());
    // .bash_profile is what an interactive login bash reads (macOS Terminal runs login shells).
    await writeFile(
      path.join(h.dir, '.bash_profile'),
      [`export PATH="$HOME/tools/bin:$PATH"`, `export SSH_AUTH_SOCK='${agent.socket}'`, 'export HOMEBREW_PREFIX=/opt/homebrew', 'export https_proxy=http://proxy.example:3128', `echo "$(date) profile ran" >> "$HOME/profile-runs"`, ''].join('\n'),
    );

    const child = await exec('env', ['-i', `HOME=${h.dir}`, 'PATH=/usr/bin:/bin', `SHELL=${BASH}`, process.execPath, '--import', 'tsx', 'test/support/launcher-child.ts'], { cwd: process.cwd(), timeout: 30_000 });
    const seen = JSON.parse(child.stdout) as Record<string, unknown> & { outcome: { kind: string; changed: string[] }; agent: { status: string; socket: string } };
    // (macOS may add its own __CF_USER_TEXT_ENCODING; nothing of the profile's is there.)
    expect(seen.launcherEnv).toEqual(expect.arrayContaining(['HOME', 'PATH', 'SHELL']));
    expect(seen.launcherEnv).not.toEqual(expect.arrayContaining(['SSH_AUTH_SOCK']));
    expect(seen.launcherEnv).not.toEqual(expect.arrayContaining(['HOMEBREW_PREFIX']));
    expect(seen.outcome).toMatchObject({ kind: 'resolved', shell: BASH, changed: expect.arrayContaining(['HOMEBREW_PREFIX', 'PATH', 'SSH_AUTH_SOCK', 'https_proxy']) });
    expect(seen.gitVersion).toBe('git version 9.99.0 (from the login shell PATH)');
    expect(seen.agent).toEqual({ status: 'empty', socket: agent.socket });
    expect(seen.homebrew).toBe('/opt/homebrew');
    expect(seen.proxy).toBe('http://proxy.example:3128');
    expect(String(seen.path).split(':')[0]).toBe(bin);
    // Asked twice, resolved once.
    expect(seen.sameAnswer).toBe(true);
    expect((await readFile(path.join(h.dir, 'profile-runs'), 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(seen.log).toMatch(/^environment of the login shell \/bin\/bash in \d+ ms \(.*SSH_AUTH_SOCK.*\)$/);
  });

  it('sh (dash on Debian) as the login shell reads ~/.profile', async () => {
    const h = await home();
    await writeFile(path.join(h.dir, '.profile'), 'export PATH="$HOME/bin:$PATH"\nexport GIT_SSH_COMMAND="ssh -o ConnectTimeout=5"\n');
    const { env, outcome } = await resolve(launcherEnv(h.dir, SH));
    expect(outcome).toMatchObject({ kind: 'resolved', shell: SH });
    expect(env.PATH?.split(':')[0]).toBe(path.join(h.dir, 'bin'));
    expect(env.GIT_SSH_COMMAND).toBe('ssh -o ConnectTimeout=5');
    expect(env.SHLVL).toBeUndefined();
    expect(env[RESOLVING_ENVIRONMENT_VARIABLE]).toBeUndefined();
  });

  it('a profile that never finishes: given up after the limit, the shell and what it started are killed, the app keeps its own environment', async () => {
    const h = await home();
    const pids = path.join(h.dir, 'pids');
    await writeFile(path.join(h.dir, '.bash_profile'), `echo $$ > '${pids}'\nsleep 30 &\necho $! >> '${pids}'\nwait\n`);
    const env = launcherEnv(h.dir);
    const started = performance.now();
    const result = await resolve(env, { timeoutMs: 800 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.env).toBe(env);
    expect(result.outcome).toMatchObject({ kind: 'failed', shell: BASH, reason: `${BASH} did not finish within 0.8 s (a profile that waits for something?)` });
    const alive = async (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const started2 = (await readFile(pids, 'utf8')).trim().split('\n').map(Number);
    expect(started2).toHaveLength(2);
    await expect.poll(async () => (await Promise.all(started2.map(alive))).some(Boolean), { timeout: 3_000 }).toBe(false);
  });

  it('a profile that prints a banner, noise on both streams and a goodbye: only the environment between the markers counts', async () => {
    const h = await home();
    await writeFile(path.join(h.dir, '.bash_profile'), 'echo "Welcome, $USER"\necho "warning: slow disk" >&2\nprintf "\\0\\0=junk\\n"\nexport EDITOR=vim\n');
    await writeFile(path.join(h.dir, '.bash_logout'), 'echo "bye"\n');
    const { env, outcome } = await resolve(launcherEnv(h.dir));
    expect(outcome).toMatchObject({ kind: 'resolved' });
    expect(env.EDITOR).toBe('vim');
    expect(Object.keys(env).some((name) => name.includes('junk') || name === '')).toBe(false);
  });

  it('a profile that reads standard input gets end-of-file at once instead of waiting', async () => {
    const h = await home();
    await writeFile(path.join(h.dir, '.bash_profile'), 'read -r answer\nexport ANSWER="[$answer]"\n');
    const started = performance.now();
    const { env, outcome } = await resolve(launcherEnv(h.dir), { timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ kind: 'resolved' });
    expect(env.ANSWER).toBe('[]');
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('a profile that leaves a background job holding the output open does not hold the start', async () => {
    const h = await home();
    await writeFile(path.join(h.dir, '.bash_profile'), 'sleep 20 &\nexport FROM_PROFILE=yes\n');
    const started = performance.now();
    const { env, outcome } = await resolve(launcherEnv(h.dir), { timeoutMs: 8_000 });
    expect(outcome).toMatchObject({ kind: 'resolved' });
    expect(env.FROM_PROFILE).toBe('yes');
    expect(performance.now() - started).toBeLessThan(6_000);
  });

  it('broken shells: missing, failing, or exiting in the profile; each falls back with the reason', async () => {
    const h = await home();
    const env = launcherEnv(h.dir);
    const missing = await resolve(env, { shell: path.join(h.dir, 'no-such-shell') });
    expect(missing).toEqual({ env, outcome: expect.objectContaining({ kind: 'failed', reason: `${path.join(h.dir, 'no-such-shell')} does not exist or is not executable` }) });

    const failing = await script(path.join(h.dir, 'bin', 'failing-shell'), '#!/bin/sh\necho "failing-shell: cannot read config" >&2\nexit 3\n');
    expect((await resolve(env, { shell: failing })).outcome).toEqual({ kind: 'failed', shell: failing, durationMs: expect.any(Number), reason: `${failing} exited with code 3 without printing its environment (it said: failing-shell: cannot read config)` });

    await writeFile(path.join(h.dir, '.bash_profile'), 'exit 0\n');
    const exiting = await resolve(env);
    expect(exiting.env).toBe(env);
    expect(exiting.outcome).toMatchObject({ kind: 'failed', reason: `${BASH} exited with code 0 without printing its environment` });
  });

  it('no value of a variable reaches the outcome or its log line (only names)', async () => {
    const h = await home();
    const token = 'ATATT3xFfGF0-planted-secret-9F2C';
    await writeFile(path.join(h.dir, '.bash_profile'), `export BITBUCKET_TOKEN='${token}'\n`);
    const { env, outcome } = await resolve(launcherEnv(h.dir));
    expect(env.BITBUCKET_TOKEN).toBe(token);
    expect(JSON.stringify(outcome)).not.toContain(token);
    expect(describeOutcome(outcome)).toContain('BITBUCKET_TOKEN');
    expect(describeOutcome(outcome)).not.toContain(token);
  });
});

const NOT_DARWIN = process.platform !== 'darwin' ? 'needs macOS: the real login shell of a Mac user (zsh) and its Homebrew' : null;

describe.skipIf(NOT_DARWIN !== null)(`macOS: this user's own login shell, asked as a Finder-started app would${NOT_DARWIN ? ` (skipped: ${NOT_DARWIN})` : ''}`, () => {
  it("resolves the real shell's environment from launchd's minimal one", async () => {
    const env: NodeJS.ProcessEnv = { HOME: os.homedir(), PATH: LAUNCHD_DEFAULT_PATH, USER: os.userInfo().username, LOGNAME: os.userInfo().username, TMPDIR: os.tmpdir() };
    const { env: resolved, outcome } = await resolve(env);
    expect(outcome).toMatchObject({ kind: 'resolved', shell: os.userInfo().shell });
    expect(resolved.PATH?.split(':')).toEqual(expect.arrayContaining(['/usr/bin', '/bin']));
    expect(resolved.HOME).toBe(os.homedir());
  });
});
