/**
 * Declares the crash sweep's tests for one group of scenarios (one test file per group, so that
 * vitest runs the groups in parallel). `npm test` runs the scenarios marked `subset`, each killed
 * at the first point of every kind this file has not killed at yet (pickCases); `npm run
 * test:crash` (vitest.crash.config.ts, PUSH_DOCTOR_CRASH_SWEEP=full) runs every scenario at every
 * point. Each test leaves its figures in its meta; the figures reporter writes them to
 * test-output/figures/crash.json. PUSH_DOCTOR_CRASH_ONLY=text limits a run to the scenarios whose
 * name contains it (while working on one).
 */
import { describe, expect, it } from 'vitest';
import '../../support/figures.js';
import { SCENARIOS, type CrashScenario, type ScenarioGroup } from './scenarios.js';
import { casesOf, record, runCase, type CrashCase, type Recording } from './sweep.js';

export const FULL = process.env.PUSH_DOCTOR_CRASH_SWEEP === 'full';
const ONLY = process.env.PUSH_DOCTOR_CRASH_ONLY;
/** One test is one scenario with all its cases (seconds each, more on a busy machine running the whole suite). */
const SCENARIO_BUDGET_MS = (FULL ? 30 : 5) * 60_000;

/** SIGKILL at a write point and the process semantics the sweep relies on (children in their own sessions, pids) are Linux's here. */
export const NOT_LINUX = process.platform === 'linux' ? null : 'killing the real process at a write point needs Linux process semantics; the sweep runs on the Linux CI';

/**
 * The cases of one scenario: all of them in the full sweep; in the subset, a case whose kind no
 * earlier case of this file had: the point, and for a change to the user's side (not the app's
 * state folder, which fix and undo write with the same code) whether a fix or its undo makes it.
 */
function pickCases(all: CrashCase[], seen: Set<string>, stateDir: string): CrashCase[] {
  if (FULL) return all;
  return all.filter((c) => {
    const kind = c.at.target.startsWith(stateDir) ? `${c.at.point} (state folder)` : `${c.phase} ${c.at.point}`;
    if (seen.has(kind)) return false;
    seen.add(kind);
    return true;
  });
}

function skipReason(scenario: CrashScenario): string | null {
  if (NOT_LINUX) return NOT_LINUX;
  if (scenario.unavailable) return scenario.unavailable;
  if (!FULL && !scenario.subset) return 'full sweep only: npm run test:crash';
  return null;
}

export function crashSuite(group: ScenarioGroup): void {
  const seen = new Set<string>();
  describe(`push-doctor killed at ${FULL ? 'each write point' : 'each kind of write point'}: ${group}`, () => {
    for (const scenario of SCENARIOS.filter((s) => s.group === group && (!ONLY || s.name.includes(ONLY)))) {
      const skip = skipReason(scenario);
      it.skipIf(skip !== null)(`${scenario.name}${skip ? ` (skipped: ${skip})` : ''}`, async ({ task }) => {
        const started = Date.now();
        const prepared = await scenario.prepare();
        try {
          let recording: Recording = await record(prepared);
          expect(recording.fix.length, 'the fix passed no write point').toBeGreaterThan(0);
          expect(recording.undo.length, 'the undo passed no write point').toBeGreaterThan(0);
          const cases = pickCases(casesOf(recording), seen, prepared.world.stateDir);
          const failures: string[] = [];
          const outcome = { finished: 0, rolledBack: 0 };
          for (const crash of cases) {
            try {
              const { state } = await runCase(prepared, recording, crash);
              if (state === 'finished') outcome.finished++;
              else outcome.rolledBack++;
            } catch (error) {
              failures.push(`${crash.phase} killed at ${crash.at.point}:${crash.at.n} (${crash.at.target}), next start ${crash.next}: ${(error as Error).message}`);
              // A failed case may have left the home changed: the next cases get a fresh one.
              await prepared.world.stop().catch(() => {});
              Object.assign(prepared, await scenario.prepare());
              recording = await record(prepared);
            }
          }
          task.meta.crashSweep = {
            scenario: scenario.name,
            fixId: scenario.fixId,
            full: FULL,
            points: recording.fix.length + recording.undo.length,
            fixPoints: recording.fix.length,
            undoPoints: recording.undo.length,
            cases: cases.length,
            passed: cases.length - failures.length,
            finished: outcome.finished,
            rolledBack: outcome.rolledBack,
            seconds: Math.round((Date.now() - started) / 100) / 10,
          };
          expect(failures, failures.join('\n\n')).toEqual([]);
        } finally {
          await prepared.world.stop();
        }
      }, SCENARIO_BUDGET_MS);
    }
  });
}
