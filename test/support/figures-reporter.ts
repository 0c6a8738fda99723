import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { FIGURES_DIR, type CrashSweepFigures, type FiguresFile, type SecretSweepFigures } from './figures.js';

/**
 * Writes the figures CI prints (`npm run figures`): how many fault cases ran and passed, how
 * many fast-check runs each property made, the crash sweep's points and cases, and the planted secrets the
 * secret sweep searched for on each surface. Only the kinds present in a run are written, so running
 * one test file does not wipe the others' figures with zeros.
 */
/** Whether a test's file is under `folder` of the project (vitest's module ids use "/" on every system, also Windows). */
function inFolder(test: TestCase, folder: string): boolean {
  return path.relative(process.cwd(), test.module.moduleId).split(path.sep).join('/').startsWith(folder);
}

export default class FiguresReporter implements Reporter {
  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const tests = modules.flatMap((m) => [...m.children.allTests()]);
    const files: Array<[string, FiguresFile]> = [];

    const faults = tests.filter((t) => inFolder(t, 'test/faults/'));
    if (faults.length > 0) {
      const count = (state: string) => faults.filter((t) => t.result().state === state).length;
      files.push([
        'faults.json',
        {
          title: 'Fault suite (test/faults)',
          figures: { cases: faults.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
          rows: faults.map((t) => ({ name: name(t), value: faultRow(t) })),
        },
      ]);
    }

    const fuzzed = tests.filter((t) => (t.meta().fuzzRuns ?? 0) > 0);
    if (fuzzed.length > 0) {
      const total = fuzzed.reduce((sum, t) => sum + (t.meta().fuzzRuns ?? 0), 0);
      const failed = fuzzed.filter((t) => t.result().state === 'failed').length;
      files.push([
        'fuzz.json',
        {
          title: 'Property tests and fuzzing (fast-check)',
          figures: { properties: fuzzed.length, runs: total, failed },
          rows: fuzzed.map((t) => ({ name: name(t), value: `${t.meta().fuzzRuns} runs` })),
        },
      ]);
    }

    const crash = tests.filter((t) => inFolder(t, 'test/crash/'));
    if (crash.length > 0) files.push(['crash.json', crashFigures(crash)]);

    const secrets = tests.filter((t) => t.module.moduleId.includes(`${path.sep}test${path.sep}secrets${path.sep}`));
    if (secrets.some((t) => t.meta().secretSweep)) files.push(['secrets.json', secretFigures(secrets)]);

    if (files.length === 0) return;
    await mkdir(FIGURES_DIR, { recursive: true });
    for (const [file, figures] of files) await writeFile(path.join(FIGURES_DIR, file), `${JSON.stringify(figures, null, 2)}\n`);
  }
}

/** The crash sweep: write points, cases killed at them, and what the next start made of them. */
function crashFigures(tests: TestCase[]): FiguresFile {
  const swept = tests.map((t) => t.meta().crashSweep).filter((m): m is CrashSweepFigures => m !== undefined);
  const sum = (pick: (m: CrashSweepFigures) => number) => swept.reduce((total, m) => total + pick(m), 0);
  const full = swept.length > 0 && swept.every((m) => m.full);
  return {
    title: `Crash safety: push-doctor SIGKILLed at write points (${full ? 'full sweep, npm run test:crash' : 'npm test subset; npm run test:crash kills at every point'})`,
    figures: {
      'fixes covered': new Set(swept.filter((m) => m.fixId && m.passed === m.cases).map((m) => m.fixId)).size,
      scenarios: swept.length,
      'crash points': sum((m) => m.points),
      'cases run': sum((m) => m.cases),
      passed: sum((m) => m.passed),
      'finished on next start': sum((m) => m.finished),
      'rolled back on next start': sum((m) => m.rolledBack),
      'tests failed': tests.filter((t) => t.result().state === 'failed').length,
      'tests skipped': tests.filter((t) => t.result().state === 'skipped').length,
    },
    rows: tests.map((t) => {
      const m = t.meta().crashSweep;
      const state = t.result().state;
      if (!m) return { name: name(t), value: state };
      const next = m.finished + m.rolledBack > 0 ? ` (${m.finished} finished, ${m.rolledBack} rolled back on the next start)` : '';
      return { name: name(t), value: `${state}: ${m.fixPoints} points in the change, ${m.undoPoints} in its undo; ${m.passed}/${m.cases} cases passed${next}, ${m.seconds} s` };
    }),
  };
}

/**
 * The secret sweep: "planted secrets checked" is every distinct secret planted times every surface
 * searched (each surface's texts were searched for every secret, in every form it could take).
 */
function secretFigures(tests: TestCase[]): FiguresFile {
  const swept = tests.map((t) => t.meta().secretSweep).filter((m): m is SecretSweepFigures => m !== undefined);
  const secrets = new Set(swept.flatMap((m) => m.secrets));
  const texts = new Map<string, number>();
  for (const m of swept) for (const [surface, n] of Object.entries(m.surfaces)) texts.set(surface, (texts.get(surface) ?? 0) + n);
  const skipped = new Map(swept.flatMap((m) => m.skipped.map((s) => [s.id, s.reason] as const)));
  for (const id of secrets) skipped.delete(id);
  return {
    title: 'Secret sweep (test/secrets): planted secrets searched for on every surface',
    figures: {
      'planted secrets checked': secrets.size * texts.size,
      'planted secrets': secrets.size,
      surfaces: texts.size,
      'texts searched': [...texts.values()].reduce((a, b) => a + b, 0),
      leaks: swept.reduce((n, m) => n + m.leaks, 0),
      'plants skipped here': skipped.size,
      'tests failed': tests.filter((t) => t.result().state === 'failed').length,
    },
    rows: [
      ...[...texts].map(([surface, n]) => ({ name: surface, value: `${n} texts × ${secrets.size} secrets` })),
      ...[...skipped].map(([id, reason]) => ({ name: `not planted: ${id}`, value: reason })),
    ],
  };
}

function name(test: TestCase): string {
  return `${path.relative(process.cwd(), test.module.moduleId)} > ${test.fullName}`;
}

function faultRow(test: TestCase): string {
  const state = test.result().state;
  const slowest = test.meta().faultSlowest;
  return slowest ? `${state}, slowest surface ${slowest.surface} ${slowest.ms} ms` : state;
}
