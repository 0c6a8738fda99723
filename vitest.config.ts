import { defineConfig } from 'vitest/config';
import { FIX_SUITES } from './test/support/fix-suites.js';


/**
 * One test run, five kinds of tests:
 * - engine: the engine under plain Node against real git, ssh, keyring and local Bitbucket-like servers
 * - headless: the fix suites again, as on a server or in WSL: no D-Bus session, no keyring, no display
 *   (test/support/machine.ts, headless-setup.ts); test/fix/headless-machine.test.ts proves it
 * - shell:  the Electron shell with only the `electron` module replaced
 * - renderer: React components in jsdom
 * - e2e: the built UI in real Chromium against the real engine
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          include: ['test/engine/**/*.test.ts', 'test/fix/**/*.test.ts', 'test/cli/**/*.test.ts'],
          exclude: ['test/fix/headless-machine.test.ts'],
          globalSetup: ['test/support/build-cli.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'headless',
          include: [...FIX_SUITES, 'test/fix/headless-machine.test.ts'],
          globalSetup: ['test/support/build-cli.ts'],
          setupFiles: ['test/support/headless-setup.ts'],
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
