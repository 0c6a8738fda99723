/** Fix data model, shared by the engine, the CLI, the main process and the UI. Pure types (no Node imports). */
import type { FixId } from './report.js';

/** One change a fix will make, shown before the user confirms. */
export interface PlannedChange {
  /** What is changed: a file path, "git config of <repo>", "credential helper libsecret", "ssh-agent". */
  target: string;
  /** Plain words: "Remove the saved password for jdoe@bitbucket.org". */
  action: string;
}

/** What a fix needs from the user. */
export type FixInputKind = 'token' | 'username' | 'passphrase';

/** Input for fixes that need it (read from stdin by the CLI, from a form by the UI; never argv). */
export interface FixInput {
  username?: string;
  token?: string;
  passphrase?: string;
}

/** The dry run of a fix: what it would change, or why it cannot run here. */
export interface FixPlan {
  id: FixId;
  title: string;
  /** False when the fix does not apply to this repository now (the reason says why). */
  applicable: boolean;
  reason: string | null;
  changes: PlannedChange[];
  /** Inputs the user must supply before apply; empty when none. */
  inputs: FixInputKind[];
  /** For fixes that are steps in Bitbucket's web UI: the page to open. */
  url: string | null;
  /** For manual steps: what to do there, one instruction per line. */
  manualSteps: string[];
  /** Extra facts to show (e.g. host key fingerprints to trust). Never secrets. */
  details: string[];
}

export interface KeygenResult {
  privateKeyPath: string;
  publicKeyPath: string;
  /** The public key line, for pasting into Bitbucket. */
  publicKey: string;
  /** "SHA256:..." as ssh-keygen -lf prints it. */
  fingerprint: string;
}

export interface FixResult {
  id: FixId;
  /** True when the fix changed something, or was already in effect (idempotent re-apply). */
  applied: boolean;
  /** Paths (or "git config" targets) that were changed. Empty for a no-op. */
  changed: string[];
  /** One line for the user. */
  message: string;
  /** Set by fixes that create a key. */
  key?: KeygenResult;
  /** Set by fixes that point at a page (open.*). */
  url?: string;
}

export interface JournalEntry {
  /** Journal entry id. */
  id: string;
  fixId: FixId;
  appliedAt: string;
  /** Repository the fix was applied for, if any. */
  repo: string | null;
  changed: string[];
}

export interface UndoResult {
  undone: boolean;
  fixId: FixId | null;
  restored: string[];
  message: string;
}

/** Result of `ssh -T` through git's ssh command, for the guide's verify step. */
export interface SshVerifyResult {
  ok: boolean;
  host: string;
  /** Bitbucket's greeting ("authenticated via ssh key.") or the failure line. */
  message: string;
  evidence: string[];
}

/** One repository's answer to "can it authenticate and push now?" (`push-doctor test`, tray re-test). */
export interface RepoTestResult {
  path: string;
  status: 'ok' | 'failing' | 'error';
  /** One line: the first problem's title, or "Push works". */
  summary: string;
  /** Finding codes of errors (and of the linked account's warnings, account.*), for change detection. */
  codes: string[];
  testedAt: string;
}
