/**
 * Figures the test run reports for CI (`npm run figures` prints them): what a test measured travels
 * in its task meta to the figures reporter (test/support/figures-reporter.ts), which writes one JSON
 * file per kind under test-output/figures/.
 */
declare module '@vitest/runner' {
  interface TaskMeta {
    /** fast-check runs of every property the test asserted (test/support/fuzz-runs.ts adds them up). */
    fuzzRuns?: number;
    /** Fault suite: the slowest surface of the case and how long it took. */
    faultSlowest?: { surface: string; ms: number };
  }
}

/** The format of a figures file, printed by scripts/figures.mjs. */
export interface FiguresFile {
  /** "Fault suite", "Fuzzing". */
  title: string;
  /** The headline numbers, in order ("cases": 27, "passed": 27). */
  figures: Record<string, number | string>;
  /** One line each: a name and its value ("URL parser: 2000 runs"). */
  rows?: Array<{ name: string; value: number | string }>;
}

export const FIGURES_DIR = 'test-output/figures';
