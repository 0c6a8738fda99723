/**
 * The GitHub Actions workflow cannot run here; these checks keep it in step with what can: the
 * packages .ci/run installs, the README's test command, the scripts it calls, and which steps may
 * run on which runner (apt and xvfb only on Ubuntu; Git for Windows' OpenSSH on the Windows PATH).
 */
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  on: unknown;
  jobs: Record<string, { 'runs-on': string; strategy: { 'fail-fast': boolean; matrix: { os: string[] } }; steps: Step[] }>;
}

const text = await readFile('.github/workflows/ci.yml', 'utf8');
const workflow = yaml.load(text) as Workflow;
const ciRun = await readFile('.ci/run', 'utf8');
const scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const job = workflow.jobs.test!;
const steps = job.steps;
const label = (step: Step) => step.name ?? step.uses ?? step.run ?? '?';
const indexOf = (predicate: (step: Step) => boolean) => steps.findIndex(predicate);
/** The runners a step runs on, from its `if:` (runner.os == / != 'X'). */
function runnersOf(step: Step): string[] {
  const all = ['Linux', 'macOS', 'Windows'];
  const condition = step.if ?? '';
  const only = /runner\.os == '(\w+)'/.exec(condition)?.[1];
  const not = /runner\.os != '(\w+)'/.exec(condition)?.[1];
  return all.filter((os) => (only ? os === only : true) && os !== not);
}

describe('the CI workflow (.github/workflows/ci.yml)', () => {
  it('is valid YAML: one job on ubuntu, macOS and Windows runners, every one to the end', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['test']);
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    expect(job.strategy['fail-fast']).toBe(false);
    for (const step of steps) expect(Boolean(step.run) !== Boolean(step.uses), label(step)).toBe(true);
  });

  it('installs on Ubuntu what .ci/run installs (Chromium comes with the image), plus xvfb for Electron', () => {
    const apt = /apt-get install [^\n]*--no-install-recommends ([^\n]+)/.exec(text)?.[1]?.split(/\s+/) ?? [];
    const debian = /packages=\(([^)]*)\)/.exec(ciRun)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    expect(debian.length).toBeGreaterThan(5);
    expect(apt.sort()).toEqual([...debian.filter((p) => p !== 'chromium'), 'xvfb'].sort());
  });

  it('runs what needs Linux (apt, sudo, xvfb, the crash sweep, /usr/bin/chromium) on Ubuntu only: macOS and Windows need no apt', () => {
    const linuxOnly = steps.filter((step) => /apt-get|sudo |xvfb-run|sysctl|test:crash|\/usr\/bin\/chromium/.test(step.run ?? ''));
    expect(linuxOnly.length).toBeGreaterThanOrEqual(4);
    for (const step of linuxOnly) expect(runnersOf(step), label(step)).toEqual(['Linux']);
  });

  it("puts Git for Windows' OpenSSH and OpenSSL on the Windows PATH before the tests, found from git --exec-path", () => {
    const at = indexOf((step) => /git --exec-path/.test(step.run ?? '') && /GITHUB_PATH/.test(step.run ?? ''));
    expect(at).toBeGreaterThan(-1);
    const step = steps[at]!;
    expect(runnersOf(step)).toEqual(['Windows']);
    expect(step.shell).toBe('pwsh');
    for (const part of ['usr\\bin', 'ssh.exe', 'ssh-keygen.exe', 'ssh-agent.exe']) expect(step.run).toContain(part);
    expect(at).toBeLessThan(indexOf((s) => s.run === 'npm test'));
  });

  it('installs with npm ci first; the figures and the test output are kept whatever failed, once the install worked', () => {
    const install = indexOf((step) => step.run === 'npm ci');
    expect(steps[install]?.id).toBe('install');
    expect(install).toBeLessThan(indexOf((step) => step.run === 'npm test'));
    const figures = steps.find((step) => step.run === 'npm run figures')!;
    const output = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@') && step.with?.path?.includes('test-output'))!;
    for (const step of [figures, output]) expect(step.if, label(step)).toBe("always() && steps.install.outcome == 'success'");
    // The test output is kept last, so that it also holds what the Electron smoke test left.
    expect(steps.at(-1)).toBe(output);
  });

  it("runs the README's test command, the Electron smoke test and the installer build, and keeps the installers", () => {
    for (const command of ['run: npm ci', 'run: npm test', 'npm run typecheck', 'npm run lint', 'run: npm run test:electron', 'run: xvfb-run -a npm run test:electron', 'run: npm run dist -- --publish never']) {
      expect(text).toContain(command);
    }
    const installers = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@') && step.with?.path?.includes('dist/'))!;
    expect(installers.with?.['if-no-files-found']).toBe('error');
    expect(installers.if).toBeUndefined();
    for (const script of ['test', 'typecheck', 'lint', 'dist', 'figures', 'test:electron', 'test:crash']) expect(scripts[script], `npm run ${script}`).toBeDefined();
  });

  it('checks every text file out with LF on every runner (.gitattributes), whatever core.autocrlf says', async () => {
    expect((await readFile('.gitattributes', 'utf8')).split('\n')).toContain('* text=auto eol=lf');
  });
});
