import { chmod, readdir, readFile, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { accountKeyState, removeAccountKey } from '../account/journal-step.js';
import type { EngineContext } from '../context.js';
import { revealSecret, type Secret } from '../secrets/secret.js';
import { currentSddl, restoreAcl } from './acl-io.js';
import { agentFingerprints, removeKeyFromAgent } from './agent-io.js';
import { isCode, writeFileAtomic } from './atomic-write.js';
import { helperCall, type CredentialKey } from './credential-io.js';
import type { CredentialStep, FileStep, Step } from './journal-steps.js';
import { writeJournal, type JournalFile, type StoredEntry } from './journal-store.js';
import { describeStep } from './journal-words.js';
import { readFileState, sameState, sha256, type StatePaths } from './state-dir.js';
import type { UndoSecretStore, UndoSecretStores } from './undo-secrets.js';
import { writePoint } from './write-points.js';

/*
 * Undo and rollback of one recorded change: each step judged (still as we left it, already as
 * before, or changed by someone else since) and put back, then the entry's undo data removed.
 * `undo` (undo.ts), a fix's rollback (step-recorder.ts) and crash recovery (crash-recovery.ts)
 * all put things back through here.
 */

type Where = 'before' | 'after' | 'changed';

/** Puts the steps of one entry back, newest first. */
export class StepUndoer {
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

/** Once an entry's changes are put back: marks it undone, removes its undo data, then drops it. */
export async function dropEntry(paths: StatePaths, journal: JournalFile, entry: StoredEntry, undoer: StepUndoer): Promise<void> {
  if (entry.state !== 'undone') {
    entry.state = 'undone';
    await writeJournal(paths, journal);
  }
  await undoer.discardUndoData();
  journal.entries = journal.entries.filter((e) => e !== entry);
  await writeJournal(paths, journal);
}

/** Saves or erases through one helper; a helper that stores nothing on "store" is an error. */
export async function applyCredential(ctx: EngineContext, step: CredentialStep, password: Secret | null, previous: Secret | null): Promise<void> {
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

/** Removes the backup of a file step (its 0600 file, or its undo secret). */
export async function discardBackup(paths: StatePaths, entry: StoredEntry, step: FileStep, secrets: UndoSecretStores): Promise<void> {
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

/** Whether two secrets (or their absence) are the same. */
export function sameSecret(a: Secret | null, b: Secret | null): boolean {
  if (a === null || b === null) return a === b;
  return revealSecret(a) === revealSecret(b);
}
