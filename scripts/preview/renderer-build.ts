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

/** True when out/renderer/index.html exists and is newer than every source file. */
export async function rendererIsFresh(root = PROJECT_ROOT): Promise<boolean> {
  const built = await stat(path.join(root, 'out', 'renderer', 'index.html')).catch(() => null);
  if (!built) return false;
  const sources = await Promise.all(SOURCES.map((s) => newestMtime(path.join(root, s))));
  return Math.max(...sources) <= built.mtimeMs;
}

/** Runs `electron-vite build` (the same build the installers ship) when the bundle is stale. */
export async function ensureRendererBuilt(options: { log?: (line: string) => void } = {}): Promise<void> {
  if (await rendererIsFresh()) return;
  options.log?.('Building the renderer (electron-vite build)…');
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
