/**
 * The production renderer bundle in out/renderer, built when missing or older than its sources, so
 * the preview, the e2e tests and the bundle measurement always see the current UI.
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_OUT = path.join(PROJECT_ROOT, 'out', 'renderer');

/** What the renderer bundle is built from: its sources, the contract and facts it compiles, the build config. */
const SOURCES = ['renderer', 'app/contract', 'app/facts', 'main/csp.ts', 'electron.vite.config.ts', 'package.json'];

async function newestMtime(entry: string): Promise<number> {
  const info = await stat(entry).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of await readdir(entry)) newest = Math.max(newest, await newestMtime(path.join(entry, name)));
  return newest;
}

/** What the main and preload bundles are built from (the engine included: main bundles it). */
const MAIN_SOURCES = ['main', 'app', 'electron.vite.config.ts', 'package.json'];

async function isFresh(root: string, built: string, sources: string[]): Promise<boolean> {
  const output = await stat(path.join(root, built)).catch(() => null);
  if (!output) return false;
  const newest = await Promise.all(sources.map((s) => newestMtime(path.join(root, s))));
  return Math.max(...newest) <= output.mtimeMs;
}

/** True when out/renderer/index.html exists and is newer than every source file. */
export function rendererIsFresh(root = PROJECT_ROOT): Promise<boolean> {
  return isFresh(root, path.join('out', 'renderer', 'index.html'), SOURCES);
}

/** True when the renderer and out/main/index.js are both newer than their sources. */
export async function appIsFresh(root = PROJECT_ROOT): Promise<boolean> {
  return (await rendererIsFresh(root)) && (await isFresh(root, path.join('out', 'main', 'index.js'), MAIN_SOURCES));
}

/** Runs `electron-vite build` (the same build the installers ship) when the renderer bundle is stale. */
export async function ensureRendererBuilt(options: { log?: (line: string) => void } = {}): Promise<void> {
  if (!(await rendererIsFresh())) await buildBundles(options);
}

/** The same, when any of the main, preload and renderer bundles is stale. */
export async function ensureAppBuilt(options: { log?: (line: string) => void } = {}): Promise<void> {
  if (!(await appIsFresh())) await buildBundles(options);
}

async function buildBundles(options: { log?: (line: string) => void }): Promise<void> {
  options.log?.('Building the app bundles (electron-vite build)…');
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'electron-vite');
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(bin, ['build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });
  if (code !== 0) throw new Error(`electron-vite build failed (exit ${code}):\n${output.join('').slice(-4000)}`);
}
