/**
 * The production renderer's JavaScript size, gzipped (what the window downloads and parses), against
 * the 150 KB budget of the guide issue. `measureRendererBundle()` is for `npm run bench`; run alone:
 * `npx tsx scripts/bundle-size.ts` (builds the renderer first when it is stale).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ensureRendererBuilt, RENDERER_OUT } from './preview/renderer-build.js';

export const RENDERER_JS_BUDGET_BYTES = 150 * 1024;

export interface BundleFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleMeasurement {
  files: BundleFile[];
  totalBytes: number;
  totalGzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
}

/** Raw and gzipped size (zlib's default level, as `gzip` and most servers use) of every assets/*.js. */
export async function measureRendererBundle(rendererDir = RENDERER_OUT): Promise<BundleMeasurement> {
  const assets = path.join(rendererDir, 'assets');
  const names = (await readdir(assets)).filter((name) => name.endsWith('.js')).sort();
  if (names.length === 0) throw new Error(`${assets} holds no JavaScript: build the renderer first`);
  const files = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(path.join(assets, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content).length };
    }),
  );
  const totalGzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return {
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    totalGzipBytes,
    budgetBytes: RENDERER_JS_BUDGET_BYTES,
    withinBudget: totalGzipBytes <= RENDERER_JS_BUDGET_BYTES,
  };
}

export function formatBundleMeasurement(m: BundleMeasurement): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const lines = m.files.map((f) => `  ${f.name}  ${kb(f.bytes)} raw, ${kb(f.gzipBytes)} gzipped`);
  return [`Renderer JavaScript: ${kb(m.totalGzipBytes)} gzipped (budget ${kb(m.budgetBytes)}: ${m.withinBudget ? 'within' : 'OVER'})`, ...lines].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureRendererBuilt({ log: (line) => console.log(line) });
  const measurement = await measureRendererBundle();
  console.log(formatBundleMeasurement(measurement));
  if (!measurement.withinBudget) process.exitCode = 1;
}
