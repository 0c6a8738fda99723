// Bundles the engine's command line tool for plain Node: out/cli/push-doctor.mjs (+ source map), the
// `push-doctor` of this repository (bin/push-doctor.mjs) and of the tests. The npm package
// (packages/cli) is made by scripts/cli-package.mjs with the same build.
// Dependencies stay external (npm installs them: package.json "dependencies"); only our TypeScript
// is compiled. Each command is a chunk of its own (chunks/), loaded when it runs: a start of
// `push-doctor diagnose` loads neither zod nor the fix and key code (see docs/performance.md).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles app/cli/main.ts into `outdir`/push-doctor.mjs and its lazily loaded `outdir`/chunks/*.mjs. */
export async function buildCli({ outdir = path.join(PROJECT_ROOT, 'out', 'cli'), sourcemap = 'linked' } = {}) {
  // Chunk names carry a hash: drop the previous build's, or they pile up (and into the npm package).
  await rm(path.join(outdir, 'chunks'), { recursive: true, force: true });
  await build({
    entryPoints: { 'push-doctor': path.join(PROJECT_ROOT, 'app', 'cli', 'main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    packages: 'external',
    sourcemap,
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
