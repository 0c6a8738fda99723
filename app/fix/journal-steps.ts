import { z } from 'zod';
import { accountKeyStepSchema } from '../account/journal-step.js';

/*
 * The kinds of step a fix's change records in the journal (journal-store.ts keeps them), each with
 * what undo needs to put it back: a file's old bytes, a mode, a folder made, a saved credential,
 * a key in an ssh-agent, a Windows access list, a key on the Bitbucket account.
 */

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
export const stepSchema = z.discriminatedUnion('kind', [fileStep, modeStep, dirStep, credentialStep, agentKeyStep, aclStep, accountKeyStepSchema]);

export type FileStep = z.infer<typeof fileStep>;
export type ModeStep = z.infer<typeof modeStep>;
export type CredentialStep = z.infer<typeof credentialStep>;
export type AgentKeyStep = z.infer<typeof agentKeyStep>;
export type AclStep = z.infer<typeof aclStep>;
export type { AccountKeyStep } from '../account/journal-step.js';
export type Step = z.infer<typeof stepSchema>;
