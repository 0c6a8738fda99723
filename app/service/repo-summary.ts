import path from 'node:path';
import type { EngineContext } from '../context.js';
import type { ErrorCode, RepoSummary } from '../contract/channels.js';
import { repoGuard } from '../repo/repo-commands.js';
import { summarizeRemote } from '../repo/remote-summary.js';
import { openRepository, readRemotes, type OpenRepositoryError } from '../repo/repository.js';
import { ServiceError } from './errors.js';

const ERROR_CODES: Record<OpenRepositoryError['kind'], ErrorCode> = {
  'not-found': 'not-found',
  'not-a-directory': 'not-a-directory',
  'not-a-repo': 'not-a-repo',
  'git-failed': 'failed',
};

/** The repository root that contains `inputPath`, or a ServiceError saying why there is none. */
export async function repositoryRoot(ctx: EngineContext, inputPath: string): Promise<string> {
  // The schema accepts absolute paths of any platform; here it must be absolute on this one.
  if (!path.isAbsolute(inputPath)) throw new ServiceError('invalid-request', `${inputPath} is not an absolute path on this computer.`);
  const opened = await openRepository(ctx, inputPath);
  if (!opened.ok) throw new ServiceError(ERROR_CODES[opened.error.kind], opened.error.message);
  return opened.root;
}

/**
 * Opens the repository containing `inputPath`: its root, name and remotes (passwords masked, with
 * what the guide decides by their URLs), and the commands its own config names with whether the
 * context's gate trusts them.
 */
export async function summarizeRepository(ctx: EngineContext, inputPath: string): Promise<RepoSummary> {
  const root = await repositoryRoot(ctx, inputPath);
  const [{ remotes }, guard] = await Promise.all([readRemotes(ctx, root), repoGuard(ctx, root)]);
  return {
    path: root,
    name: path.basename(root),
    remotes: remotes.map((remote) => summarizeRemote(remote.name, remote.url, ctx.platform, (text) => ctx.secrets.redact(text))),
    repoCommands: guard.commands,
    trusted: guard.trusted,
  };
}

/**
 * What was dropped on the window, checked before anything is opened: exactly one item, and it must
 * have a path on this computer. The folder itself is then checked like any other (exists, is a
 * folder, is inside a repository).
 */
export function droppedPath(paths: ReadonlyArray<string | null>): string {
  if (paths.length === 0) throw new ServiceError('invalid-request', 'Nothing was dropped. Drop a repository folder from your file manager.');
  if (paths.length > 1) throw new ServiceError('several-items', `You dropped ${paths.length} items. Drop one repository folder at a time.`);
  const only = paths[0];
  if (!only) throw new ServiceError('not-found', 'That item is not a folder on this computer. Drop the repository folder from your file manager.');
  return only;
}
