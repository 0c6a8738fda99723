import type { EngineContext } from '../context.js';
import type { FixInput, FixPlan, KeygenResult } from '../contract/fixes.js';
import type { FixId } from '../contract/report.js';
import { FIX_CATALOGUE } from './catalogue.js';
import type { ChangeRecorder } from './change-recorder.js';

/** What a fix is applied to. */
export interface FixScope {
  /** Repository root, or null for fixes that are about the user's setup only. */
  repoRoot: string | null;
  remoteName: string | null;
  /**
   * Identity files ssh would use for the remote's host, as `ssh -G` reports them through the
   * user's ssh command. Filled by the SSH diagnosis; fixes fall back to OpenSSH's default names.
   */
  keyPaths?: string[];
}

/** What apply reports besides the journal's list of changed paths. */
export interface FixOutcome {
  /** One line for the user. */
  message: string;
  key?: KeygenResult;
  url?: string;
  /** For verify, not shown: the key a fix put somewhere (the agent), by fingerprint. */
  fingerprint?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** One line: what was checked, or what is still wrong. */
  detail: string;
}

/** Whether the fix's end state already holds, so that applying again changes nothing. */
export interface InEffect {
  inEffect: boolean;
  /** The result to report for an idempotent re-apply (e.g. the key created the first time). */
  outcome?: FixOutcome;
}

/**
 * One repair. The registry runs it as: inEffect? (no-op) → describe (applicable?) → begin a
 * journal transaction → apply (every write through `change`) → verify → commit; any error or a
 * failed verify rolls the transaction back. Undo comes from the journal: a fix has no undo code.
 */
export interface Fix {
  id: FixId;
  /** The dry run: what apply would change, or why it does not apply here. Reads only. */
  describe(ctx: EngineContext, scope: FixScope): Promise<FixPlan>;
  inEffect(ctx: EngineContext, scope: FixScope): Promise<InEffect>;
  /** Makes the change, ONLY through `change` (files, git config, credentials), so it can be undone. */
  apply(ctx: EngineContext, scope: FixScope, change: ChangeRecorder, input: FixInput): Promise<FixOutcome>;
  /** Checks the change took effect, the way the tool that reads it would (ssh, git). */
  verify(ctx: EngineContext, scope: FixScope, outcome: FixOutcome, input: FixInput): Promise<VerifyResult>;
}

/** A plan with the catalogue's title and empty defaults. */
export function fixPlan(id: FixId, plan: Partial<Omit<FixPlan, 'id' | 'title'>> & Pick<FixPlan, 'applicable'>): FixPlan {
  return { id, title: FIX_CATALOGUE[id].title, reason: null, changes: [], inputs: [], url: null, manualSteps: [], details: [], ...plan };
}
