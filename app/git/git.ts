import type { EngineContext } from '../context.js';
import { appleGitStandInProblem } from '../env/apple-tools.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run, type RunResult } from '../exec/run.js';

export interface GitOptions {
  cwd?: string;
  /** `-c key=value` pairs placed before the subcommand (they override the user's config). */
  config?: Array<[string, string]>;
  /** Extra environment on top of the user's non-interactive environment. */
  env?: NodeJS.ProcessEnv;
  input?: string;
  fd3?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs git the way the user's own git runs (their env and config), without prompts, with a timeout.
 * On a Mac whose only git is Apple's stand-in without the developer tools, it is not run (it would
 * open Apple's installer): the result says so as a start failure. In a repository the context's gate
 * does not trust, the commands its own config names are neutralised (app/repo/repo-commands.ts).
 */
export async function git(ctx: EngineContext, args: readonly string[], options: GitOptions = {}): Promise<RunResult> {
  const standIn = await appleGitStandInProblem(ctx);
  if (standIn) return { exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: standIn, durationMs: 0 };
  const configArgs = (options.config ?? []).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  return run('git', [...configArgs, ...args], {
    env: { ...nonInteractiveEnv(ctx.env), ...ctx.repoCommands?.gitEnv(options.cwd), ...options.env },
    cwd: options.cwd,
    timeoutMs: options.timeoutMs ?? ctx.timeoutMs,
    input: options.input,
    fd3: options.fd3,
    signal: options.signal ?? ctx.signal,
  });
}

/** Output lines of a successful git call, or [] when it failed. */
export function lines(result: RunResult): string[] {
  if (result.exitCode !== 0) return [];
  return result.stdout.split('\n').filter((line) => line.length > 0);
}
