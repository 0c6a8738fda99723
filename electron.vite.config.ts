import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { DEV_CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './main/csp.js';

/** The dev server needs inline styles and its HMR socket; builds keep index.html's strict policy. */
function devCsp(): Plugin {
  return {
    name: 'push-doctor:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(META_CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve('main/index.ts') },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve('main/preload/index.ts') },
      // A sandboxed preload must be one CommonJS file that requires only electron.
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves bundles unminified by default; the renderer's JavaScript budget is 150 KB gzipped.
      minify: true,
      rollupOptions: { input: resolve('renderer/index.html') },
      sourcemap: false,
    },
    plugins: [react(), devCsp()],
  },
});
