/**
 * The app's binary as the `push-doctor` command, in real Electron (`npm run test:electron`): started
 * the way the launchers in resources/cli start it (`--cli`, on Linux Chromium's headless platform,
 * `--`), it runs the CLI and exits by itself with the CLI's status, its output on its own stdout.
 * On Linux the run has no DISPLAY and no WAYLAND_DISPLAY: the command must work over ssh and on
 * servers. Only the Electron binary is needed; where it is missing, the test says so.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installedElectronBinary } from '../../scripts/electron-binary.mjs';
import { ensureAppBuilt, PROJECT_ROOT } from '../../scripts/preview/renderer-build.js';
import { createHome, type TestHome } from '../support/home.js';
import { skipNote, type PlatformSkip } from '../support/platform.js';

const electron = installedElectronBinary();
const unavailable = electron ? null : 'the Electron binary is not installed (npm run test:electron downloads it where the network allows)';

/** What resources/cli/push-doctor (or push-doctor.cmd) puts before the user's arguments. */
/** As in the shell tests: the engine's diagnosis in a test home is proven on Windows by the engine's own Windows tests. */
const testHomeDiagnosis: PlatformSkip = {
  skip: process.platform === 'win32',
  reason: "skipped on Windows: the test home's git config runs ssh -F with POSIX paths (help and bad input still run there)",
};

const LAUNCHER_ARGS = ['--cli', ...(process.platform === 'linux' ? ['--ozone-platform=headless', '--disable-gpu'] : []), '--'];

function runApp(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Running from source, the app path follows the executable (main counts it: argvSkip).
    const child = spawn(electron!, [PROJECT_ROOT, ...LAUNCHER_ARGS, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A window or a tray would keep the app running: it must end by itself.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe.skipIf(unavailable)(`the app's binary as push-doctor, in real Electron${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: TestHome;
  /** The throwaway home's environment, with no display at all on Linux. */
  const env = () => {
    const base: NodeJS.ProcessEnv = { ...process.env, ...home.env };
    if (process.platform === 'linux') {
      delete base.DISPLAY;
      delete base.WAYLAND_DISPLAY;
    }
    return base;
  };

  beforeAll(() => ensureAppBuilt(), 120_000);
  beforeEach(async () => {
    home = await createHome('push-doctor-electron-cli-');
  });
  afterEach(async () => {
    await home.cleanup();
  });

  it.skipIf(testHomeDiagnosis.skip)(`diagnoses a repository: the JSON report on stdout, exit status 1, and the app ends by itself${skipNote(testHomeDiagnosis)}`, async () => {
    const repo = await home.repo('widgets');
    await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    const result = await runApp(['diagnose', '--offline', '--json', repo], env(), repo);
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { path: string; findings: Array<{ code: string }> };
    expect(report.path).toBe(repo);
    expect(report.findings.map((f) => f.code)).toContain('https.no-cached-credential');
  });

  it('exits 0 with the usage, and 2 with one line on stderr for bad input', async () => {
    const help = await runApp(['--help'], env(), home.dir);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage:\n  push-doctor diagnose');
    const nowhere = path.join(home.dir, 'nowhere');
    const missing = await runApp(['diagnose', nowhere], env(), home.dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`push-doctor: ${nowhere} does not exist.`);
  });
});
