#!/usr/bin/env node
// npm run test:electron: the Electron smoke test (test/electron), for machines that can download
// Electron (the CI matrix, a developer with internet).
//  1. Electron's own installer fetches the binary when it is missing (scripts/ensure-electron.mjs);
//     if it cannot, the smoke test still runs and reports itself skipped with the reason, unless
//     PUSH_DOCTOR_REQUIRE_ELECTRON=1 (CI: a runner that cannot get Electron is a failure, not a skip).
//  2. The app bundles are built (electron-vite build).
//  3. vitest runs the smoke test; on Linux without a display, under `xvfb-run` when it is installed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedElectronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
// Windows starts the .cmd shims of node_modules/.bin only through cmd.exe, which splits on spaces: quote
// them there. Everything else (node itself, often in C:\Program Files) starts without a shell.
const viaCmd = (command) => process.platform === 'win32' && /\.cmd$/i.test(command);
const quoted = (word) => (/[\s"]/.test(word) ? `"${word.replace(/"/g, '""')}"` : word);
const run = (command, args) =>
  (viaCmd(command) ? spawnSync([command, ...args].map(quoted).join(' '), { cwd: root, stdio: 'inherit', shell: true }) : spawnSync(command, args, { cwd: root, stdio: 'inherit' })).status ?? 1;

const required = process.env.PUSH_DOCTOR_REQUIRE_ELECTRON === '1';
const ensured = run(process.execPath, [path.join(root, 'scripts', 'ensure-electron.mjs'), ...(required ? [] : ['--optional'])]);
if (ensured !== 0) process.exit(ensured);

if (installedElectronBinary()) {
  const built = run(bin('electron-vite'), ['build']);
  if (built !== 0) process.exit(built);
}

const vitest = [bin('vitest'), 'run', '--config', 'vitest.electron.config.ts', '--reporter=verbose'];
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const hasXvfb = headless && spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error === undefined;
process.exit(hasXvfb ? run('xvfb-run', ['--auto-servernum', ...vitest]) : run(vitest[0], vitest.slice(1)));
