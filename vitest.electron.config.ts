import { defineConfig } from 'vitest/config';
import { usePhysicalTmpdir } from './test/support/physical-tmpdir.js';

usePhysicalTmpdir();

/**
 * The Electron smoke test: the built app in real Electron, driven by Playwright. Not part of
 * `npm test` (this machine cannot download Electron); `npm run test:electron` runs it, and it reports
 * itself skipped, with the reason, where Electron or a display is missing.
 */
export default defineConfig({
  test: {
    name: 'electron',
    include: ['test/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
