import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import type { FixId } from '../contract/report.js';
import { removeStaleTemps } from './atomic-write.js';
import { readJournal, writeJournal, type JournalFile } from './journal-store.js';
import { acquireLock, LockBusyError, scratchRoot, statePaths, type StatePaths } from './state-dir.js';
import { dropEntry, StepUndoer } from './step-undoer.js';
import { removeOrphanedUndoSecrets, UndoSecretStores, type UndoSecretStore } from './undo-secrets.js';

/*
 * Recovery of interrupted changes, at every start that opens the journal. Every change is written
 * ahead into the journal (step-recorder.ts), so a process killed at any point leaves an entry that
 * says what to do next. The states an entry goes through:
 *   pending   → a fix is applying it; killed here: the next start rolls it back
 *   committed → applied and undoable; `undo` then marks it
 *   undoing   → being undone; killed here: the next start finishes the undo
 *   undone    → everything is put back, its undo data is being removed; killed here: the next start
 *               removes the rest and drops the entry
 * Rollback (a fix that failed, or a pending entry) also goes through `undone`, so undo copies kept
 * in a credential helper are never forgotten there.
 */

/**
 * Takes the journal lock, reads the journal and recovers what a killed process left (see
 * recoverInterrupted); releases the lock on failure.
 */
export async function openJournal(ctx: EngineContext, keychain: UndoSecretStore | undefined) {
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

/** The undo-secret files the journal refers to. */
function stateFolderRefs(journal: JournalFile): Set<string> {
  const refs = new Set<string>();
  for (const step of journal.entries.flatMap((e) => e.steps)) {
    if (step.kind === 'file' && step.backup?.in === 'undo-secrets') refs.add(step.backup.ref);
    if (step.kind === 'credential' && step.keptIn === 'state-folder') for (const ref of [step.beforeRef, step.afterRef]) if (ref) refs.add(ref);
  }
  return refs;
}
