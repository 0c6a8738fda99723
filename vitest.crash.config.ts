import { defineConfig } from 'vitest/config';
import { usePhysicalTmpdir } from './test/support/physical-tmpdir.js';
import { TEST_WORKERS } from './test/support/workers.js';

usePhysicalTmpdir();

/**
 * `npm run test:crash`: the full crash sweep (test/crash), the real CLI SIGKILLed at every write
 * point of every fix and of its undo. `npm test` runs a subset of the same tests (every kind of
 * point once, vitest.config.ts); this takes about as long as the rest of CI together, so it is a
 * script of its own: the GitHub workflow's Linux job runs it, and .ci/run with CI_CRASH_SWEEP=full. The test files run in parallel; each writes its figures through the figures
 * reporter (test-output/figures/crash.json).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/figures-reporter.ts'],
    maxWorkers: TEST_WORKERS,
    projects: [
      {
        test: {
          name: 'crash',
          include: ['test/crash/**/*.test.ts'],
          globalSetup: ['test/support/build-cli.ts'],
          environment: 'node',
          env: { PUSH_DOCTOR_CRASH_SWEEP: 'full' },
          // One test is one scenario: every point of its fix and its undo, a few seconds each.
          testTimeout: 30 * 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
