import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AccountKey } from '../account/api.js';
import { accountKeyState } from '../account/journal-step.js';
import type { EngineContext } from '../context.js';
import type { JournalEntry } from '../contract/fixes.js';
import type { FixId } from '../contract/report.js';
import { addKeyToAgent, agentFingerprints } from './agent-io.js';
import { restrictAcl, saveAcl } from './acl-io.js';
import { createFileExclusive, isCode, writeFileAtomic } from './atomic-write.js';
import type { AccountKeyChange, AgentKeyChange, BeginOptions, ChangeRecorder, CredentialChange, FileChangeOptions } from './change-recorder.js';
import { helperCall } from './credential-io.js';
import { openJournal } from './crash-recovery.js';
import { editConfigCopy } from './git-config-edit.js';
import type { AccountKeyStep, AclStep, AgentKeyStep, CredentialStep, FileStep, Step } from './journal-steps.js';
import { writeJournal, type JournalFile, type StoredEntry } from './journal-store.js';
import { cannotKeep, describeStep, toJournalEntry } from './journal-words.js';
import { ensurePrivateDir, FILE_MODE, readFileState, sameState, sha256, type FileState, type StatePaths } from './state-dir.js';
import { applyCredential, discardBackup, dropEntry, sameSecret, StepUndoer } from './step-undoer.js';
import { newSecretRef, type UndoSecretStores } from './undo-secrets.js';
import { writePoint } from './write-points.js';

/**
 * Opens the journal (recovering what a killed process left first) and starts recording one fix's
 * changes; the journal lock is held until the change is committed or rolled back.
 */
export async function beginChange(ctx: EngineContext, options: BeginOptions): Promise<ChangeRecorder> {
  const { paths, journal, secrets, release } = await openJournal(ctx, options.keychain);
  return new Change(ctx, paths, journal, release, secrets, options);
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

/** The ChangeRecorder of change-recorder.ts: each step written ahead into the journal entry, then made. */
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
