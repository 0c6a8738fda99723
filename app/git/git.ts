import type { EngineContext } from '../context.js';
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

/** Runs git the way the user's own git runs (their env and config), without prompts, with a timeout. */
export function git(ctx: EngineContext, args: readonly string[], options: GitOptions = {}): Promise<RunResult> {
  const configArgs = (options.config ?? []).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  return run('git', [...configArgs, ...args], {
    env: { ...nonInteractiveEnv(ctx.env), ...options.env },
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
