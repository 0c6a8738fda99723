/**
 * `npm start` / `npm run dev` first make sure the Electron binary is there (scripts/ensure-electron.mjs,
 * run as prestart / predev), through Electron's own installer. These tests run the real script and
 * the real installer (node_modules/electron/install.js and @electron/get) in a copy of the project
 * whose node_modules/electron has no binary, against local servers standing in for the download
 * site: unreachable, silent, and one that serves a (tiny) Electron release. The real
 * node_modules/electron is never touched.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusedPort } from '../support/bitbucket-ssh.js';
import { createZip } from '../support/zip.js';

const ROOT = process.cwd();
const ELECTRON_VERSION: string = JSON.parse(await readFile(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const PLATFORM_PATH: Record<string, string> = { linux: 'electron', darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' };

interface Project {
  dir: string;
  electronDir: string;
  cache: string;
}

/** The two scripts, and a node_modules that is the real one except for a binary-less copy of electron. */
async function copyProject(): Promise<Project> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-ensure-electron-'));
  await mkdir(path.join(dir, 'scripts'));
  for (const script of ['ensure-electron.mjs', 'electron-binary.mjs']) await cp(path.join(ROOT, 'scripts', script), path.join(dir, 'scripts', script));
  const modules = path.join(dir, 'node_modules');
  await mkdir(modules);
  for (const name of await readdir(path.join(ROOT, 'node_modules'))) {
    if (name === 'electron' || name === '.bin') continue;
    await symlink(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'junction');
  }
  const electronDir = path.join(modules, 'electron');
  await cp(path.join(ROOT, 'node_modules', 'electron'), electronDir, {
    recursive: true,
    filter: (source) => !/[\\/]electron[\\/](dist|path\.txt)$/.test(source),
  });
  const cache = path.join(dir, 'electron-cache');
  await mkdir(cache);
  return { dir, electronDir, cache };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the script as npm's prestart would, with only this test's download settings. */
function ensure(project: Project, env: Record<string, string>, args: string[] = []): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(electron_|npm_config_electron|ELECTRON_|force_no_cache)/i.test(key)));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(project.dir, 'scripts', 'ensure-electron.mjs'), ...args], {
      cwd: project.dir,
      env: { ...clean, npm_lifecycle_event: 'prestart', electron_config_cache: project.cache, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ensure-electron.mjs still running after 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A local stand-in for the download site; `handler` answers (or not). */
async function startMirror(handler: http.RequestListener): Promise<{ url: string; requests: string[]; sockets: Set<net.Socket>; stop(): Promise<void> }> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    sockets,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SENTENCE = new RegExp(
  `^Push Doctor cannot start: the Electron ${ELECTRON_VERSION.replace(/\./g, '\\.')} binary is not installed in node_modules/electron \\((?<reason>[^\\n]+)\\); (?<todo>[^\\n]+) and run \`npm start\` again\\.\\n$`,
);

describe('npm start without the Electron binary', () => {
  let project: Project;
  let stops: Array<() => Promise<void>>;
  beforeEach(async () => {
    project = await copyProject();
    stops = [];
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    await rm(project.dir, { recursive: true, force: true });
  });

  it('without a network: tries the download once, then stops with one sentence and status 1, no stack trace', async () => {
    const port = await refusedPort();
    const run = await ensure(project, { ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
    expect(run.code).toBe(1);
    const match = SENTENCE.exec(run.stderr);
    expect(match, run.stderr).not.toBeNull();
    expect(match!.groups!.reason).toBe(`downloading it from 127.0.0.1:${port} failed: fetch failed`);
    expect(match!.groups!.todo).toBe('connect to the internet (or set ELECTRON_MIRROR to a mirror you can reach)');
    expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe(`Push Doctor: downloading the Electron ${ELECTRON_VERSION} binary from 127.0.0.1:${port} (once; about 100 MB)…\n`);
    expect(existsSync(path.join(project.electronDir, 'path.txt'))).toBe(false);
  });

  it('cannot hang: a download site that never answers is given up after the time limit', async () => {
    const mirror = await startMirror(() => {
      // Accept the request and never answer.
    });
    stops.push(mirror.stop);
    const run = await ensure(project, { ELECTRON_MIRROR: mirror.url, PUSH_DOCTOR_ELECTRON_DOWNLOAD_TIMEOUT: '2' });
    expect(run.code).toBe(1);
    expect(SENTENCE.exec(run.stderr)?.groups?.reason).toBe(`downloading it from ${mirror.url.slice(7, -1)} failed: timed out after 2 s`);
    expect(run.ms).toBeGreaterThanOrEqual(2000);
    expect(run.ms).toBeLessThan(15_000);
    expect(mirror.requests).toEqual([`/v${ELECTRON_VERSION}/electron-v${ELECTRON_VERSION}-${process.platform}-${process.arch}.zip`]);
    // The installer was killed with its process group: its connection is gone.
    await expect.poll(() => mirror.sockets.size, { timeout: 5000 }).toBe(0);
  });

  it('downloads the binary with Electron’s installer when the site answers, and only once', async () => {
    const binary = PLATFORM_PATH[process.platform]!;
    const zipName = `electron-v${ELECTRON_VERSION}-${process.platform}-${process.arch}.zip`;
    const folders = binary.split('/').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`);
    const zip = createZip([...folders.map((name) => ({ name })), { name: binary, data: '#!/bin/sh\necho stand-in\n', mode: 0o755 }, { name: 'version', data: `v${ELECTRON_VERSION}` }]);
    const sums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
    const mirror = await startMirror((req, res) => {
      if (req.url === `/v${ELECTRON_VERSION}/${zipName}`) res.end(zip);
      else if (req.url === `/v${ELECTRON_VERSION}/SHASUMS256.txt`) res.end(sums);
      else res.writeHead(404).end();
    });
    stops.push(mirror.stop);
    const env = { ELECTRON_MIRROR: mirror.url, electron_use_remote_checksums: '1' };

    const first = await ensure(project, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await readFile(path.join(project.electronDir, 'path.txt'), 'utf8')).toBe(binary);
    expect(existsSync(path.join(project.electronDir, 'dist', binary))).toBe(true);
    expect(mirror.requests).toContain(`/v${ELECTRON_VERSION}/${zipName}`);

    const requests = mirror.requests.length;
    const second = await ensure(project, env);
    expect([second.code, second.stdout, second.stderr]).toEqual([0, '', '']);
    expect(mirror.requests).toHaveLength(requests);
  });

  it('respects ELECTRON_SKIP_BINARY_DOWNLOAD: no download, and says to unset it', async () => {
    const mirror = await startMirror((_req, res) => res.writeHead(404).end());
    stops.push(mirror.stop);
    const run = await ensure(project, { ELECTRON_MIRROR: mirror.url, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(run.code).toBe(1);
    expect(SENTENCE.exec(run.stderr)?.groups).toEqual({ reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not downloaded', todo: 'unset ELECTRON_SKIP_BINARY_DOWNLOAD' });
    expect(mirror.requests).toEqual([]);
  });

  it('with --optional (npm run test:electron) reports the missing binary on one line and goes on', async () => {
    const port = await refusedPort();
    const run = await ensure(project, { ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, npm_lifecycle_event: 'test:electron' }, ['--optional']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').at(-2)).toBe(
      `Push Doctor: the Electron ${ELECTRON_VERSION} binary is not installed in node_modules/electron (downloading it from 127.0.0.1:${port} failed: fetch failed); the tests that need it will report themselves skipped.`,
    );
  });
});

describe('package.json', () => {
  it('makes sure of the binary before npm start, npm run dev and npm run test:electron', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(scripts.prestart).toBe('node scripts/ensure-electron.mjs');
    expect(scripts.predev).toBe('node scripts/ensure-electron.mjs');
    expect(scripts['test:electron']).toBe('node scripts/test-electron.mjs');
  });
});
