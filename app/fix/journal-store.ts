import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { accountKeyStepSchema } from '../account/journal-step.js';
import { FIX_IDS } from '../contract/report.js';
import { isCode, writeFileAtomic } from './atomic-write.js';
import { FILE_MODE, type StatePaths } from './state-dir.js';

/** Version of journal.json; a newer file is refused rather than misread. */
export const JOURNAL_VERSION = 1;

const fileState = z.union([
  z.object({ exists: z.literal(false) }),
  z.object({ exists: z.literal(true), mode: z.number().int(), sha256: z.string() }),
]);

/**
 * Where the old bytes of a file are kept: a 0600 file under backups/, or for secret-bearing files a
 * 0600 file under undo-secrets/ ('undo-secrets'); 'secret-store' is the system keychain, where
 * earlier versions kept them.
 */
const backupRef = z.union([
  z.object({ in: z.literal('file'), name: z.string() }),
  z.object({ in: z.literal('undo-secrets'), ref: z.string() }),
  z.object({ in: z.literal('secret-store'), ref: z.string() }),
]);

const fileStep = z.object({
  kind: z.literal('file'),
  path: z.string(),
  before: fileState,
  backup: backupRef.nullable(),
  /** What we leave (intended, written before the write; measured at commit); null: a change by another program, in journals of earlier versions. */
  after: fileState.nullable(),
  /** What an earlier write of the same fix left, while it is being applied: a crash between two writes of one file leaves one of these. */
  passed: z.array(fileState).optional(),
});
const modeStep = z.object({
  kind: z.literal('mode'),
  path: z.string(),
  sha256: z.string(),
  beforeMode: z.number().int(),
  afterMode: z.number().int(),
});
const dirStep = z.object({ kind: z.literal('mkdir'), path: z.string() });
const credentialStep = z.object({
  kind: z.literal('credential'),
  helper: z.string(),
  protocol: z.string(),
  host: z.string(),
  path: z.string().optional(),
  username: z.string(),
  cwd: z.string().nullable(),
  /** References of the saved password before and after the fix (null: none saved). */
  beforeRef: z.string().nullable(),
  afterRef: z.string().nullable(),
  /** Where those are kept (undo-secrets.ts); absent: the system keychain (earlier versions). */
  keptIn: z.enum(['state-folder', 'helper', 'keychain']).optional(),
  /** false while the copies are being made (the helper is not called before): a crash then has nothing to put back. Absent: true (earlier versions). */
  kept: z.boolean().optional(),
});
/** A key added to an ssh-agent (the public half only: undo removes it with ssh-add -d). */
const agentKeyStep = z.object({
  kind: z.literal('agent-key'),
  socket: z.string(),
  publicKey: z.string(),
  fingerprint: z.string(),
  /** macOS: the passphrase was also stored in the keychain (removed with it on undo). */
  keychain: z.boolean(),
});
/** Windows: a file's access list replaced; `icacls /save` of the old one is the backup file `backup`. */
const aclStep = z.object({
  kind: z.literal('acl'),
  path: z.string(),
  backup: z.string(),
  /** The DACL as SDDL before and after (null until the change is made). */
  before: z.string(),
  after: z.string().nullable(),
});
const step = z.discriminatedUnion('kind', [fileStep, modeStep, dirStep, credentialStep, agentKeyStep, aclStep, accountKeyStepSchema]);

const entry = z.object({
  id: z.string(),
  fixId: z.enum(FIX_IDS),
  appliedAt: z.string(),
  repo: z.string().nullable(),
  /**
   * pending: being applied (its process died: the next start rolls it back); committed: can be
   * undone; undoing: being undone (its process died: the next start finishes the undo); undone:
   * put back, its undo data being removed (the next start finishes that). See journal.ts.
   */
  state: z.enum(['pending', 'committed', 'undoing', 'undone']),
  pid: z.number().int(),
  steps: z.array(step),
});

const journalFile = z.object({ version: z.literal(JOURNAL_VERSION), entries: z.array(entry) });

export type FileStep = z.infer<typeof fileStep>;
export type ModeStep = z.infer<typeof modeStep>;
export type CredentialStep = z.infer<typeof credentialStep>;
export type AgentKeyStep = z.infer<typeof agentKeyStep>;
export type AclStep = z.infer<typeof aclStep>;
export type { AccountKeyStep } from '../account/journal-step.js';
export type Step = z.infer<typeof step>;
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
