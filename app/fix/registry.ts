import type { EngineContext } from '../context.js';
import type { FixInput, FixPlan, FixResult, JournalEntry, UndoResult } from '../contract/fixes.js';
import type { FixId } from '../contract/report.js';
import { needsTrust, repoGuard } from '../repo/repo-commands.js';
import { checkGit, gitProblem } from '../git/version.js';
import { clearCredential } from './fixes/credential-clear.js';
import { gcmSkipValidation, gcmUseDpapi } from './fixes/credential-gcm.js';
import { saveTokenFix } from './fixes/credential-save-token.js';
import { useSecureHelper } from './fixes/credential-use-secure-helper.js';
import { openApiTokenPage } from './fixes/open-api-token-page.js';
import { openRepositoryPage } from './fixes/open-repository-page.js';
import { openSshKeysPage } from './fixes/open-ssh-keys-page.js';
import { removeSecretFix } from './fixes/remote-remove-secret.js';
import { setUsernameFix } from './fixes/remote-set-username.js';
import { useHttpsFix } from './fixes/remote-use-https.js';
import { useSshHostFix } from './fixes/remote-use-ssh-host.js';
import { useSshFix } from './fixes/remote-use-ssh.js';
import { useTokenUsername } from './fixes/remote-use-token-username.js';
import { addKeyToAccountFix } from './fixes/ssh-add-key-to-account.js';
import { addKeyToAgent } from './fixes/ssh-add-key-to-agent.js';
import { configureHost } from './fixes/ssh-configure-host.js';
import { generateKey } from './fixes/ssh-generate-key.js';
import { fixKeyPermissions } from './fixes/ssh-key-permissions.js';
import { trustHostKeys } from './fixes/ssh-trust-host-keys.js';
import { useWindowsOpenSsh } from './fixes/ssh-use-windows-openssh.js';
import type { ChangeRecorder } from './change-recorder.js';
import { recoverInterruptedChanges } from './crash-recovery.js';
import { beginChange } from './step-recorder.js';
import { listJournal, undoLast } from './undo.js';
import { fixPlan, type Fix, type FixScope } from './types.js';
import type { UndoSecretStore } from './undo-secrets.js';

/** Every fix that can be applied automatically. Add new fixes here. */
export const FIXES: ReadonlyMap<FixId, Fix> = new Map<FixId, Fix>(
  [
    clearCredential,
    saveTokenFix,
    useSecureHelper,
    gcmSkipValidation,
    gcmUseDpapi,
    useTokenUsername,
    setUsernameFix,
    removeSecretFix,
    useSshFix,
    useHttpsFix,
    useSshHostFix,
    openApiTokenPage,
    openSshKeysPage,
    openRepositoryPage,
    fixKeyPermissions,
    generateKey,
    addKeyToAgent,
    configureHost,
    trustHostKeys,
    useWindowsOpenSsh,
    addKeyToAccountFix,
  ].map((fix) => [fix.id, fix]),
);

export interface FixRunOptions {
  /** The system keychain undo uses for helpers it cannot judge (undo-secrets.ts); tests give their own. */
  keychain?: UndoSecretStore;
  /** The fixes to look ids up in (tests). */
  fixes?: ReadonlyMap<FixId, Fix>;
}

function lookup(id: FixId, options: FixRunOptions): Fix | undefined {
  return (options.fixes ?? FIXES).get(id);
}

/** Fixes that read, save or erase credentials through the helpers git is configured with (they run them directly). */
const HELPER_FIXES: ReadonlySet<FixId> = new Set<FixId>(['credential.clear', 'credential.save-token', 'credential.use-secure-helper', 'remote.remove-secret']);

/**
 * Why a fix must not run in this repository yet: it would run a credential helper the repository's
 * own config names, and the repository is not trusted. (SSH fixes refuse in resolveSshFixTarget.)
 */
async function untrustedReason(ctx: EngineContext, id: FixId, scope: FixScope): Promise<string | null> {
  if (!scope.repoRoot || !HELPER_FIXES.has(id)) return null;
  const helpers = (await repoGuard(ctx, scope.repoRoot)).blocked.filter((c) => c.kind === 'credential-helper');
  return helpers.length > 0 ? `This fix works through git's credential helpers, and ${needsTrust(helpers)}.` : null;
}

/**
 * Fixes of a repository run the user's git to read and change it: a git that cannot run, or is too
 * old for the commands they use, makes them refuse before anything is read or changed.
 */
async function unusableGit(ctx: EngineContext, scope: FixScope): Promise<string | null> {
  return scope.repoRoot === null ? null : gitProblem(await checkGit(ctx));
}

/** The dry run of a fix. */
export async function describeFix(ctx: EngineContext, id: FixId, scope: FixScope, options: FixRunOptions = {}): Promise<FixPlan> {
  const fix = lookup(id, options);
  if (!fix) return fixPlan(id, { applicable: false, reason: 'This fix cannot be applied automatically yet.' });
  const git = await unusableGit(ctx, scope);
  if (git) return fixPlan(id, { applicable: false, reason: git });
  const untrusted = await untrustedReason(ctx, id, scope);
  if (untrusted) return fixPlan(id, { applicable: false, reason: untrusted });
  return fix.describe(ctx, scope);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');

/**
 * Applies a fix as one undoable transaction: a fix already in effect is a no-op (applied, nothing
 * changed); one that does not apply or lacks input changes nothing; otherwise apply + verify run
 * inside a journal transaction that is committed only when verify passes, and rolled back on any
 * error. Never throws for a failed fix: the result says what happened, redacted.
 */
export async function applyFix(ctx: EngineContext, id: FixId, scope: FixScope, input: FixInput = {}, options: FixRunOptions = {}): Promise<FixResult> {
  const result = (applied: boolean, text: string, extra: Partial<FixResult> = {}): FixResult => ({ id, applied, changed: [], message: ctx.secrets.redact(text), ...extra });
  const fix = lookup(id, options);
  if (!fix) return result(false, 'This fix cannot be applied automatically yet.');
  const git = await unusableGit(ctx, scope);
  if (git) return result(false, `Not applied: ${git} Nothing was changed.`);
  for (const value of [input.token, input.passphrase]) if (value) ctx.secrets.wrap(value);

  let change: ChangeRecorder | null = null;
  try {
    // A change a killed process left half-done is put right first: the fix must not judge (or
    // report "already in effect" from) a state the next journal access rolls back.
    await recoverInterruptedChanges(ctx, { keychain: options.keychain });
    const untrusted = await untrustedReason(ctx, id, scope);
    if (untrusted) return result(false, untrusted);
    const current = await fix.inEffect(ctx, scope);
    if (current.inEffect) return result(true, current.outcome?.message ?? 'Already in effect; nothing to change.', { key: current.outcome?.key, url: current.outcome?.url });
    const plan = await fix.describe(ctx, scope);
    if (!plan.applicable) return result(false, plan.reason ?? 'This fix does not apply here.');
    const missing = plan.inputs.filter((kind) => !input[kind]);
    if (missing.length) return result(false, `This fix needs: ${missing.join(', ')}.`);

    change = await beginChange(ctx, { fixId: id, repo: scope.repoRoot, keychain: options.keychain });
    const outcome = await fix.apply(ctx, scope, change, input);
    if (change.empty) {
      const empty = change;
      change = null;
      await empty.commit();
      return result(true, outcome.message, { key: outcome.key, url: outcome.url });
    }
    const verified = await fix.verify(ctx, scope, outcome, input);
    if (!verified.ok) throw new Error(`the change did not take effect (${verified.detail})`);
    const entry = await change.commit();
    change = null;
    return result(true, outcome.message, { changed: entry?.changed ?? [], key: outcome.key, url: outcome.url });
  } catch (error) {
    if (!change) return result(false, `Not applied: ${message(error)}. Nothing was changed.`);
    if (change.empty) {
      // Refused before anything changed (a token that failed its test): nothing to put back.
      await change.rollback().catch(() => undefined);
      return result(false, `Not applied: ${message(error)}. Nothing was changed.`);
    }
    const rolledBack = await change.rollback().catch((rollbackError: unknown) => ({ restored: [], leftAlone: [`(rollback failed: ${message(rollbackError)})`] }));
    const left = rolledBack.leftAlone.length ? ` Could not put back: ${rolledBack.leftAlone.join(', ')}.` : ' Everything was put back as it was.';
    return result(false, `Not applied: ${message(error)}.${left}`);
  }
}

/** Restores the state before the most recent applied fix (one per call). */
export function undoLastFix(ctx: EngineContext, options: Pick<FixRunOptions, 'keychain'> = {}): Promise<UndoResult> {
  return undoLast(ctx, options);
}

/** Applied fixes, newest first. */
export function fixHistory(ctx: EngineContext): Promise<JournalEntry[]> {
  return listJournal(ctx);
}
