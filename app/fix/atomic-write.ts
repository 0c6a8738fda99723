import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, readdir, readFile, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writePoint } from './write-points.js';

export interface AtomicWriteOptions {
  /** Mode of a new file (default 0600). An existing file keeps its own mode. */
  mode?: number;
  /** Mode to set even when the file exists (undo restores modes exactly). */
  forceMode?: number;
  /**
   * Test hook: runs after the temp file is written and synced, before the rename. The interruption
   * test kills the process here to prove the target is never half written.
   */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

/** Temp files are `.<name>.push-doctor-<pid>-<random>.tmp` beside the target: same file system, so rename is atomic. */
const TEMP_MARK = '.push-doctor-';
const TEMP_SUFFIX = '.tmp';

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/** The file a write lands in: a symlinked config (dotfiles repo) is written through, never replaced by a plain file. */
async function resolveTarget(target: string): Promise<string> {
  try {
    return await realpath(target);
  } catch (error) {
    if (isCode(error, 'ENOENT')) {
      // A dangling symlink or a missing file: write where the path says (lstat tells a dangling link).
      const link = await lstat(target).catch(() => null);
      if (link?.isSymbolicLink()) throw new Error(`${target} is a symbolic link to a missing file; not writing through it`);
      return target;
    }
    throw error;
  }
}

/**
 * Replaces a file so that at every instant it holds either its old or its new bytes: temp file in
 * the same folder (created exclusively, mode set with chmod because the open mode is masked by the
 * umask), written, fsynced, renamed over the target, then the folder fsynced so the rename itself
 * survives a crash. The existing file's mode (and owner, when we are root) is kept. On failure the
 * temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const file = await resolveTarget(target);
  const dir = path.dirname(file);
  await removeStaleTemps(file);
  const existing = await stat(file).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  });
  if (existing && !existing.isFile()) throw new Error(`${file} is not a regular file`);
  const mode = options.forceMode ?? (existing ? existing.mode & 0o7777 : (options.mode ?? 0o600));

  const temp = tempPathFor(file);
  writePoint('file.temp', file);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  let renamed = false;
  try {
    await handle.chmod(mode);
    if (existing && process.getuid?.() === 0 && (existing.uid !== 0 || existing.gid !== 0)) {
      await handle.chown(existing.uid, existing.gid);
    }
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await options.beforeRename?.(temp);
    writePoint('file.rename', file);
    await rename(temp, file);
    renamed = true;
    await syncDir(dir);
  } finally {
    if (!renamed) {
      await handle.close().catch(() => {});
      await rm(temp, { force: true });
    }
  }
}

/**
 * Creates a new file that must never replace an existing one (private keys, backups): the bytes go
 * to a temp file beside it (mode set, synced), which is then hard-linked to the name. link() fails
 * with EEXIST when the name is taken (an existing key, or a racing writer), and the name appears
 * whole or not at all: a crash never leaves a half-written key under the real name. A file
 * system without hard links (FAT, some network shares) gets the file created in place with O_EXCL.
 */
export async function createFileExclusive(target: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = tempPathFor(target);
  writePoint('create.temp', target);
  await writeNewFile(temp, data, mode);
  try {
    writePoint('create.link', target);
    await link(temp, target);
    writePoint('create.linked', target);
  } catch (error) {
    await rm(temp, { force: true });
    if (!isCode(error, 'EPERM') && !isCode(error, 'ENOTSUP') && !isCode(error, 'ENOSYS') && !isCode(error, 'EOPNOTSUPP')) throw error;
    await writeNewFile(target, data, mode);
  }
  await rm(temp, { force: true });
  await syncDir(path.dirname(target));
}

/** O_EXCL create, exact mode (chmod: the open mode is masked by the umask), write, sync; removed again on failure. */
async function writeNewFile(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(file).catch(() => {});
    throw error;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; rename is already durable there.
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temp files a killed writer of this target left behind: only ours (our marker and
 * suffix), and only when the process that made them is gone.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}${TEMP_MARK}`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const match = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length, -TEMP_SUFFIX.length));
    // Our own temps belong to writes still in flight (a failed one removes its own).
    const pid = Number(match?.[1]);
    if (!match || pid === process.pid || isProcessAlive(pid)) continue;
    await rm(path.join(dir, name), { force: true });
    removed.push(path.join(dir, name));
  }
  return removed;
}

/** True while a process with this id exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

/** A text file's content, or null when it does not exist (any other error is thrown). */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
