/**
 * What the main process needs from the engine. The diagnosis, fixes, journal, SSH verification and
 * the re-test live in the engine modules; main (Electron main, the browser preview, tests) reaches
 * them only through this interface, so the handler table does not depend on how they are built.
 */
import type { AccountKeysListing, AccountLinkInput, AccountStatus, KeyAddResult, UnlinkResult } from '../contract/account.js';
import type { EngineContext } from '../context.js';
import type { FixInput, FixPlan, FixResult, JournalEntry, RepoTestResult, SshVerifyResult, UndoResult } from '../contract/fixes.js';
import type { DiagnoseReport, FixId } from '../contract/report.js';
import type { DiagnoseOptions } from '../diagnose/diagnose.js';
import type { Recovery } from '../fix/crash-recovery.js';

export type { DiagnoseOptions };

/** The repository (root) and remote a fix is for. */
export interface FixTarget {
  repoRoot: string;
  remoteName?: string;
}

export interface EngineServices {
  diagnose(ctx: EngineContext, path: string, options: DiagnoseOptions): Promise<DiagnoseReport>;
  describeFix(ctx: EngineContext, target: FixTarget, fixId: FixId): Promise<FixPlan>;
  applyFix(ctx: EngineContext, target: FixTarget, fixId: FixId, input?: FixInput): Promise<FixResult>;
  undoLast(ctx: EngineContext): Promise<UndoResult>;
  history(ctx: EngineContext): Promise<JournalEntry[]>;
  verifySsh(ctx: EngineContext, repoRoot: string, remoteName: string): Promise<SshVerifyResult>;
  /**
   * `push-doctor test`: can each repository authenticate and push now? One result per path, same
   * order. Many at once, with shared probes; the signal cancels it (every process it started is killed).
   */
  testRepos(ctx: EngineContext, paths: string[], options?: { signal?: AbortSignal }): Promise<RepoTestResult[]>;
  /** A redacted Markdown report of a diagnosis, for a support ticket. */
  markdownReport(report: DiagnoseReport): string;
  /** The account link: status, link (verified, then kept in the system keychain), unlink; its SSH keys. Never returns a token. */
  accountStatus(ctx: EngineContext, target: AccountKeysTarget): Promise<AccountStatus>;
  linkAccount(ctx: EngineContext, input: AccountLinkInput): Promise<AccountStatus>;
  unlinkAccount(ctx: EngineContext, site?: string): Promise<UnlinkResult>;
  listAccountKeys(ctx: EngineContext, target: AccountKeysTarget): Promise<AccountKeysListing>;
  addAccountKey(ctx: EngineContext, target: AccountKeysTarget & { publicKeyPath?: string; label?: string }): Promise<KeyAddResult>;
  /** The app's start: finishes or rolls back a fix or undo a killed process left half-done (see recovery.ts). */
  recoverChanges?(ctx: EngineContext): Promise<Recovery>;
}

/**
 * Whose ssh settings decide the offered keys (a repository's remote, or the user's own), and which account site:
 * `site`, else the site of the repository's remote, else Bitbucket Cloud.
 */
export interface AccountKeysTarget {
  repoRoot: string | null;
  remoteName?: string;
  site?: string;
}
