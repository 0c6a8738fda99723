import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { FIGURES_DIR, type FiguresFile } from './figures.js';

/**
 * Writes the figures CI prints (`npm run figures`): how many fault cases ran and passed, and how
 * many fast-check runs each property made. Only the kinds present in a run are written, so running
 * one test file does not wipe the others' figures with zeros.
 */
export default class FiguresReporter implements Reporter {
  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const tests = modules.flatMap((m) => [...m.children.allTests()]);
    const files: Array<[string, FiguresFile]> = [];

    const faults = tests.filter((t) => t.module.moduleId.includes(`${path.sep}test${path.sep}faults${path.sep}`));
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

    if (files.length === 0) return;
    await mkdir(FIGURES_DIR, { recursive: true });
    for (const [file, figures] of files) await writeFile(path.join(FIGURES_DIR, file), `${JSON.stringify(figures, null, 2)}\n`);
  }
}

function name(test: TestCase): string {
  return `${path.relative(process.cwd(), test.module.moduleId)} > ${test.fullName}`;
}

function faultRow(test: TestCase): string {
  const state = test.result().state;
  const slowest = test.meta().faultSlowest;
  return slowest ? `${state}, slowest surface ${slowest.surface} ${slowest.ms} ms` : state;
}
