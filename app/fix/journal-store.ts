import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FIX_IDS } from '../contract/report.js';
import { isCode, writeFileAtomic } from './atomic-write.js';
import { stepSchema } from './journal-steps.js';
import { FILE_MODE, type StatePaths } from './state-dir.js';

/* journal.json: the fixes applied and being applied or undone, with their steps (journal-steps.ts). */

/** Version of journal.json; a newer file is refused rather than misread. */
export const JOURNAL_VERSION = 1;

const entry = z.object({
  id: z.string(),
  fixId: z.enum(FIX_IDS),
  appliedAt: z.string(),
  repo: z.string().nullable(),
  /**
   * pending: being applied (its process died: the next start rolls it back); committed: can be
   * undone; undoing: being undone (its process died: the next start finishes the undo); undone:
   * put back, its undo data being removed (the next start finishes that). See crash-recovery.ts.
   */
  state: z.enum(['pending', 'committed', 'undoing', 'undone']),
  pid: z.number().int(),
  steps: z.array(stepSchema),
});

const journalFile = z.object({ version: z.literal(JOURNAL_VERSION), entries: z.array(entry) });

export type StoredEntry = z.infer<typeof entry>;
export type JournalFile = z.infer<typeof journalFile>;

export class JournalError extends Error {
  override readonly name = 'JournalError';
}

/**
 * Reads the journal. A missing file is an empty journal; an unreadable, corrupt or newer one is a
 * JournalError with one clear sentence, and the file is left exactly as it is (never "repaired"
 * by overwriting: it holds the only way back to the user's old files).
 */
export async function readJournal(paths: StatePaths): Promise<JournalFile> {
  let text: string;
  try {
    text = await readFile(paths.journal, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { version: JOURNAL_VERSION, entries: [] };
    throw new JournalError(`The undo journal ${paths.journal} cannot be read (${(error as Error).message}).`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new JournalError(`The undo journal ${paths.journal} is damaged (not valid JSON); it was left untouched, and nothing can be undone or applied until it is moved away.`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > JOURNAL_VERSION) {
    throw new JournalError(`The undo journal ${paths.journal} was written by a newer push-doctor (format ${version}); use that version.`);
  }
  const parsed = journalFile.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'top level';
    throw new JournalError(`The undo journal ${paths.journal} is damaged (unexpected content at ${where}); it was left untouched, and nothing can be undone or applied until it is moved away.`);
  }
  return parsed.data;
}

export async function writeJournal(paths: StatePaths, journal: JournalFile): Promise<void> {
  await writeFileAtomic(paths.journal, `${JSON.stringify(journal, null, 2)}\n`, { forceMode: FILE_MODE });
}
