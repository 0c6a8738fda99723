import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WINDOWS_EXCLUSIONS } from '../support/windows-exclusions.js';

const onWindows = process.platform === 'win32';

describe('test files left out on Windows', () => {
  it('names only files that exist, each with a reason', () => {
    for (const [file, reason] of Object.entries(WINDOWS_EXCLUSIONS)) {
      expect(existsSync(file), file).toBe(true);
      expect(reason.length).toBeGreaterThan(10);
    }
  });

  // On Windows every left-out file shows up here as a skipped test that says why.
  if (onWindows) for (const [file, reason] of Object.entries(WINDOWS_EXCLUSIONS)) it.skip(`${file} (skipped on Windows: ${reason})`, () => {});
});
