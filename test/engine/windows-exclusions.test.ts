import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemEnv } from '../support/platform.js';
import { excludedHere, RUN_ON_WINDOWS, WINDOWS_EXCLUSIONS, windowsDecision } from '../support/windows-exclusions.js';

const onWindows = process.platform === 'win32';

/** Every test file under test/, as the vitest configs name them (forward slashes, from the project root). */
async function testFiles(): Promise<string[]> {
  const entries = await readdir('test', { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative('.', path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('test files on Windows', () => {
  it('every test file under test/ is decided: run there, or left out with its reason (support/windows-exclusions.ts)', async () => {
    const files = await testFiles();
    expect(files.length).toBeGreaterThan(100);
    const undecided = files.filter((file) => windowsDecision(file) === null);
    expect(undecided, 'add each to RUN_ON_WINDOWS, or to WINDOWS_EXCLUSIONS with the reason').toEqual([]);
  });

  it('names only files that exist, each in one list, each exclusion with a reason', async () => {
    const files = new Set(await testFiles());
    for (const [file, reason] of Object.entries(WINDOWS_EXCLUSIONS)) {
      expect(files.has(file), file).toBe(true);
      expect(reason.length).toBeGreaterThan(10);
    }
    for (const entry of RUN_ON_WINDOWS) {
      if (entry.endsWith('/')) expect([...files].some((f) => f.startsWith(entry)), entry).toBe(true);
      else expect(files.has(entry), entry).toBe(true);
      expect(Object.keys(WINDOWS_EXCLUSIONS).filter((file) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry)), entry).toEqual([]);
    }
    expect(new Set(RUN_ON_WINDOWS).size).toBe(RUN_ON_WINDOWS.length);
  });

  it('every project of npm test leaves out exactly the excluded files, and only on Windows', async () => {
    expect(excludedHere('win32')).toEqual(Object.keys(WINDOWS_EXCLUSIONS));
    expect(excludedHere('darwin')).toEqual([]);
    expect(excludedHere('linux')).toEqual([]);
    // The headless project includes only Linux files elsewhere than Linux; every other one excludes them.
    const projects = (await readFile('vitest.config.ts', 'utf8')).split(/\bname: '/).slice(1);
    expect(projects.length).toBeGreaterThan(4);
    for (const project of projects.filter((p) => !p.startsWith('headless'))) expect(project, project.slice(0, 20)).toMatch(/\bexclude: (\[\.\.\.)?excluded\b/);
  });

  it("environments the tests build from scratch carry Windows' system variables there (Node aborts without SystemRoot), and nothing elsewhere", () => {
    const windows = { SYSTEMROOT: 'C:\\Windows', windir: 'C:\\Windows', Path: 'C:\\Git\\cmd', TEMP: 'C:\\T', USERPROFILE: 'C:\\Users\\me', GIT_DIR: 'x' };
    expect(systemEnv('win32', windows)).toEqual({ SystemRoot: 'C:\\Windows', windir: 'C:\\Windows', TEMP: 'C:\\T' });
    expect(systemEnv('linux', windows)).toEqual({});
    expect(systemEnv('darwin', windows)).toEqual({});
  });

  // On Windows every left-out file shows up here as a skipped test that says why.
  if (onWindows) for (const [file, reason] of Object.entries(WINDOWS_EXCLUSIONS)) it.skip(`${file} (skipped on Windows: ${reason})`, () => {});
});
