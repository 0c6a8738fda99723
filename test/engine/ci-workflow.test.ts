/**
 * The GitHub Actions workflow cannot run here; these checks keep it in step with what can: the
 * packages .ci/run installs, the README's test command, and the scripts it calls.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const workflow = await readFile('.github/workflows/ci.yml', 'utf8');
const ciRun = await readFile('.ci/run', 'utf8');
const scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the CI workflow (.github/workflows/ci.yml)', () => {
  it('runs on ubuntu, macOS and Windows runners, every one to the end', () => {
    expect(workflow).toMatch(/os: \[ubuntu-latest, macos-latest, windows-latest\]/);
    expect(workflow).toMatch(/fail-fast: false/);
  });

  it('installs on Ubuntu what .ci/run installs (Chromium comes with the image), plus xvfb for Electron', () => {
    const apt = /apt-get install [^\n]*--no-install-recommends ([^\n]+)/.exec(workflow)?.[1]?.split(/\s+/) ?? [];
    const debian = /packages=\(([^)]*)\)/.exec(ciRun)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    expect(debian.length).toBeGreaterThan(5);
    expect(apt.sort()).toEqual([...debian.filter((p) => p !== 'chromium'), 'xvfb'].sort());
  });

  it("runs the README's test command, the Electron smoke test and the installer build, and keeps the installers", () => {
    for (const command of ['run: npm ci', 'run: npm test', 'npm run typecheck', 'npm run lint', 'run: npm run test:electron', 'run: xvfb-run -a npm run test:electron', 'run: npm run dist -- --publish never']) {
      expect(workflow).toContain(command);
    }
    expect(workflow).toMatch(/uses: actions\/upload-artifact@v\d+[\s\S]*if-no-files-found: error/);
    for (const script of ['test', 'typecheck', 'lint', 'dist']) expect(scripts[script], `npm run ${script}`).toBeDefined();
  });
});
