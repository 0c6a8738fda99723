import type { EngineContext } from '../context.js';
import { DiagnoseInputError } from '../diagnose/diagnose.js';
import { repoGuard } from '../repo/repo-commands.js';
import { openRepository, readRemotes } from '../repo/repository.js';
import { parseRemoteUrl } from '../repo/url.js';
import { inspectSshEndpoint } from '../ssh/checks.js';
import type { FixScope } from './types.js';

/**
 * What a fix applies to: the repository that contains `inputPath`, the remote (given, or the one a
 * plain `git push` uses) and, for SSH remotes, the identity files ssh would offer for its host.
 * `inputPath` may be null for fixes about the user's setup alone (a new key).
 */
export async function resolveFixScope(ctx: EngineContext, inputPath: string | null, remoteName?: string): Promise<FixScope> {
  if (inputPath === null) return { repoRoot: null, remoteName: null };
  const opened = await openRepository(ctx, inputPath);
  if (!opened.ok) throw new DiagnoseInputError(opened.error.kind, opened.error.message);
  // Every git call of the fix in this repository is neutralised from here on when it is not trusted.
  await repoGuard(ctx, opened.root);
  const snapshot = await readRemotes(ctx, opened.root);
  if (remoteName && !snapshot.remotes.some((r) => r.name === remoteName)) {
    throw new DiagnoseInputError('unknown-remote', `This repository has no remote named "${remoteName}".`);
  }
  const name = remoteName ?? snapshot.defaultPushRemote ?? (snapshot.remotes.length === 1 ? snapshot.remotes[0]!.name : null);
  const remote = snapshot.remotes.find((r) => r.name === name);
  const scope: FixScope = { repoRoot: opened.root, remoteName: name };
  const push = remote ? parseRemoteUrl(remote.resolvedPushUrls[0] ?? remote.url, ctx.platform) : null;
  if (push?.ok && push.url.protocol === 'ssh') {
    const endpoint = await inspectSshEndpoint(ctx, opened.root, push.url);
    if (endpoint.config) scope.keyPaths = endpoint.config.identityFiles;
  }
  return scope;
}
