import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { git } from '../git/git.js';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The file `git config --global` writes (git-config(1) FILES): $GIT_CONFIG_GLOBAL, else
 * ~/.gitconfig, else $XDG_CONFIG_HOME/git/config when only that one exists. Fixes snapshot it
 * before a global config change so undo can restore it byte for byte.
 */
export async function globalGitConfigFile(ctx: EngineContext): Promise<string> {
  if (ctx.env.GIT_CONFIG_GLOBAL) return ctx.env.GIT_CONFIG_GLOBAL;
  const home = path.join(ctx.homeDir, '.gitconfig');
  const xdgBase = ctx.env.XDG_CONFIG_HOME || path.join(ctx.homeDir, '.config');
  const xdg = path.join(xdgBase, 'git', 'config');
  if (!(await exists(home)) && (await exists(xdg))) return xdg;
  return home;
}

/** The repository's own config file (`git config --local`), also for worktrees and separate git dirs. */
export async function localGitConfigFile(ctx: EngineContext, repoRoot: string): Promise<string> {
  const result = await git(ctx, ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoRoot });
  if (result.exitCode !== 0) throw new Error(`${repoRoot} is not a git repository`);
  return path.join(result.stdout.trim(), 'config');
}
