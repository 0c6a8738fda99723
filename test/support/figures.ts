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
    /** Crash sweep (test/crash): one scenario's write points and the cases killed at them. */
    crashSweep?: CrashSweepFigures;
    /** Secret sweep (test/secrets): the secrets planted and how many texts each surface gave. */
    secretSweep?: SecretSweepFigures;
  }
}

export interface CrashSweepFigures {
  scenario: string;
  /** The fix the scenario applies (null: not a fix, e.g. the app's state file). */
  fixId: string | null;
  /** Every point (true) or the subset of npm test. */
  full: boolean;
  /** Write points the fix and its undo pass, in all. */
  points: number;
  fixPoints: number;
  undoPoints: number;
  /** Runs killed at a point, and how many of them passed every check. */
  cases: number;
  passed: number;
  /** What the next start did: finished the interrupted change, or rolled it back. */
  finished: number;
  rolledBack: number;
  seconds: number;
}

export interface SecretSweepFigures {
  /** The test file. */
  file: string;
  /** The plants made on this machine. */
  secrets: string[];
  /** The plants that could not be made here, and why. */
  skipped: Array<{ id: string; reason: string }>;
  /** Surface → how many texts (outputs, results, files) it gave. */
  surfaces: Record<string, number>;
  /** Places a planted secret was found (0 when the sweep passed). */
  leaks: number;
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
