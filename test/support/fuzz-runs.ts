// vitest setup file (engine project): counts the fast-check runs of every property a test asserts,
// into the test's meta (`fuzzRuns`), for the figures reporter. Every fc.assert/fc.check in the
// project is counted, the property tests of the editors as well as test/fuzz.
import fc from 'fast-check';
import { TestRunner } from 'vitest';
import './figures.js';

fc.installGlobalPlugin(() => ({
  onAllRunsComplete(details: fc.RunDetails<unknown>) {
    const test = TestRunner.getCurrentTest();
    if (test) test.meta.fuzzRuns = (test.meta.fuzzRuns ?? 0) + details.numRuns;
  },
}));
