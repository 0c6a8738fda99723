#!/usr/bin/env node
// Makes sure the Electron binary is installed before `npm start` / `npm run dev` launch it (npm runs
// this as prestart / predev). When it is missing, Electron's own installer
// (node_modules/electron/install.js: download, checksum, unzip, path.txt) runs once, bounded in time.
// When that fails, one sentence says what is missing and what to do; no stack trace.
//
//   node scripts/ensure-electron.mjs [--optional]
//
// --optional: a missing binary is reported on one line and the exit status is 0 (npm run
// test:electron then runs the smoke test, which reports itself skipped with the reason).
// PUSH_DOCTOR_ELECTRON_DOWNLOAD_TIMEOUT: seconds the download may take (default 600).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { electronDownloadHost, electronPackage, installedElectronBinary } from './electron-binary.mjs';

const DEFAULT_TIMEOUT_SECONDS = 600;

/** The npm command that ran this (prestart → "npm start"), for the sentence. */
function npmCommand(env = process.env) {
  const event = (env.npm_lifecycle_event ?? '').replace(/^pre/, '');
  if (event === 'start' || event === 'test') return `npm ${event}`;
  return event ? `npm run ${event}` : 'npm start';
}

function timeoutSeconds(env = process.env) {
  const value = Number(env.PUSH_DOCTOR_ELECTRON_DOWNLOAD_TIMEOUT);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_SECONDS;
}

/** The installer's own error, reduced to its first line ("TypeError: fetch failed", "HTTPError: Response code 404 ..."). */
function firstErrorLine(stderr) {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('at '));
  return (line ?? 'no output').replace(/^(\w*Error): /, '').slice(0, 200);
}

/** Runs Electron's installer; resolves { ok } or { ok: false, reason }. Killed after `seconds`. */
function runInstaller(installer, seconds) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group, so a timeout ends everything it started.
      detached: process.platform !== 'win32',
      env: { ...process.env, ELECTRON_GET_NO_PROGRESS: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      try {
        if (process.platform === 'win32') child.kill();
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      resolve({ ok: false, reason: `timed out after ${seconds} s` });
    }, seconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true } : { ok: false, reason: firstErrorLine(stderr) });
    });
  });
}

async function main() {
  const optional = process.argv.includes('--optional');
  const { dir, version } = electronPackage();
  if (installedElectronBinary(dir)) return 0;

  const what = `the Electron ${version} binary is not installed in node_modules/electron`;
  const host = electronDownloadHost();
  let reason;
  let todo = `connect to the internet (or set ELECTRON_MIRROR to a mirror you can reach) and run \`${npmCommand()}\` again`;
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    reason = 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not downloaded';
    todo = `unset ELECTRON_SKIP_BINARY_DOWNLOAD and run \`${npmCommand()}\` again`;
  } else {
    const seconds = timeoutSeconds();
    process.stdout.write(`Push Doctor: downloading the Electron ${version} binary from ${host} (once; about 100 MB)…\n`);
    const result = await runInstaller(path.join(dir, 'install.js'), seconds);
    if (result.ok && installedElectronBinary(dir)) return 0;
    reason = result.ok ? 'the installer finished without installing it' : `downloading it from ${host} failed: ${result.reason}`;
  }

  if (optional) {
    process.stdout.write(`Push Doctor: ${what} (${reason}); the tests that need it will report themselves skipped.\n`);
    return 0;
  }
  process.stderr.write(`Push Doctor cannot start: ${what} (${reason}); ${todo}.\n`);
  return 1;
}

process.exitCode = await main();
