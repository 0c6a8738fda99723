import { defineConfig } from 'vitest/config';

/**
 * One test run, four kinds of tests:
 * - engine: the engine under plain Node against real git, ssh, keyring and local Bitbucket-like servers
 * - shell:  the Electron shell with only the `electron` module replaced
 * - renderer: React components in jsdom
 * - e2e: the built UI in real Chromium against the real engine
 */
export default defineConfig({
  test: {
    // The figures reporter writes test-output/figures/*.json for `npm run figures` (fault cases, fuzz runs).
    reporters: ['default', './test/support/figures-reporter.ts'],
    projects: [
      {
        test: {
          name: 'engine',
          include: ['test/engine/**/*.test.ts', 'test/fix/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          globalSetup: ['test/support/build-cli.ts'],
          setupFiles: ['test/support/fuzz-runs.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'shell',
          include: ['test/shell/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['test/renderer/support/setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
