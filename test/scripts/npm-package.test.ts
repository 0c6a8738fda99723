/**
 * The command line tool as npm users get it: the `bitbucket-push-doctor` package in packages/cli
 * (`npx bitbucket-push-doctor diagnose`, or `npm install -g bitbucket-push-doctor` for `push-doctor`).
 * Its contents are checked with `npm pack --dry-run`; then the real tarball is published to a local
 * stand-in for the npm registry (with its dependencies packed from this project's node_modules) and
 * installed from there with `npm install -g` and with `npx`, in a throwaway prefix and cache, no
 * network, no install scripts; the installed command runs against a throwaway repository.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHome, type TestHome } from '../support/home.js';
import { cleanNpmEnv, installedDependencyFolders, packFolders, runNpm, startLocalRegistry, type LocalRegistry } from '../support/npm-registry.js';

const ROOT = process.cwd();
const PACKAGE_DIR = path.join(ROOT, 'packages', 'cli');
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

/** Runs an installed command (a .cmd shim on Windows needs the shell). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 60_000, shell: process.platform === 'win32' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code) || 1 : 0, stdout, stderr }),
    );
  });
}

describe('the npm package (packages/cli)', () => {
  it('holds only what the command needs at run time: the bundled CLI, its shim, README, LICENSE', async () => {
    const pack = await runNpm(['pack', '--dry-run', '--json'], { cwd: PACKAGE_DIR, env: cleanNpmEnv() });
    expect(pack.code, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as Array<{ name: string; files: Array<{ path: string }>; size: number }>;
    expect(info!.name).toBe('bitbucket-push-doctor');
    const files = info!.files.map((f) => f.path).sort();
    // The engine's chunks (one per command, loaded when it runs, and the code they share) beside the entry.
    const chunks = files.filter((f) => f.startsWith('dist/chunks/'));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((f) => /^dist\/chunks\/[\w-]+\.mjs$/.test(f))).toBe(true);
    expect(files.filter((f) => !chunks.includes(f))).toEqual(['LICENSE', 'README.md', 'bin/push-doctor.mjs', 'dist/push-doctor.mjs', 'package.json']);
    // Small: the bundled engine only; no Electron app, no sources, no source maps.
    expect(info!.size).toBeLessThan(200 * 1024);
  });

  it('is versioned with the app and depends on exactly what the engine needs at run time', async () => {
    const root = await readJson(path.join(ROOT, 'package.json'));
    const cli = await readJson(path.join(PACKAGE_DIR, 'package.json'));
    expect(cli.version).toBe(root.version);
    expect(cli.dependencies).toEqual(root.dependencies);
    expect(cli.engines).toEqual(root.engines);
    expect(cli.private).toBeUndefined();
    // One command, so `npx bitbucket-push-doctor ...` runs it; named push-doctor, not like the desktop
    // app's executable (bitbucket-push-doctor), so that both can be on the PATH.
    expect(cli.bin).toEqual({ 'push-doctor': 'bin/push-doctor.mjs' });
    // The desktop app's package is not published.
    expect(root.private).toBe(true);
  });

  describe('installed from a registry, as users install it', () => {
    let work: string;
    let home: TestHome;
    let registry: LocalRegistry;
    let npmEnv: NodeJS.ProcessEnv;

    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-npm-package-'));
      home = await createHome('push-doctor-npm-home-');
      // npm with its own empty cache and no user settings (registry, tokens) of this machine.
      const userconfig = path.join(work, 'npmrc');
      await writeFile(userconfig, '');
      npmEnv = cleanNpmEnv({ npm_config_userconfig: userconfig, npm_config_cache: path.join(work, 'cache'), npm_config_update_notifier: 'false' });
      // As `npm publish` would: prepack builds the bundle.
      const [cli] = await packFolders([PACKAGE_DIR], work, cleanNpmEnv(), { runScripts: true });
      const runtime = await packFolders(await installedDependencyFolders(ROOT, Object.keys(cli!.manifest.dependencies as object)), work, npmEnv);
      registry = await startLocalRegistry([cli!, ...runtime]);
    }, 180_000);
    afterAll(async () => {
      await registry?.stop();
      await home?.cleanup();
      await rm(work, { recursive: true, force: true });
    });

    const npmFlags = () => ['--registry', `${registry.url}/`, '--ignore-scripts', '--no-audit', '--no-fund'];

    it('npm install -g: the push-doctor command, without the Electron app or any development dependency', async () => {
      const prefix = path.join(work, 'prefix');
      const install = await runNpm(['install', '--global', '--prefix', prefix, ...npmFlags(), 'bitbucket-push-doctor'], { cwd: work, env: npmEnv });
      expect(install.code, install.stderr).toBe(0);
      const installed = path.join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', 'bitbucket-push-doctor');
      const modules = await readdir(path.join(installed, 'node_modules'));
      expect(modules).toEqual(expect.arrayContaining(['ssh2', 'zod', '@napi-rs']));
      for (const unwanted of ['electron', 'react', 'zustand', 'electron-builder', 'vitest', 'esbuild']) expect(modules).not.toContain(unwanted);

      const bin = process.platform === 'win32' ? path.join(prefix, 'push-doctor.cmd') : path.join(prefix, 'bin', 'push-doctor');
      const help = await run(bin, ['--help'], home.env);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Bitbucket Push Doctor: /);
      expect(help.stdout).toContain('push-doctor diagnose [PATH]');

      // keygen loads ssh2 from the install (in a worker thread): the dependencies really resolve.
      const keygen = await run(bin, ['keygen', '--file', path.join(home.sshDir, 'id_npm'), '--comment', 'npm-test', '--json'], home.env);
      expect(keygen.code, keygen.stderr).toBe(0);
      expect(JSON.parse(keygen.stdout)).toMatchObject({ fingerprint: expect.stringMatching(/^SHA256:/) });
    });

    it('npx bitbucket-push-doctor diagnose: inspects a repository', async () => {
      const repo = await home.repo('widgets');
      await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
      const npx = await runNpm(['exec', '--yes', ...npmFlags(), '--', 'bitbucket-push-doctor', 'diagnose', repo, '--offline', '--json'], { cwd: home.dir, env: { ...npmEnv, HOME: home.dir } });
      const report = JSON.parse(npx.stdout);
      expect(report).toMatchObject({ schemaVersion: expect.any(Number), path: await realpath(repo), verdict: expect.any(String) });
      expect(npx.code).toBe(report.verdict === 'ok' ? 0 : 1);
      expect(registry.requests).toContain('/bitbucket-push-doctor');
    });
  });
});
