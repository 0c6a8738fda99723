// Bundles the engine's command line tool for plain Node: out/cli/*.mjs.
// Dependencies stay external (they are installed by npm ci); only our TypeScript is compiled.
import { build } from 'esbuild';

await build({
  entryPoints: {
    'push-doctor': 'app/cli/main.ts',
  },
  outdir: 'out/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
