import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../app/cli/io.js';
import { createHome, type TestHome } from '../support/home.js';
import { skipNote, type PlatformSkip } from '../support/platform.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { cliArguments } = await import('../../main/cli-args.js');
const { runCliMode } = await import('../../main/cli-mode.js');
const { folderFromArgv } = await import('../../main/lifecycle.js');

/** What the launchers in resources/cli run (the Linux one adds Chromium's headless platform). */
const LINUX_LAUNCH = ['/opt/Bitbucket Push Doctor/bitbucket-push-doctor', '--cli', '--ozone-platform=headless', '--disable-gpu', '--'];
const MAC_LAUNCH = ['/Applications/Bitbucket Push Doctor.app/Contents/MacOS/Bitbucket Push Doctor', '--cli', '--'];

describe('cliArguments: which launches are command line runs', () => {
  it("takes what follows the launchers' --, whatever it looks like", () => {
    expect(cliArguments([...LINUX_LAUNCH, 'diagnose', '/src/my widgets', '--json'], 1)).toEqual(['diagnose', '/src/my widgets', '--json']);
    expect(cliArguments([...MAC_LAUNCH, 'fix', 'credential.clear', '.', '--', '--yes'], 1)).toEqual(['fix', 'credential.clear', '.', '--', '--yes']);
    expect(cliArguments([...MAC_LAUNCH], 1)).toEqual([]);
  });

  it('takes everything after --cli when the binary is started by hand, without --', () => {
    expect(cliArguments(['bitbucket-push-doctor', '--cli', 'diagnose', '--offline', '.'], 1)).toEqual(['diagnose', '--offline', '.']);
    expect(cliArguments(['bitbucket-push-doctor', '--cli', '--help'], 1)).toEqual(['--help']);
    // The user's own -- stays theirs when something that is not a switch comes first.
    expect(cliArguments(['bitbucket-push-doctor', '--cli', 'diagnose', '--', '--odd-folder'], 1)).toEqual(['diagnose', '--', '--odd-folder']);
  });

  it('counts the app path when running from source (electron .)', () => {
    expect(cliArguments(['electron', '.', '--cli', 'help'], 2)).toEqual(['help']);
    expect(cliArguments(['electron', '.', 'help'], 2)).toBeNull();
  });

  it('is no command line run unless --cli is the first argument: folders, Chromium switches and second launches open the window', () => {
    expect(cliArguments(['bitbucket-push-doctor'], 1)).toBeNull();
    expect(cliArguments(['bitbucket-push-doctor', '/home/me/widgets'], 1)).toBeNull();
    expect(cliArguments(['bitbucket-push-doctor', 'widgets', '--cli'], 1)).toBeNull();
    expect(cliArguments(['bitbucket-push-doctor', '--no-sandbox', '--cli', 'diagnose'], 1)).toBeNull();
    expect(cliArguments(['bitbucket-push-doctor', '--client', 'diagnose'], 1)).toBeNull();
    expect(cliArguments(['bitbucket-push-doctor', 'file:///home/me/widgets'], 1)).toBeNull();
  });

  it('a command line run never names a folder for the window to open', () => {
    expect(folderFromArgv([...LINUX_LAUNCH, 'diagnose', '/src/widgets'], '/home/me', 1)).toBeNull();
    expect(folderFromArgv(['bitbucket-push-doctor', '--cli', 'diagnose', 'widgets'], '/home/me', 1)).toBeNull();
    expect(folderFromArgv(['electron', '.', '--cli', 'test', 'widgets'], '/home/me', 2)).toBeNull();
    // Still a folder without --cli.
    expect(folderFromArgv(['bitbucket-push-doctor', 'widgets'], '/home/me', 1)).toBe('/home/me/widgets');
  });
});

const testHomeDiagnosis: PlatformSkip = {
  skip: process.platform === 'win32',
  reason: "skipped on Windows: the test home's git config runs ssh -F with POSIX paths (the other CLI-mode cases run there)",
};

/** Streams that keep what the CLI writes. */
function capturedIo(env: NodeJS.ProcessEnv, cwd: string): { io: CliIo; stdout(): string; stderr(): string } {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (into: string[]) => {
    const s = new PassThrough();
    s.on('data', (chunk: Buffer) => into.push(chunk.toString()));
    return s as unknown as NodeJS.WriteStream;
  };
  const stdin = new PassThrough();
  stdin.end();
  return {
    io: { stdout: stream(out), stderr: stream(err), stdin: stdin as unknown as NodeJS.ReadStream, env, cwd },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('the app started as push-doctor (main/cli-mode.ts, only electron replaced)', () => {
  let home: TestHome;
  beforeEach(async () => {
    electron.resetFakeElectron();
    home = await createHome('push-doctor-cli-mode-');
  });
  afterEach(async () => {
    await home.cleanup();
  });

  /** Nothing of the desktop app was started. */
  const expectNothingShown = () => {
    expect(electron.FakeBrowserWindow.instances).toEqual([]);
    expect(electron.FakeTray.instances).toEqual([]);
    expect(electron.FakeNotification.instances).toEqual([]);
    expect(electron.app.lockRequests).toBe(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(electron.protocol.privileged).toEqual([]);
    expect(electron.app.quitCalls).toBe(0);
  };

  it.skipIf(testHomeDiagnosis.skip)(`diagnoses a real repository: the report on stdout, exit status 1 passed to app.exit, no window${skipNote(testHomeDiagnosis)}`, async () => {
    const repo = await home.repo('widgets');
    await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    const run = capturedIo(home.env, repo);
    const status = await runCliMode(['diagnose', '--offline', '--json', repo], { io: run.io, platform: 'linux' });
    expect(status).toBe(1);
    expect(electron.app.exitCodes).toEqual([1]);
    const report = JSON.parse(run.stdout()) as { path: string; verdict: unknown; findings: Array<{ code: string }> };
    expect(report.path).toBe(repo);
    expect(report.findings.map((f) => f.code)).toContain('https.no-cached-credential');
    expect(run.stderr()).toBe('');
    expectNothingShown();
    expect(electron.app.activationPolicy).toBeNull();
  });

  it('exits 0 with the usage for help, and 2 with one line on stderr for bad input', async () => {
    const help = capturedIo(home.env, home.dir);
    expect(await runCliMode(['--help'], { io: help.io, platform: 'linux' })).toBe(0);
    expect(help.stdout()).toMatch(/^Bitbucket Push Doctor: finds why git push to Bitbucket fails/);

    const missing = capturedIo(home.env, home.dir);
    const nowhere = path.join(home.dir, 'nowhere');
    expect(await runCliMode(['diagnose', nowhere], { io: missing.io, platform: 'linux' })).toBe(2);
    expect(missing.stderr()).toBe(`push-doctor: ${nowhere} does not exist.\n`);
    expect(missing.stdout()).toBe('');

    const unknown = capturedIo(home.env, home.dir);
    expect(await runCliMode(['frobnicate'], { io: unknown.io, platform: 'linux' })).toBe(2);
    expect(unknown.stderr()).toMatch(/^push-doctor: unknown command "frobnicate"/);
    expect(electron.app.exitCodes).toEqual([0, 2, 2]);
    expectNothingShown();
  });

  it('macOS: the process may show no Dock icon and open no window (activation policy "prohibited")', async () => {
    const run = capturedIo(home.env, home.dir);
    await runCliMode(['help'], { io: run.io, platform: 'darwin' });
    expect(electron.app.activationPolicy).toBe('prohibited');
    expect(electron.app.exitCodes).toEqual([0]);
    expectNothingShown();
  });

  it('main/index.ts starts the CLI, not the app, for a launcher-style command line, writing to the process stdout', async () => {
    const argv = process.argv;
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    });
    try {
      process.argv = [...LINUX_LAUNCH, 'help'];
      await import('../../main/index.js');
      await vi.waitFor(() => expect(electron.app.exitCodes).toEqual([0]), 10_000);
    } finally {
      write.mockRestore();
      process.argv = argv;
    }
    expect(written.join('')).toContain('Usage:\n  push-doctor diagnose');
    expectNothingShown();
  });
});
