import { configDefaults, defineConfig } from 'vitest/config';
import { FIX_SUITES } from './test/support/fix-suites.js';
import { usePhysicalTmpdir } from './test/support/physical-tmpdir.js';
import { TEST_WORKERS } from './test/support/workers.js';
import { excludedHere } from './test/support/windows-exclusions.js';

/** Files that need POSIX-only parts are left out on Windows; windows-exclusions.test.ts lists them with the reason. */
const excluded = [...configDefaults.exclude, ...excludedHere()];

// git and ssh report physical paths: every test (the workers inherit this) gets the physical name of
// the temporary folder (macOS: /private/var, Windows: no 8.3 short names).
usePhysicalTmpdir();

/**
 * One test run, five kinds of tests:
 * - engine: the engine under plain Node against real git, ssh, keyring and local Bitbucket-like servers
 * - headless: the fix suites again, as on a server or in WSL: no D-Bus session, no keyring, no display
 *   (test/support/machine.ts, headless-setup.ts); test/fix/headless-machine.test.ts proves it
 * - main: the Electron main process with only the `electron` module replaced
 * - renderer: React components in jsdom
 * - e2e: the built UI in real Chromium against the real engine
 * - scripts: the project's own tooling as users run it (the Electron install before npm start, the npm package)
 *
 * The Electron smoke test (test/electron) is not here: it needs the Electron binary and a display,
 * and runs with `npm run test:electron` (vitest.electron.config.ts).
 */
export default defineConfig({
  test: {
    // The figures reporter writes test-output/figures/*.json for `npm run figures` (fault cases, fuzz runs).
    reporters: ['default', './test/support/figures-reporter.ts'],
    maxWorkers: TEST_WORKERS,
    projects: [
      {
        test: {
          name: 'engine',
          include: ['test/engine/**/*.test.ts', 'test/fix/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/crash/**/*.test.ts', 'test/secrets/**/*.test.ts'],
          // The headless machine's own proof runs only in the headless project.
          exclude: [...excluded, 'test/fix/headless-machine.test.ts'],
          globalSetup: ['test/support/build-cli.ts'],
          setupFiles: ['test/support/fuzz-runs.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'headless',
          // A machine without D-Bus and a Secret Service is a Linux one (servers, containers, WSL); elsewhere
          // only headless-machine.test.ts runs, to say so as a skipped test.
          include: process.platform === 'linux' ? [...FIX_SUITES, 'test/fix/headless-machine.test.ts'] : ['test/fix/headless-machine.test.ts'],
          globalSetup: ['test/support/build-cli.ts'],
          setupFiles: ['test/support/headless-setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'main',
          include: ['test/main/**/*.test.ts'],
          exclude: excluded,
          environment: 'node',
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          exclude: excluded,
          environment: 'jsdom',
          setupFiles: ['test/renderer/support/setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: excluded,
          globalSetup: ['test/e2e/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'scripts',
          include: ['test/scripts/**/*.test.ts'],
          exclude: excluded,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
