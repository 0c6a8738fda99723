import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { createFileExclusive, isCode, isProcessAlive } from './atomic-write.js';
import { writePoint } from './write-points.js';

/**
 * The app's own state folder (journal, backups, lock). Folders are 0700 and files 0600, set with
 * chmod because mkdir/open modes are masked by the umask.
 */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export interface StatePaths {
  root: string;
  journal: string;
  lock: string;
  backups: string;
}

export function statePaths(ctx: Pick<EngineContext, 'stateDir'>): StatePaths {
  return {
    root: ctx.stateDir,
    journal: path.join(ctx.stateDir, 'journal.json'),
    lock: path.join(ctx.stateDir, 'journal.lock'),
    backups: path.join(ctx.stateDir, 'backups'),
  };
}

/** Private scratch folders (an ssh-add askpass, an ssh-keygen key, a git config copy): used only under the journal lock, emptied by crash recovery. */
export function scratchRoot(ctx: { stateDir: string }): string {
  return path.join(ctx.stateDir, 'tmp');
}

/** Creates a private folder (and its missing parents) and makes sure it is 0700 even if it existed. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
}

/** What a path holds now: enough to tell whether someone changed it since we did. */
export type FileState = { exists: false } | { exists: true; mode: number; sha256: string };

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function readFileState(file: string): Promise<FileState> {
  try {
    const [info, bytes] = await Promise.all([stat(file), readFile(file)]);
    return { exists: true, mode: info.mode & 0o7777, sha256: sha256(bytes) };
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { exists: false };
    throw error;
  }
}

export function sameState(a: FileState, b: FileState): boolean {
  if (!a.exists || !b.exists) return a.exists === b.exists;
  return a.mode === b.mode && a.sha256 === b.sha256;
}

/** The journal lock is held by a live process (another push-doctor, or this one). */
export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
}

/**
 * One writer of the journal at a time (two windows, or the CLI and the app): an exclusive lock
 * file holding the owner's pid. A lock whose owner is gone is stale and is taken over; the caller
 * then recovers the owner's unfinished change.
 */
export async function acquireLock(paths: StatePaths): Promise<{ release(): Promise<void>; staleOwner: number | null }> {
  await ensurePrivateDir(paths.root);
  let staleOwner: number | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Created whole (temp file + link): another process never reads an empty lock as a stale one.
      writePoint('lock.take', paths.lock);
      await createFileExclusive(paths.lock, String(process.pid), FILE_MODE);
      const release = async () => {
        writePoint('lock.release', paths.lock);
        await rm(paths.lock, { force: true });
      };
      return { staleOwner, release };
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      const owner = Number((await readFile(paths.lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner)) {
        throw new LockBusyError(`Another push-doctor (process ${owner}) is changing files right now; try again when it has finished.`);
      }
      if (owner === process.pid) throw new LockBusyError('A change is already in progress in this process; finish it first.');
      staleOwner = Number.isInteger(owner) && owner > 0 ? owner : staleOwner;
      await rm(paths.lock, { force: true });
    }
  }
  throw new Error(`Could not take the journal lock ${paths.lock}.`);
}
