import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { undoSecretsDir } from '../../../app/fix/undo-secrets.js';
import { SURFACES, type Ledger } from './ledger.js';

/** One file of the undo-secrets store: the only place a removed secret may be kept. */
export interface UndoSecretFile {
  path: string;
  mode: number;
  /** Its text, and the text base64-decoded (file backups are kept in base64). */
  text: string;
}

/**
 * Records the engine's state folder at this moment: every file but the undo-secrets store as text
 * (journal, lock, backups, scratch), every file and folder name (the backup listing), and returns
 * the undo-secrets files so the caller can check their modes and what they hold.
 */
export async function recordStateFolder(ledger: Ledger, stateDir: string, moment: string): Promise<UndoSecretFile[]> {
  const undoDir = undoSecretsDir(stateDir);
  const undo: UndoSecretFile[] = [];
  const names: string[] = [];
  for (const entry of await readdir(stateDir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(stateDir, full);
    names.push(rel);
    if (!entry.isFile()) continue;
    const bytes = await readFile(full);
    if (full.startsWith(`${undoDir}${path.sep}`)) {
      const text = bytes.toString('utf8');
      undo.push({ path: full, mode: (await lstat(full)).mode & 0o777, text: `${text}\n${Buffer.from(text, 'base64').toString('utf8')}` });
      continue;
    }
    ledger.add(SURFACES.stateFolder, `${moment}: ${rel}`, bytes.toString('utf8'));
  }
  ledger.add(SURFACES.backupListing, `${moment}: the state folder's names`, names.sort().join('\n'));
  return undo;
}
