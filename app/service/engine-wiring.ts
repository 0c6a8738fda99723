import { CLOUD_SITE } from '../account/link.js';
import { AccountError, accountStatus, addKeyJournaled, linkAccount, listAccountKeys, unlinkAccount } from '../account/operations.js';
import type { ErrorCode } from '../contract/channels.js';
import type { EngineContext } from '../context.js';
import { diagnose } from '../diagnose/diagnose.js';
import { markdownReport } from '../diagnose/report-markdown.js';
import { testRepos } from '../diagnose/test-repos.js';
import { applyFix, describeFix, fixHistory, undoLastFix } from '../fix/registry.js';
import { accountSiteFor } from '../fix/fixes/ssh-add-key-to-account.js';
import { recoverInterruptedChanges } from '../fix/crash-recovery.js';
import { resolveFixScope } from '../fix/scope.js';
import { verifySsh } from '../ssh/verify.js';
import type { AccountKeysTarget, EngineServices } from './engine.js';
import { ServiceError } from './errors.js';

const ACCOUNT_ERROR_CODES: Record<AccountError['code'], ErrorCode> = {
  input: 'invalid-request',
  'not-linked': 'not-applicable',
  refused: 'failed',
  unreachable: 'failed',
  keyring: 'failed',
  conflict: 'conflict',
};

/** An account operation whose AccountError becomes the contract's error (its sentence kept). */
async function account<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AccountError) throw new ServiceError(ACCOUNT_ERROR_CODES[error.code], error.message);
    throw error;
  }
}

const keysScope = (ctx: EngineContext, target: AccountKeysTarget) => (target.repoRoot ? resolveFixScope(ctx, target.repoRoot, target.remoteName) : resolveFixScope(ctx, null));

/** The site named, else the one the repository's remote belongs to (as ssh.add-key-to-account decides it), else Cloud. */
async function siteOf(ctx: EngineContext, target: AccountKeysTarget): Promise<string> {
  if (target.site) return target.site;
  return target.repoRoot ? accountSiteFor(ctx, await keysScope(ctx, target)) : CLOUD_SITE;
}

/** The engine functions behind EngineServices, for Electron main and the browser preview. */
export function engineServices(): EngineServices {
  return {
    diagnose: (ctx, path, options) => diagnose(ctx, path, options),
    // The fix scope comes from the repository as git and ssh see it (remote, identity files).
    describeFix: async (ctx, target, fixId) => describeFix(ctx, fixId, await resolveFixScope(ctx, target.repoRoot, target.remoteName)),
    applyFix: async (ctx, target, fixId, input) => applyFix(ctx, fixId, await resolveFixScope(ctx, target.repoRoot, target.remoteName), input),
    undoLast: (ctx) => undoLastFix(ctx),
    history: (ctx) => fixHistory(ctx),
    verifySsh: (ctx, repoRoot, remoteName) => verifySsh(ctx, repoRoot, remoteName),
    testRepos: (ctx, paths, options) => testRepos(ctx, paths, options),
    markdownReport: (report) => markdownReport(report),
    accountStatus: (ctx, target) => account(async () => accountStatus(ctx, await siteOf(ctx, target))),
    linkAccount: (ctx, input) => account(() => linkAccount(ctx, input)),
    unlinkAccount: (ctx, site) => account(() => unlinkAccount(ctx, site ?? CLOUD_SITE)),
    listAccountKeys: (ctx, target) => account(async () => listAccountKeys(ctx, await keysScope(ctx, target), await siteOf(ctx, target))),
    addAccountKey: (ctx, target) =>
      account(async () => addKeyJournaled(ctx, { site: await siteOf(ctx, target), scope: await keysScope(ctx, target), keyFile: target.publicKeyPath, label: target.label })),
    recoverChanges: (ctx) => recoverInterruptedChanges(ctx),
  };
}
