import path from 'node:path';
import type { EngineContext } from '../context.js';
import type { RepoSummary } from '../contract/channels.js';
import { trustCovers, type TrustedRepo } from '../contract/trust.js';
import { readRepoCommands, RepoCommandGate } from '../repo/repo-commands.js';
import { ServiceError } from './errors.js';
import { repositoryRoot, summarizeRepository } from './repo-summary.js';
import type { AppState, StateStore } from './state-store.js';

/**
 * The app's side of repository trust: the gate every engine context of the app carries (a
 * repository runs its own commands only when the user trusted exactly those), and granting trust.
 */

/** Trusted when the user trusted this repository and every command it names now was among those they saw. */
export function trustGate(trusted: readonly TrustedRepo[]): RepoCommandGate {
  return new RepoCommandGate((root, commands) => {
    const entry = trusted.find((t) => t.path === root);
    return entry !== undefined && trustCovers(entry, commands);
  });
}

/** What the app's settings add to an engine context: the declared Data Center servers and the trust gate. */
export function withAppState(ctx: EngineContext, state: Pick<AppState, 'settings' | 'trusted'>): EngineContext {
  ctx.bitbucketHosts = [...new Set([...ctx.bitbucketHosts, ...state.settings.bitbucketHosts])];
  ctx.repoCommands = trustGate(state.trusted);
  return ctx;
}

/**
 * Trusts the repository to run the commands the user was shown, never others: main reads them again
 * and refuses when they are not exactly the ones shown (the config changed in between).
 */
export async function grantTrust(ctx: EngineContext, store: StateStore, inputPath: string, shownIds: readonly string[]): Promise<RepoSummary> {
  const root = await repositoryRoot(ctx, inputPath);
  const commands = await readRepoCommands(ctx, root);
  if (commands.length === 0) throw new ServiceError('not-applicable', 'This repository names no commands of its own: there is nothing to trust.');
  const shown = new Set(shownIds);
  if (commands.length !== shown.size || !commands.every((c) => shown.has(c.id))) {
    throw new ServiceError('not-applicable', "This repository's own commands changed since they were shown. Look at them again before you trust it.");
  }
  const name = path.basename(root);
  await store.trust({ path: root, name, trustedAt: ctx.now().toISOString(), commands });
  const summary = await summarizeRepository(ctx, root);
  return { ...summary, repoCommands: commands, trusted: true };
}
