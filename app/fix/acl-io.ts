import { readFile } from 'node:fs/promises';
import type { EngineContext } from '../context.js';
import { icacls, inspectKeyAcl, parseIcaclsSave, readSddl, restoreAclCommand, restrictKeyCommands } from '../ssh/key-acl.js';

/**
 * Windows ACL changes for the key-permission fix and its undo, through icacls (by absolute path):
 * `/save` keeps the old access list in our state folder, `/restore` puts it back exactly.
 */

function failed(what: string, result: { exitCode: number | null; stdout: string; stderr: string; spawnError: string | null }): Error {
  const line = `${result.stdout}\n${result.stderr}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean);
  return new Error(`${what}: ${result.spawnError ?? line ?? `exit code ${result.exitCode}`}`);
}

/** `icacls FILE /save BACKUP`: the current access list, kept for undo. Returns its SDDL. */
export async function saveAcl(ctx: EngineContext, file: string, backup: string): Promise<string> {
  const result = await icacls(ctx, [file, '/save', backup]);
  if (result.exitCode !== 0) throw failed(`icacls could not save the permissions of ${file}`, result);
  const sddl = parseIcaclsSave(await readFile(backup));
  if (!sddl) throw new Error(`icacls saved no permissions for ${file}`);
  return sddl;
}

/** Leaves the key usable by the current user alone; returns the SDDL it ends with. */
export async function restrictAcl(ctx: EngineContext, file: string): Promise<string> {
  const found = await inspectKeyAcl(ctx, file);
  if (!found.ok) throw new Error(found.reason);
  for (const args of restrictKeyCommands(file, found.acl)) {
    const result = await icacls(ctx, args);
    if (result.exitCode !== 0) throw failed(`icacls ${args.slice(1).join(' ')} failed on ${file}`, result);
  }
  return currentSddl(ctx, file);
}

/** `icacls FOLDER /restore BACKUP`: the access list as it was saved. */
export async function restoreAcl(ctx: EngineContext, file: string, backup: string): Promise<void> {
  const result = await icacls(ctx, restoreAclCommand(file, backup));
  if (result.exitCode !== 0) throw failed(`icacls could not restore the permissions of ${file}`, result);
}

export async function currentSddl(ctx: EngineContext, file: string): Promise<string> {
  const read = await readSddl(ctx, file);
  if (!read.ok) throw new Error(read.reason);
  return read.sddl;
}
