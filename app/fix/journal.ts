import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import type { JournalEntry, UndoResult } from '../contract/fixes.js';
import { formatDay } from '../contract/dates.js';
import type { FixId } from '../contract/report.js';
import type { Secret} from '../secrets/secret.js';
import { revealSecret } from '../secrets/secret.js';
import { createFileExclusive, isCode, removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import { FIX_CATALOGUE } from './catalogue.js';
import { helperCall, type CredentialKey } from './credential-io.js';
import { currentSddl, restoreAcl, restrictAcl, saveAcl } from './acl-io.js';
import { addKeyToAgent, agentFingerprints, removeKeyFromAgent } from './agent-io.js';
import { accountKeyState, describeAccountKeyStep, removeAccountKey, removeByHand } from '../account/journal-step.js';
import type { AccountKey } from '../account/api.js';
import { editConfigCopy } from './git-config-edit.js';
import { readJournal, writeJournal, type AccountKeyStep, type AclStep, type AgentKeyStep, type CredentialStep, type FileStep, type JournalFile, type Step, type StoredEntry } from './journal-store.js';
import { acquireLock, ensurePrivateDir, FILE_MODE, LockBusyError, readFileState, sameState, scratchRoot, sha256, statePaths, type FileState, type StatePaths } from './state-dir.js';
import { newSecretRef, removeOrphanedUndoSecrets, UndoSecretStores, type UndoSecretPlace, type UndoSecretStore } from './undo-secrets.js';
import { writePoint } from './write-points.js';

export { JournalError } from './journal-store.js';

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

/**
 * Takes the journal lock, reads the journal and recovers what a killed process left (see
 * recoverInterrupted); releases the lock on failure.
 */
async function openJournal(ctx: EngineContext, keychain: UndoSecretStore | undefined) {
  const paths = statePaths(ctx);
  const lock = await acquireLock(paths);
  try {
    const journal = await readJournal(paths);
    const secrets = new UndoSecretStores(ctx, keychain);
    const recovered = await recoverInterrupted(ctx, paths, journal, secrets);
    return { paths, journal, secrets, recovered, release: lock.release };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** What a start found of a process that was killed while it changed things. */
export interface Recovery {
  /** Fixes that died before they were committed: put back as they were. */
  rolledBack: FixId[];
  /** Undos that died part-way: finished. */
  undoFinished: FixId[];
  /** Undos that died part-way and could not be finished now: undoable again (`push-doctor undo` says why). */
  undoReopened: FixId[];
  /** Another push-doctor is changing files right now: nothing was looked at. */
  busy: boolean;
}

/**
 * Crash recovery on its own, for a start that changes nothing else: the app's start, `history`.
 * Does nothing (and creates no state folder) when push-doctor never changed anything here, and
 * nothing when another process holds the journal lock (that process recovers when it starts).
 */
export async function recoverInterruptedChanges(ctx: EngineContext, options: { keychain?: UndoSecretStore } = {}): Promise<Recovery> {
  const none: Recovery = { rolledBack: [], undoFinished: [], undoReopened: [], busy: false };
  if (!(await stat(statePaths(ctx).root).then(() => true, () => false))) return none;
  let opened: Awaited<ReturnType<typeof openJournal>>;
  try {
    opened = await openJournal(ctx, options.keychain);
  } catch (error) {
    if (error instanceof LockBusyError) return { ...none, busy: true };
    throw error;
  }
  await opened.release();
  return opened.recovered;
}

export async function beginChange(ctx: EngineContext, options: BeginOptions): Promise<ChangeRecorder> {
  const { paths, journal, secrets, release } = await openJournal(ctx, options.keychain);
  return new Change(ctx, paths, journal, release, secrets, options);
}

/** Committed entries, newest first (after recovering what a killed process left, when no other process is busy). */
export async function listJournal(ctx: EngineContext): Promise<JournalEntry[]> {
  await recoverInterruptedChanges(ctx);
  const journal = await readJournal(statePaths(ctx));
  return journal.entries
    .filter((e) => e.state === 'committed')
    .reverse()
    .map(toJournalEntry);
}

/** Restores the state before the most recent committed fix, exactly; refuses when the user changed something since. */
export async function undoLast(ctx: EngineContext, options: { keychain?: UndoSecretStore } = {}): Promise<UndoResult> {
  const { paths, journal, secrets, release } = await openJournal(ctx, options.keychain);
  try {
    const entry = [...journal.entries].reverse().find((e) => e.state === 'committed');
    if (!entry) return { undone: false, fixId: null, restored: [], message: 'Nothing to undo.' };
    const title = FIX_CATALOGUE[entry.fixId].title;

    const undoer = new StepUndoer(ctx, paths, entry, secrets);
    const refuse = (why: string): UndoResult => ({ undone: false, fixId: entry.fixId, restored: [], message: ctx.secrets.redact(`Not undone: ${why}. Nothing was changed.`) });
    for (const step of entry.steps) {
      let where: Awaited<ReturnType<StepUndoer['classify']>>;
      try {
        where = await undoer.classify(step);
      } catch (error) {
        return refuse(`cannot check ${describeStep(step)} (${errorText(error)})`);
      }
      if (where === 'changed') return refuse(`${describeStep(step)} was changed after "${title}" was applied (${entry.appliedAt}); undoing would overwrite that change`);
    }
    // Write-ahead: if this process dies while putting things back, the next start finishes the undo.
    entry.state = 'undoing';
    await writeJournal(paths, journal);
    let outcome: { restored: string[]; leftAlone: string[] };
    try {
      outcome = await undoer.restoreAll({ onlyIfOurs: false });
    } catch (error) {
      // Steps already put back read as "before" next time, so running undo again finishes the job.
      entry.state = 'committed';
      await writeJournal(paths, journal);
      return { undone: false, fixId: entry.fixId, restored: [], message: ctx.secrets.redact(`Undo stopped part-way: ${errorText(error)}. Run undo again to finish.`) };
    }
    await dropEntry(paths, journal, entry, undoer);
    const kept = leftAloneMessage(entry, outcome.leftAlone);
    return { undone: true, fixId: entry.fixId, restored: outcome.restored, message: ctx.secrets.redact(`Undid "${title}" (applied ${readableTime(entry.appliedAt)}).${kept}`) };
  } finally {
    await release();
  }
}

/** What undo could not put back: folders still holding files, keys on the Bitbucket account it may not delete. */
function leftAloneMessage(entry: StoredEntry, leftAlone: string[]): string {
  if (!leftAlone.length) return '';
  const accountKeys = entry.steps.filter((s): s is AccountKeyStep => s.kind === 'account-key' && leftAlone.includes(describeAccountKeyStep(s)));
  const others = leftAlone.filter((line) => !accountKeys.some((s) => describeAccountKeyStep(s) === line));
  const parts = [
    ...(others.length ? [` Left in place (not empty): ${others.join(', ')}.`] : []),
    ...accountKeys.map((s) => ` The ${describeAccountKeyStep(s)} could not be deleted (the linked token needs the delete scope, or Bitbucket could not be reached): ${removeByHand(s)}.`),
  ];
  return parts.join('');
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

function toJournalEntry(entry: StoredEntry): JournalEntry {
  return { id: entry.id, fixId: entry.fixId, appliedAt: entry.appliedAt, repo: entry.repo, changed: entry.steps.map(describeStep) };
}

function describeStep(step: Step): string {
  if (step.kind === 'credential') return `saved credential ${step.username}@${step.host} (helper ${step.helper})`;
  if (step.kind === 'agent-key') return `ssh-agent ${step.socket}: key ${step.fingerprint}`;
  if (step.kind === 'acl') return `${step.path} (who may use it)`;
  if (step.kind === 'account-key') return describeAccountKeyStep(step);
  return step.path;
}

/** The undo-secret files the journal refers to. */
function stateFolderRefs(journal: JournalFile): Set<string> {
  const refs = new Set<string>();
  for (const step of journal.entries.flatMap((e) => e.steps)) {
    if (step.kind === 'file' && step.backup?.in === 'undo-secrets') refs.add(step.backup.ref);
    if (step.kind === 'credential' && step.keptIn === 'state-folder') for (const ref of [step.beforeRef, step.afterRef]) if (ref) refs.add(ref);
  }
  return refs;
}

// ---- Crash recovery -------------------------------------------------------------------------
// Every change is written ahead into the journal (see Change), so a process killed at any point
// leaves an entry that says what to do next. The states an entry goes through:
//   pending   → a fix is applying it; killed here: the next start rolls it back
//   committed → applied and undoable; `undo` then marks it
//   undoing   → being undone; killed here: the next start finishes the undo
//   undone    → everything is put back, its undo data is being removed; killed here: the next start
//               removes the rest and drops the entry
// Rollback (a fix that failed, or a pending entry) also goes through `undone`, so undo copies kept
// in a credential helper are never forgotten there.

/**
 * Brings every entry a killed process left back to committed or gone, newest first, then removes
 * what killed writers leave outside the journal. Runs with the journal lock held.
 */
async function recoverInterrupted(ctx: EngineContext, paths: StatePaths, journal: JournalFile, secrets: UndoSecretStores): Promise<Recovery> {
  const recovery: Recovery = { rolledBack: [], undoFinished: [], undoReopened: [], busy: false };
  const interrupted = journal.entries.filter((e) => e.state !== 'committed').reverse();
  // First the temp files a killed writer left beside the files (a new key's, in a folder the
  // change made): a rollback then finds that folder empty and removes it.
  for (const file of new Set(interrupted.flatMap((e) => e.steps).flatMap((s) => (s.kind === 'file' ? [s.path] : [])))) await removeStaleTemps(file);
  for (const entry of interrupted) {
    const undoer = new StepUndoer(ctx, paths, entry, secrets);
    if (entry.state === 'pending' || entry.state === 'undoing') {
      try {
        // What someone else changed since is left alone, as in a rollback.
        await undoer.restoreAll({ onlyIfOurs: true });
      } catch (error) {
        // A rollback that cannot finish stops here (the error says why); an undo that cannot
        // finish becomes undoable again, so that `undo` reports why and can be retried.
        if (entry.state === 'pending') throw error;
        entry.state = 'committed';
        await writeJournal(paths, journal);
        recovery.undoReopened.push(entry.fixId);
        continue;
      }
    }
    if (entry.state === 'pending') recovery.rolledBack.push(entry.fixId);
    else recovery.undoFinished.push(entry.fixId);
    await dropEntry(paths, journal, entry, undoer);
  }
  await removeLeftovers(ctx, paths, journal);
  return recovery;
}

/** Once an entry's changes are put back: marks it undone, removes its undo data, then drops it. */
async function dropEntry(paths: StatePaths, journal: JournalFile, entry: StoredEntry, undoer: StepUndoer): Promise<void> {
  if (entry.state !== 'undone') {
    entry.state = 'undone';
    await writeJournal(paths, journal);
  }
  await undoer.discardUndoData();
  journal.entries = journal.entries.filter((e) => e !== entry);
  await writeJournal(paths, journal);
}

/**
 * What killed writers leave in the state folder: temp files of the journal and its lock, backups
 * and undo-secret files no entry refers to, and the scratch folders (an ssh-add askpass, an
 * ssh-keygen key, a git config copy). All of these are made only under the journal lock, which the
 * caller holds.
 */
async function removeLeftovers(ctx: EngineContext, paths: StatePaths, journal: JournalFile): Promise<void> {
  for (const file of [paths.journal, paths.lock]) await removeStaleTemps(file);
  await removeOrphanedUndoSecrets(ctx.stateDir, stateFolderRefs(journal));
  await removeOrphanedBackups(paths, journal);
  await rm(scratchRoot(ctx), { recursive: true, force: true });
}

/** Backup folders of entries the journal does not have, and files in the others no step refers to. */
async function removeOrphanedBackups(paths: StatePaths, journal: JournalFile): Promise<void> {
  for (const id of await readdir(paths.backups).catch(() => [] as string[])) {
    const entry = journal.entries.find((e) => e.id === id);
    const dir = path.join(paths.backups, id);
    if (!entry) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    const names = new Set(entry.steps.flatMap((s) => (s.kind === 'file' && s.backup?.in === 'file' ? [s.backup.name] : s.kind === 'acl' ? [s.backup] : [])));
    for (const name of await readdir(dir).catch(() => [] as string[])) if (!names.has(name)) await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

function newEntryId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

async function readWithState(file: string): Promise<{ state: FileState; bytes: Buffer | null }> {
  try {
    const bytes = await readFile(file);
    const info = await stat(file);
    return { state: { exists: true, mode: info.mode & 0o7777, sha256: sha256(bytes) }, bytes };
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { state: { exists: false }, bytes: null };
    throw error;
  }
}

class Change implements ChangeRecorder {
  readonly id: string;
  readonly fixId: FixId;
  private readonly entry: StoredEntry;
  private persisted = false;
  private closed = false;
  private backupCount = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly paths: StatePaths,
    private readonly journal: JournalFile,
    private readonly releaseLock: () => Promise<void>,
    private readonly secrets: UndoSecretStores,
    options: BeginOptions,
  ) {
    this.id = newEntryId(ctx.now());
    this.fixId = options.fixId;
    this.entry = { id: this.id, fixId: options.fixId, appliedAt: ctx.now().toISOString(), repo: options.repo, state: 'pending', pid: process.pid, steps: [] };
  }

  get empty(): boolean {
    return this.entry.steps.length === 0;
  }

  get changed(): string[] {
    return this.entry.steps.map(describeStep);
  }

  private open(): void {
    if (this.closed) throw new Error('This change was already committed or rolled back.');
  }

  /** Write-ahead: the journal knows about a step before the step happens. */
  private async persist(): Promise<void> {
    if (!this.persisted) {
      this.journal.entries.push(this.entry);
      this.persisted = true;
    }
    await writeJournal(this.paths, this.journal);
  }

  private async record(step: Step): Promise<void> {
    this.entry.steps.push(step);
    await this.persist();
  }

  private async forget(step: Step): Promise<void> {
    this.entry.steps = this.entry.steps.filter((s) => s !== step);
    await this.persist();
  }

  private backupDir(): string {
    return path.join(this.paths.backups, this.id);
  }

  private fileStep(file: string): FileStep | undefined {
    return this.entry.steps.find((s): s is FileStep => s.kind === 'file' && s.path === file);
  }

  /**
   * The file step for a path, its `after` set (from what the path holds now) to what the fix is
   * about to leave, written ahead into the journal; created with a backup of the current bytes the
   * first time the fix touches the file.
   */
  private async touch(file: string, sensitive: boolean, after: (now: FileState) => FileState): Promise<{ step: FileStep; isNew: boolean }> {
    const existing = this.fileStep(file);
    if (existing) {
      const passed = existing.after;
      if (passed && !existing.passed?.some((p) => sameState(p, passed))) existing.passed = [...(existing.passed ?? []), passed];
      existing.after = after(await readFileState(file));
      await this.persist();
      return { step: existing, isNew: false };
    }
    const { state, bytes } = await readWithState(file);
    let before = state;
    const modeStep = this.entry.steps.find((s) => s.kind === 'mode' && s.path === file);
    if (modeStep?.kind === 'mode' && before.exists) before = { ...before, mode: modeStep.beforeMode };
    let backup: FileStep['backup'] = null;
    if (bytes) {
      if (sensitive) {
        // A plain-text file's secrets: as protected as the file was (0600), apart from the other backups.
        const ref = newSecretRef();
        await this.secrets.stateFolder().put(ref, this.ctx.secrets.wrap(bytes.toString('base64')));
        backup = { in: 'undo-secrets', ref };
      } else {
        await ensurePrivateDir(this.paths.backups);
        await ensurePrivateDir(this.backupDir());
        const name = String(++this.backupCount);
        await createFileExclusive(path.join(this.backupDir(), name), bytes, FILE_MODE);
        backup = { in: 'file', name };
      }
    }
    const step: FileStep = { kind: 'file', path: file, before, backup, after: after(state) };
    if (modeStep) this.entry.steps = this.entry.steps.filter((s) => s !== modeStep);
    await this.record(step);
    return { step, isNew: true };
  }

  /** Runs one action; if it failed without changing the file, the step it just added is dropped again. */
  private async act(step: FileStep, isNew: boolean, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (isNew && sameState(await readFileState(step.path), step.before)) {
        await this.forget(step);
        await discardBackup(this.paths, this.entry, step, this.secrets);
      }
      throw error;
    }
  }

  async ensureDir(dir: string, mode: number): Promise<void> {
    this.open();
    const missing: string[] = [];
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
      const info = await stat(current).catch((error: unknown) => (isCode(error, 'ENOENT') ? null : Promise.reject(error)));
      if (info) {
        if (!info.isDirectory()) throw new Error(`${current} is not a folder`);
        break;
      }
      missing.unshift(current);
      if (path.dirname(current) === current) break;
    }
    for (const folder of missing) {
      await this.record({ kind: 'mkdir', path: folder });
      writePoint('dir.make', folder);
      await mkdir(folder, { mode });
      await chmod(folder, mode);
    }
  }

  async writeFile(file: string, content: string | Uint8Array, options: FileChangeOptions = {}): Promise<void> {
    this.open();
    let mode = options.mode ?? 0o600;
    const { step, isNew } = await this.touch(file, options.sensitive ?? false, (now) => {
      if (now.exists) mode = now.mode;
      return { exists: true, mode, sha256: sha256(content) };
    });
    await this.act(step, isNew, () => writeFileAtomic(file, content, { mode }));
  }

  async createFile(file: string, content: string | Uint8Array, mode: number): Promise<void> {
    this.open();
    const { step, isNew } = await this.touch(file, false, () => ({ exists: true, mode, sha256: sha256(content) }));
    await this.act(step, isNew, () => createFileExclusive(file, content, mode));
  }

  async deleteFile(file: string, options: Pick<FileChangeOptions, 'sensitive'> = {}): Promise<void> {
    this.open();
    const { step, isNew } = await this.touch(file, options.sensitive ?? false, () => ({ exists: false }));
    await this.act(step, isNew, () => {
      writePoint('file.delete', file);
      return unlink(file).catch((error: unknown) => (isCode(error, 'ENOENT') ? undefined : Promise.reject(error)));
    });
  }

  async chmod(file: string, mode: number): Promise<void> {
    this.open();
    const step = this.fileStep(file);
    if (step) {
      if (step.after?.exists) step.after = { ...step.after, mode };
      await this.persist();
      writePoint('file.chmod', file);
      await chmod(file, mode);
      return;
    }
    const state = await readFileState(file);
    if (!state.exists) throw new Error(`${file} does not exist`);
    const previous = this.entry.steps.find((s) => s.kind === 'mode' && s.path === file);
    if (previous?.kind === 'mode') {
      previous.afterMode = mode;
      await this.persist();
    } else await this.record({ kind: 'mode', path: file, sha256: state.sha256, beforeMode: state.mode, afterMode: mode });
    writePoint('file.chmod', file);
    await chmod(file, mode);
  }

  async editGitConfig(file: string, edits: ReadonlyArray<readonly string[]>, options: { cwd?: string } = {}): Promise<void> {
    this.open();
    const edited = await editConfigCopy(this.ctx, file, edits, options.cwd);
    await this.writeFile(file, edited.bytes, { mode: edited.mode, sensitive: true });
  }

  async setCredential(change: CredentialChange): Promise<void> {
    this.open();
    const cwd = change.cwd ?? null;
    const keptIn = this.secrets.placeFor(change.helper);
    const store = this.secrets.forHelper(keptIn, change.helper, cwd);
    const current = await helperCall(this.ctx, change.helper, 'get', change.key, null, cwd ?? undefined);
    // Already as wanted: nothing to change, nothing to record.
    if (sameSecret(current.password, change.password)) return;
    const beforeRef = current.password ? newSecretRef() : null;
    const afterRef = change.password ? newSecretRef() : null;
    // Write-ahead: the journal names the copies before they are made (kept: false), so copies a
    // killed process made are found and removed; `kept` turns true only once both are there.
    const step: CredentialStep = { kind: 'credential', helper: change.helper, ...change.key, cwd, beforeRef, afterRef, keptIn, kept: false };
    await this.record(step);
    // Both copies are kept before anything changes; if either cannot be, nothing changes.
    const kept: string[] = [];
    try {
      for (const [ref, value] of [[beforeRef, current.password], [afterRef, change.password]] as const) {
        if (!ref || !value) continue;
        await store.put(ref, value);
        kept.push(ref);
      }
    } catch (error) {
      for (const ref of kept) await store.delete(ref).catch(() => {});
      await this.forget(step);
      throw new Error(this.ctx.secrets.redact(cannotKeep(keptIn, change.helper, error)));
    }
    step.kept = true;
    await this.persist();
    await applyCredential(this.ctx, step, change.password, current.password);
  }

  async addAgentKey(change: AgentKeyChange): Promise<void> {
    this.open();
    const held = await agentFingerprints(this.ctx, change.socket);
    if (held === null) throw new Error(`the SSH agent at ${change.socket} cannot be reached`);
    if (held.includes(change.fingerprint)) return;
    const step: AgentKeyStep = { kind: 'agent-key', socket: change.socket, publicKey: change.publicKey, fingerprint: change.fingerprint, keychain: change.keychain };
    await this.record(step);
    try {
      writePoint('agent.add', change.socket);
      await addKeyToAgent(this.ctx, { socket: change.socket, keyPath: change.keyPath, passphrase: change.passphrase, keychain: change.keychain });
    } catch (error) {
      if (!(await agentFingerprints(this.ctx, change.socket))?.includes(change.fingerprint)) await this.forget(step);
      throw error;
    }
  }

  async restrictKeyAcl(file: string): Promise<void> {
    this.open();
    await ensurePrivateDir(this.backupDir());
    const name = String(++this.backupCount);
    const before = await saveAcl(this.ctx, file, path.join(this.backupDir(), name));
    const step: AclStep = { kind: 'acl', path: file, backup: name, before, after: null };
    await this.record(step);
    writePoint('acl.restrict', file);
    step.after = await restrictAcl(this.ctx, file);
    await this.persist();
  }

  async addAccountKey(change: AccountKeyChange, add: () => Promise<AccountKey>): Promise<AccountKey> {
    this.open();
    const step: AccountKeyStep = { kind: 'account-key', ...change, keyId: null };
    await this.record(step);
    try {
      writePoint('account-key.add', change.site);
      const key = await add();
      step.keyId = key.id;
      await this.persist();
      return key;
    } catch (error) {
      // Refused, or no answer: keep the step only if the key got there after all (rollback removes it).
      if ((await accountKeyState(this.ctx, step)) !== 'present') await this.forget(step);
      throw error;
    }
  }

  async commit(): Promise<JournalEntry | null> {
    this.open();
    try {
      if (this.empty) {
        if (this.persisted) {
          this.journal.entries = this.journal.entries.filter((e) => e !== this.entry);
          await writeJournal(this.paths, this.journal);
        }
        return null;
      }
      for (const step of this.entry.steps) {
        if (step.kind !== 'file') continue;
        step.after = await readFileState(step.path);
        delete step.passed;
      }
      this.entry.state = 'committed';
      await this.persist();
      return toJournalEntry(this.entry);
    } finally {
      this.closed = true;
      await this.releaseLock();
    }
  }

  async rollback(): Promise<{ restored: string[]; leftAlone: string[] }> {
    this.open();
    this.closed = true;
    try {
      const undoer = new StepUndoer(this.ctx, this.paths, this.entry, this.secrets);
      const result = await undoer.restoreAll({ onlyIfOurs: true });
      if (this.persisted) await dropEntry(this.paths, this.journal, this.entry, undoer);
      else await undoer.discardUndoData();
      return result;
    } finally {
      await this.releaseLock();
    }
  }
}

/** Saves or erases through one helper; a helper that stores nothing on "store" is an error. */
async function applyCredential(ctx: EngineContext, step: CredentialStep, password: Secret | null, previous: Secret | null): Promise<void> {
  const key: CredentialKey = { protocol: step.protocol, host: step.host, path: step.path, username: step.username };
  const cwd = step.cwd ?? undefined;
  if (password) {
    writePoint('credential.store', step.helper);
    const stored = await helperCall(ctx, step.helper, 'store', key, password, cwd);
    if (!stored.ok) throw new Error(`credential helper ${step.helper} could not save: ${stored.error}`);
  } else {
    writePoint('credential.erase', step.helper);
    const erased = await helperCall(ctx, step.helper, 'erase', key, previous, cwd);
    if (!erased.ok) throw new Error(`credential helper ${step.helper} could not erase: ${erased.error}`);
  }
}

async function discardBackup(paths: StatePaths, entry: StoredEntry, step: FileStep, secrets: UndoSecretStores): Promise<void> {
  if (step.backup?.in === 'file') await rm(path.join(paths.backups, entry.id, step.backup.name), { force: true });
  else if (step.backup) await backupStore(secrets, step.backup).delete(step.backup.ref).catch(() => {});
}

/** Where a secret-bearing file's old bytes are: the state folder, or the keychain (earlier versions). */
function backupStore(secrets: UndoSecretStores, backup: { in: 'undo-secrets' | 'secret-store' }): UndoSecretStore {
  return backup.in === 'undo-secrets' ? secrets.stateFolder() : secrets.keychain();
}

/** Where a credential step's copies are; steps written by earlier versions kept them in the keychain. */
function credentialStore(secrets: UndoSecretStores, step: CredentialStep): UndoSecretStore {
  return secrets.forHelper(step.keptIn ?? 'keychain', step.helper, step.cwd);
}

/** One sentence: why the old credential could not be kept for undo, and what to do instead. */
function cannotKeep(place: UndoSecretPlace, helper: string, error: unknown): string {
  const why = errorText(error);
  if (place === 'keychain') {
    return `the credential helper "${helper}" is not one whose protection Push Doctor can judge, so the old credential would be kept for undo in the system keychain, which is not usable here (${why}); change this credential with that helper's own tool`;
  }
  return `could not keep the old credential for undo: ${why}`;
}

type Where = 'before' | 'after' | 'changed';

/** Puts the steps of one entry back, newest first. */
class StepUndoer {
  constructor(
    private readonly ctx: EngineContext,
    private readonly paths: StatePaths,
    private readonly entry: StoredEntry,
    private readonly secrets: UndoSecretStores,
  ) {}

  /** Is the thing as we left it, already as it was before, or changed by someone else since? */
  async classify(step: Step): Promise<Where> {
    switch (step.kind) {
      case 'mkdir':
        return 'after';
      case 'mode': {
        const now = await readFileState(step.path);
        if (!now.exists || now.sha256 !== step.sha256) return 'changed';
        if (now.mode === step.afterMode) return 'after';
        return now.mode === step.beforeMode ? 'before' : 'changed';
      }
      case 'file': {
        const now = await readFileState(step.path);
        if (step.after && sameState(now, step.after)) return 'after';
        if (sameState(now, step.before)) return 'before';
        // Killed between two writes of this file by one fix: what the first one left is ours too.
        if (step.passed?.some((state) => sameState(now, state))) return 'after';
        // A change made by another program that died before we measured it: ours to put back.
        return step.after === null ? 'after' : 'changed';
      }
      case 'credential': {
        // The copies were not all made yet, so the helper was not called: nothing to put back.
        if (step.kept === false) return 'before';
        const key = { protocol: step.protocol, host: step.host, path: step.path, username: step.username };
        const now = await helperCall(this.ctx, step.helper, 'get', key, null, step.cwd ?? undefined);
        const store = credentialStore(this.secrets, step);
        const after = step.afterRef ? await store.get(step.afterRef) : null;
        const before = step.beforeRef ? await store.get(step.beforeRef) : null;
        if (sameSecret(now.password, after)) return 'after';
        if (sameSecret(now.password, before)) return 'before';
        return 'changed';
      }
      case 'acl': {
        const now = await currentSddl(this.ctx, step.path);
        if (step.after !== null && now === step.after) return 'after';
        if (now === step.before) return 'before';
        // The change died half-way: ours to put back.
        return step.after === null ? 'after' : 'changed';
      }
      case 'agent-key': {
        // An agent that is gone (logout) holds nothing any more: as before.
        const held = await agentFingerprints(this.ctx, step.socket);
        return held?.includes(step.fingerprint) ? 'after' : 'before';
      }
      case 'account-key':
        // A key that cannot be looked up is treated as still there: restore then says where to remove it.
        return (await accountKeyState(this.ctx, step)) === 'absent' ? 'before' : 'after';
    }
  }

  /**
   * Restores every step still as we left it. With onlyIfOurs (rollback, crash recovery) a step
   * someone else changed is left alone; undo checks beforehand and refuses instead.
   */
  async restoreAll({ onlyIfOurs }: { onlyIfOurs: boolean }): Promise<{ restored: string[]; leftAlone: string[] }> {
    const restored: string[] = [];
    const leftAlone: string[] = [];
    for (const step of [...this.entry.steps].reverse()) {
      const where = await this.classify(step);
      if (where === 'before') continue;
      if (where === 'changed' && onlyIfOurs) {
        leftAlone.push(describeStep(step));
        continue;
      }
      if (await this.restore(step)) restored.push(describeStep(step));
      else leftAlone.push(describeStep(step));
    }
    return { restored, leftAlone };
  }

  private async restore(step: Step): Promise<boolean> {
    switch (step.kind) {
      case 'mkdir': {
        const left = await readdir(step.path).catch(() => null);
        if (left === null) return true;
        if (left.length) return false;
        writePoint('dir.remove', step.path);
        await rmdir(step.path);
        return true;
      }
      case 'mode':
        writePoint('file.chmod', step.path);
        await chmod(step.path, step.beforeMode);
        return true;
      case 'file': {
        if (!step.before.exists) {
          writePoint('file.delete', step.path);
          await unlink(step.path).catch((error: unknown) => (isCode(error, 'ENOENT') ? undefined : Promise.reject(error)));
          return true;
        }
        const bytes = await this.backupBytes(step);
        if (sha256(bytes) !== step.before.sha256) throw new Error(`The backup of ${step.path} does not match what was saved; ${step.path} was left as it is.`);
        await writeFileAtomic(step.path, bytes, { forceMode: step.before.mode });
        return true;
      }
      case 'credential': {
        const store = credentialStore(this.secrets, step);
        const before = step.beforeRef ? await store.get(step.beforeRef) : null;
        const after = step.afterRef ? await store.get(step.afterRef) : null;
        await applyCredential(this.ctx, step, before, after);
        return true;
      }
      case 'acl':
        writePoint('acl.restore', step.path);
        await restoreAcl(this.ctx, step.path, path.join(this.paths.backups, this.entry.id, step.backup));
        return true;
      case 'agent-key':
        writePoint('agent.remove', step.socket);
        await removeKeyFromAgent(this.ctx, { socket: step.socket, publicKey: step.publicKey, keychain: step.keychain });
        return true;
      case 'account-key':
        writePoint('account-key.remove', step.site);
        return removeAccountKey(this.ctx, step);
    }
  }

  private async backupBytes(step: FileStep): Promise<Buffer> {
    if (step.backup?.in === 'file') return readFile(path.join(this.paths.backups, this.entry.id, step.backup.name));
    if (step.backup) {
      const secret = this.ctx.secrets.add(await backupStore(this.secrets, step.backup).get(step.backup.ref));
      return Buffer.from(revealSecret(secret), 'base64');
    }
    throw new Error(`No backup of ${step.path} was kept.`);
  }

  /** Removes the entry's backups (files and undo secrets) once they are no longer needed. */
  async discardUndoData(): Promise<void> {
    writePoint('undo-data.discard', path.join(this.paths.backups, this.entry.id));
    await rm(path.join(this.paths.backups, this.entry.id), { recursive: true, force: true });
    for (const step of this.entry.steps) {
      if (step.kind === 'file') await discardBackup(this.paths, this.entry, step, this.secrets);
      if (step.kind !== 'credential') continue;
      const store = credentialStore(this.secrets, step);
      for (const ref of [step.beforeRef, step.afterRef]) if (ref) await store.delete(ref).catch(() => {});
    }
  }
}

function sameSecret(a: Secret | null, b: Secret | null): boolean {
  if (a === null || b === null) return a === b;
  return revealSecret(a) === revealSecret(b);
}

/** "27 November 2026, 22:57" in the machine's time zone: absolute, readable, never relative. */
export function readableTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
  return `${formatDay(`${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`)}, ${time}`;
}
