import type { AccountKey } from '../account/api.js';
import type { JournalEntry } from '../contract/fixes.js';
import type { FixId } from '../contract/report.js';
import type { Secret } from '../secrets/secret.js';
import type { CredentialKey } from './credential-io.js';
import type { UndoSecretStore } from './undo-secrets.js';

/*
 * What a fix may change and how it asks: the recorder every fix writes through. beginChange
 * (step-recorder.ts) makes one; undo.ts takes a committed one back.
 */

export interface BeginOptions {
  fixId: FixId;
  /** Repository the fix is applied for, if any (shown in the history). */
  repo: string | null;
  /** The system keychain, for secrets of helpers undo cannot judge (undo-secrets.ts); tests give their own. */
  keychain?: UndoSecretStore;
}

export interface FileChangeOptions {
  /** Mode of a file that does not exist yet (an existing file keeps its mode). */
  mode?: number;
  /** The old bytes hold secrets (a plain-text credentials file): keep them as an undo secret (0600, state folder), not with the backups. */
  sensitive?: boolean;
}

export interface CredentialChange {
  /** The credential.helper value as configured ("store", "osxkeychain", "!f() {...}; f"). */
  helper: string;
  key: CredentialKey;
  /** The new password, or null to erase the saved one. */
  password: Secret | null;
  /** Folder the helper runs in (the repository), default the home. */
  cwd?: string;
}

/** A key about to be added to the user's Bitbucket account (an external change). */
export interface AccountKeyChange {
  site: string;
  baseUrl: string | null;
  fingerprint: string;
  label: string;
}

export interface AgentKeyChange {
  /** The agent socket ssh uses for the host. */
  socket: string;
  keyPath: string;
  /** "type base64" of the key, for undo (ssh-add -d) and to tell whether the agent holds it. */
  publicKey: string;
  fingerprint: string;
  passphrase: Secret | null;
  keychain: boolean;
}

/**
 * One fix's changes as a transaction. Every method records what undo needs BEFORE it changes
 * anything (the journal is written first), so a crash at any point can be rolled back by the next
 * run. `commit()` makes the change undoable; `rollback()` (or an error before commit, handled by
 * the caller) puts everything back.
 */
export interface ChangeRecorder {
  readonly id: string;
  readonly fixId: FixId;
  /** True while nothing has been changed. */
  readonly empty: boolean;
  /** What was changed so far, for the user. */
  readonly changed: string[];
  /** Creates a folder and its missing parents with this mode; undo removes the ones we created if they are empty. */
  ensureDir(dir: string, mode: number): Promise<void>;
  /** Replaces (or creates) a file atomically. */
  writeFile(file: string, content: string | Uint8Array, options?: FileChangeOptions): Promise<void>;
  /** Creates a new file; fails with EEXIST rather than replace one (keys). */
  createFile(file: string, content: string | Uint8Array, mode: number): Promise<void>;
  deleteFile(file: string, options?: Pick<FileChangeOptions, 'sensitive'>): Promise<void>;
  chmod(file: string, mode: number): Promise<void>;
  /**
   * Changes a git config file with `git config --file FILE <edit>` for each edit, all in one atomic
   * replace: git edits a private copy, then the file gets the result (see editConfigCopy). Throws
   * when git refuses an edit; the file is then unchanged. Its old bytes are kept as an undo secret:
   * a git config file can hold credentials no pattern recognises (a `!` helper with a password
   * written in it, an extra header), so none of it goes with the ordinary backups.
   */
  editGitConfig(file: string, edits: ReadonlyArray<readonly string[]>, options?: { cwd?: string }): Promise<void>;
  /** Saves or erases a credential in one helper, keeping the old one for undo as protected as the helper kept it. */
  setCredential(change: CredentialChange): Promise<void>;
  /** Adds a key to an ssh-agent (a no-op when it holds the key already); undo removes it again. */
  addAgentKey(change: AgentKeyChange): Promise<void>;
  /** Windows: leaves a key file usable by the current user alone (icacls); undo restores the saved access list. */
  restrictKeyAcl(file: string): Promise<void>;
  /** Adds a key to the Bitbucket account through `add`; undo deletes it again (or says where to). */
  addAccountKey(change: AccountKeyChange, add: () => Promise<AccountKey>): Promise<AccountKey>;
  commit(): Promise<JournalEntry | null>;
  rollback(): Promise<{ restored: string[]; leftAlone: string[] }>;
}
