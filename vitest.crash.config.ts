import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { usePhysicalTmpdir } from './test/support/physical-tmpdir.js';

usePhysicalTmpdir();

/**
 * `npm run test:crash`: the full crash sweep (test/crash), the real CLI SIGKILLed at every write
 * point of every fix and of its undo. `npm test` runs a subset of the same tests (every kind of
 * point once, vitest.config.ts); this takes minutes, so it is a script of its own that .ci/run runs
 * after `npm test`. The test files run in parallel; each writes its figures through the figures
 * reporter (test-output/figures/crash.json).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/figures-reporter.ts'],
    // As in vitest.config.ts: every core, not Vitest's default of one less (one file at a time on 2 cores).
    maxWorkers: Math.max(2, availableParallelism()),
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
