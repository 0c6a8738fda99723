import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { oncePerRun } from '../exec/once-per-run.js';
import { compareGitVersions, formatGitVersion, MIN_GIT_VERSION, type GitVersion } from '../facts/git.js';
import { git } from './git.js';

/** Whether the user's git can be used by the engine. */
export type GitCheck =
  | { kind: 'ok'; version: GitVersion; output: string }
  /** git cannot be started at all (not installed, not on PATH, not executable). */
  | { kind: 'missing'; reason: string }
  /** git started but did not even print its version in time (a wrapper that hangs). */
  | { kind: 'no-answer'; reason: string }
  | { kind: 'too-old'; version: GitVersion; output: string }
  /** git answered something that is not a version (a wrapper): the checks go on and tell. */
  | { kind: 'unknown'; output: string };

/** "git version 2.39.5", "git version 2.45.2.windows.1", "git version 2.39.3 (Apple Git-146)". Pure. */
export function parseGitVersion(output: string): GitVersion | null {
  const match = /^git version (\d+)\.(\d+)(?:\.(\d+))?/m.exec(output.trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

const checks = new WeakMap<EngineContext, Promise<GitCheck>>();

/** Runs `git --version` once per engine context (the diagnosis and the fixes share the answer). Never throws. */
export function checkGit(ctx: EngineContext): Promise<GitCheck> {
  let check = checks.get(ctx);
  if (!check) {
    // Once for every repository of a re-test, too (their contexts are copies of one run's).
    check = oncePerRun(ctx, ['git --version'], () => runCheck(ctx));
    checks.set(ctx, check);
  }
  return check;
}

async function runCheck(ctx: EngineContext): Promise<GitCheck> {
  const result = await git(ctx, ['--version']);
  if (result.spawnError) return { kind: 'missing', reason: result.spawnError };
  if (result.timedOut) return { kind: 'no-answer', reason: timedOutReason(ctx.timeoutMs) };
  const output = result.stdout.trim();
  const version = result.exitCode === 0 ? parseGitVersion(output) : null;
  if (!version) return { kind: 'unknown', output: output || result.stderr.trim() || `exit code ${result.exitCode ?? 'none'}` };
  return compareGitVersions(version, MIN_GIT_VERSION) < 0 ? { kind: 'too-old', version, output } : { kind: 'ok', version, output };
}

/** One sentence for a git that cannot be used (the finding's title says the same), or null. */
export function gitProblem(check: GitCheck): string | null {
  if (check.kind === 'missing') return gitMissingSentence(check.reason);
  if (check.kind === 'no-answer') return `git did not answer "git --version": ${check.reason}.`;
  if (check.kind === 'too-old') return `git ${formatGitVersion(check.version)} is older than the oldest supported (${formatGitVersion(MIN_GIT_VERSION)}): update git.`;
  return null;
}

export function gitMissingSentence(reason: string): string {
  // A whole sentence (Apple's git stand-in without the developer tools) already says what to do.
  if (/[.!?]$/.test(reason)) return `git cannot be run: ${reason}`;
  return `git cannot be run (${reason}): install git, or add its folder to the PATH.`;
}
