import { spawn, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliArguments } from '../../main/cli-args.js';
import { skipNote, windowsOnly, type PlatformSkip } from '../support/platform.js';

/**
 * The launchers of the installed app's push-doctor (resources/cli), run for real against a stand-in
 * for the app's executable that prints the arguments it got and exits with STAND_IN_EXIT, placed
 * where electron-builder puts the app (packaging.test.ts proves those places with electron-builder's
 * own copy step). Each launcher must hand the user's arguments to the app unchanged after `--cli`, in
 * the form main/cli-mode.ts takes apart.
 */

const LAUNCHERS = path.resolve('resources/cli');
const shLauncher: PlatformSkip = {
  skip: process.platform === 'win32',
  reason: 'skipped on Windows: the sh launcher is for macOS and Linux; push-doctor.cmd is tested there',
};

/** Awkward arguments: spaces, quotes, a shell variable, a glob, an empty one, a switch, the user's own --. */
const ARGS = ['diagnose', '/src/my widgets', "it's $HOME *", '', '--json', '--', '--yes'];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe.skipIf(shLauncher.skip)(`the sh launcher, resources/cli/push-doctor${skipNote(shLauncher)}`, () => {
  let root: string;
  const env = () => ({ PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: path.join(root, 'home'), STAND_IN_EXIT: '1' });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-launcher-'));
    await mkdir(path.join(root, 'home', 'work'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** An installed app: the launcher copied in (mode kept) and a node script where the executable belongs. */
  async function installApp(executable: string, resources: string): Promise<string> {
    await mkdir(path.dirname(executable), { recursive: true });
    await mkdir(path.join(resources, 'cli'), { recursive: true });
    await writeFile(
      executable,
      '#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\nprocess.exitCode = Number(process.env.STAND_IN_EXIT);\n',
    );
    await chmod(executable, 0o755);
    const launcher = path.join(resources, 'cli', 'push-doctor');
    await copyFile(path.join(LAUNCHERS, 'push-doctor'), launcher);
    await chmod(launcher, 0o755);
    return launcher;
  }

  const debApp = () => {
    const app = path.join(root, 'opt', 'Bitbucket Push Doctor');
    return installApp(path.join(app, 'bitbucket-push-doctor'), path.join(app, 'resources'));
  };
  const macApp = () => {
    const contents = path.join(root, 'Applications', 'Bitbucket Push Doctor.app', 'Contents');
    return installApp(path.join(contents, 'MacOS', 'Bitbucket Push Doctor'), path.join(contents, 'Resources'));
  };

  it('Linux (deb): through a chain of links from ~/.local/bin, runs the app with --cli, Chromium headless, and the arguments unchanged', async () => {
    const launcher = await debApp();
    // ~/.local/bin/push-doctor → ../../links/push-doctor (relative) → the launcher (absolute).
    await mkdir(path.join(root, 'home', '.local', 'bin'), { recursive: true });
    await mkdir(path.join(root, 'home', 'links'));
    await symlink(launcher, path.join(root, 'home', 'links', 'push-doctor'));
    await symlink(path.join('..', '..', 'links', 'push-doctor'), path.join(root, 'home', '.local', 'bin', 'push-doctor'));

    const result = await run(path.join(root, 'home', '.local', 'bin', 'push-doctor'), ARGS, { env: env(), cwd: path.join(root, 'home', 'work') });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const got = JSON.parse(result.stdout) as { argv: string[]; cwd: string };
    expect(got.argv).toEqual(['--cli', '--ozone-platform=headless', '--disable-gpu', '--', ...ARGS]);
    // The folder the user ran it in is the CLI's (the launcher changes directory only in a subshell).
    expect(got.cwd).toBe(path.join(root, 'home', 'work'));
    // main takes exactly the user's arguments back out of that command line.
    expect(cliArguments(['app', ...got.argv], 1)).toEqual(ARGS);
  });

  it('macOS: inside "Bitbucket Push Doctor.app" (spaces), linked from a bin folder, runs Contents/MacOS/Bitbucket Push Doctor', async () => {
    const launcher = await macApp();
    await mkdir(path.join(root, 'usr-local-bin'));
    await symlink(launcher, path.join(root, 'usr-local-bin', 'push-doctor'));

    const result = await run(path.join(root, 'usr-local-bin', 'push-doctor'), ARGS, { env: { ...env(), STAND_IN_EXIT: '2' }, cwd: root });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(2);
    const got = JSON.parse(result.stdout) as { argv: string[] };
    expect(got.argv).toEqual(['--cli', '--', ...ARGS]);
    expect(cliArguments(['app', ...got.argv], 1)).toEqual(ARGS);
  });

  it('passes exit status 0 on, and runs when started by its own path with no arguments', async () => {
    const launcher = await debApp();
    const result = await run(launcher, [], { env: { ...env(), STAND_IN_EXIT: '0' }, cwd: root });
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { argv: string[] }).argv).toEqual(['--cli', '--ozone-platform=headless', '--disable-gpu', '--']);
  });

  it('says where it looked, and exits 2, when the app is not beside it', async () => {
    const launcher = await macApp();
    await rm(path.join(root, 'Applications', 'Bitbucket Push Doctor.app', 'Contents', 'MacOS'), { recursive: true });
    const result = await run(launcher, ['diagnose'], { env: env(), cwd: root });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`push-doctor: the Bitbucket Push Doctor app is not where this launcher expects it (${path.join(root, 'Applications', 'Bitbucket Push Doctor.app', 'Contents', 'MacOS', 'Bitbucket Push Doctor')}).`);
    expect(result.stderr).toContain('npx bitbucket-push-doctor');
  });

  it('is plain POSIX sh: dash and bash --posix accept it (sh -n)', () => {
    for (const shell of [['sh', '-n'], ['bash', '--posix', '-n']]) {
      const check = spawnSync(shell[0]!, [...shell.slice(1), path.join(LAUNCHERS, 'push-doctor')], { encoding: 'utf8' });
      if (check.error) continue;
      expect({ shell: shell[0], status: check.status, stderr: check.stderr }).toEqual({ shell: shell[0], status: 0, stderr: '' });
    }
  });
});

/**
 * push-doctor.cmd on Windows, against a console program compiled on the spot by Windows PowerShell
 * (Add-Type, .NET Framework's C# compiler, present on every Windows 10 and 11), at the path the NSIS
 * installer gives the app: %LOCALAPPDATA%\Programs\bitbucket-push-doctor\bitbucket-push-doctor.exe.
 */
describe.skipIf(windowsOnly.skip)(`the Windows launcher, resources/cli/push-doctor.cmd${skipNote(windowsOnly)}`, () => {
  let root: string;
  let app: string;
  const STAND_IN = `public static class StandIn {
  public static int Main(string[] args) {
    foreach (string arg in args) System.Console.Out.WriteLine("[" + arg + "]");
    string code = System.Environment.GetEnvironmentVariable("STAND_IN_EXIT");
    return string.IsNullOrEmpty(code) ? 0 : int.Parse(code);
  }
}`;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor launcher '));
    app = path.join(root, 'Programs', 'bitbucket-push-doctor');
    await mkdir(path.join(app, 'resources', 'cli'), { recursive: true });
    await copyFile(path.join(LAUNCHERS, 'push-doctor.cmd'), path.join(app, 'resources', 'cli', 'push-doctor.cmd'));
    const compiled = spawnSync(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-Command', 'Add-Type -TypeDefinition $env:STAND_IN_SOURCE -OutputAssembly $env:STAND_IN_EXE -OutputType ConsoleApplication'],
      { env: { ...process.env, STAND_IN_SOURCE: STAND_IN, STAND_IN_EXE: path.join(app, 'bitbucket-push-doctor.exe') }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(compiled.status, compiled.stderr).toBe(0);
  }, 150_000);
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** As a terminal runs it: cmd.exe /c "…push-doctor.cmd" ARGS. */
  const runCmd = (args: string, exit: string) =>
    spawnSync('cmd.exe', ['/d', '/s', '/c', `""${path.join(app, 'resources', 'cli', 'push-doctor.cmd')}" ${args}"`], {
      windowsVerbatimArguments: true,
      env: { ...process.env, STAND_IN_EXIT: exit },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('runs the app two folders up with --cli -- and the arguments, and passes its exit status on', () => {
    const result = runCmd('diagnose "C:\\src\\my widgets" --json', '3');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
    expect(result.stdout.trim().split(/\r?\n/)).toEqual(['[--cli]', '[--]', '[diagnose]', '[C:\\src\\my widgets]', '[--json]']);
    expect(runCmd('help', '0').status).toBe(0);
  });

  it('says where it looked, and exits 2, when the app is not there', async () => {
    await rm(path.join(app, 'bitbucket-push-doctor.exe'));
    const result = runCmd('diagnose', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('push-doctor: the Bitbucket Push Doctor app is not where this launcher expects it');
    expect(result.stderr).toContain('bitbucket-push-doctor.exe');
  });
});
