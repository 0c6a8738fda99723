import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';
import { systemTool } from '../exec/windows-tools.js';
import { KEY_ACL_ALLOWED_SIDS, SDDL_SID_ALIASES } from '../facts/windows.js';

/**
 * Private-key permissions on Windows, as OpenSSH for Windows checks them: not POSIX modes (chmod
 * does nothing to NTFS) but the file's DACL. Read with `icacls`: its listing for the words people
 * recognise ("BUILTIN\Users:(I)(RX)", translated on a translated Windows), and `icacls /save` for
 * the same entries as SIDs, which the rules are checked on, whatever the language.
 */

/** One line of `icacls FILE`: "BUILTIN\Users:(I)(RX)". */
export interface IcaclsEntry {
  principal: string;
  /** "(I)(RX)" as printed. */
  access: string;
  inherited: boolean;
  deny: boolean;
}

/** Parses the listing of `icacls FILE` (the file's path, then one entry per line). Pure. */
export function parseIcaclsListing(text: string, file?: string): IcaclsEntry[] {
  const entries: IcaclsEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (!line.trim()) {
      if (entries.length) break;
      continue;
    }
    if (entries.length === 0) {
      // The first line starts with the path, which may hold spaces: cut what we asked for, else up to the entry.
      if (file && line.startsWith(file)) line = line.slice(file.length);
      else line = line.replace(/^.*?\s(?=\S[^:]*:\()/, '');
    }
    const match = /^\s*(.+?):((?:\([^)]*\))+)\s*$/.exec(line);
    if (!match) continue;
    const access = match[2]!;
    entries.push({ principal: match[1]!.trim(), access, inherited: /\(I\)/.test(access), deny: /\(DENY\)/.test(access) });
  }
  return entries;
}

/** One ACE of an SDDL DACL: "(A;ID;FA;;;SY)". */
export interface SddlAce {
  /** "A" allow, "D" deny (others kept as written). */
  type: string;
  flags: string;
  rights: string;
  /** The SID, aliases ("SY", "BU") resolved. */
  sid: string;
}

export interface Dacl {
  /** "P" (protected: inheritance removed), "AI" ...: the flags before the first ACE. */
  flags: string;
  aces: SddlAce[];
}

/** The DACL part of an SDDL string ("O:..G:..D:PAI(A;;FA;;;SY)..."). Pure. */
export function parseDacl(sddl: string): Dacl | null {
  const d = /(?:^|[^A-Z])D:([A-Z]*)((?:\([^)]*\))*)/.exec(sddl.trim());
  if (!d) return null;
  const aces = [...d[2]!.matchAll(/\(([^)]*)\)/g)].map((m) => {
    const [type = '', flags = '', rights = '', , , sid = ''] = m[1]!.split(';');
    return { type, flags, rights, sid: SDDL_SID_ALIASES[sid] ?? sid };
  });
  return { flags: d[1]!, aces };
}

/**
 * `icacls FILE /save OUT` writes the file's name and its DACL as SDDL, as UTF-16 text. Pure.
 * Returns the SDDL line.
 */
export function parseIcaclsSave(bytes: Buffer): string | null {
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || bytes.subarray(0, 64).includes(0));
  const text = (utf16 ? bytes.toString('utf16le') : bytes.toString('utf8')).replace(/^\uFEFF/, '');
  return text.split(/\r?\n/).find((line) => /^\s*D:/.test(line))?.trim() ?? null;
}

/** The current user's SID from `whoami /user /fo csv /nh` ("\"pc\\me\",\"S-1-5-21-…-1001\""). Pure. */
export function parseWhoamiSid(text: string): string | null {
  return /"(S-1-[\d-]+)"/.exec(text)?.[1] ?? null;
}

/** Who else may use a private key, by OpenSSH for Windows' rules (allow entries other than the user, SYSTEM, Administrators, TrustedInstaller). */
export interface AclOffender {
  sid: string;
  /** The same entry in icacls' listing ("BUILTIN\Users:(I)(RX)"), when it could be matched. */
  shown: string | null;
  inherited: boolean;
}

/** check_secure_file_permission(…, read_ok = 0) on a DACL: every allow entry must belong to the user, SYSTEM, Administrators or TrustedInstaller. Pure. */
export function aclOffenders(dacl: Dacl, userSid: string, listing: IcaclsEntry[] = []): AclOffender[] {
  // icacls lists the entries in the DACL's order, one per line: match them by position when they line up.
  const lined = listing.length === dacl.aces.length;
  return dacl.aces.flatMap((ace, i) => {
    if (ace.type !== 'A') return [];
    if (ace.sid === userSid || KEY_ACL_ALLOWED_SIDS.includes(ace.sid)) return [];
    const entry = lined ? listing[i]! : null;
    return [{ sid: ace.sid, shown: entry ? `${entry.principal}:${entry.access}` : null, inherited: ace.flags.includes('ID') }];
  });
}

/** What a key's ACL says, for the checks and the fix. */
export interface KeyAcl {
  userSid: string;
  sddl: string;
  dacl: Dacl;
  listing: IcaclsEntry[];
  offenders: AclOffender[];
}

/** "BUILTIN\Users:(I)(RX), Everyone:(R)": who else can use the key, in icacls' words. Pure. */
export function describeOffenders(offenders: AclOffender[]): string {
  return offenders.map((o) => o.shown ?? o.sid).join(', ');
}

/**
 * The icacls commands that leave a key usable by the user alone (what `chmod 600` means to
 * OpenSSH for Windows): full control for the user by SID, inheritance removed (so folder entries
 * such as BUILTIN\Users go), and every other explicit allow entry removed. Pure.
 */
export function restrictKeyCommands(file: string, acl: Pick<KeyAcl, 'userSid' | 'dacl'>): string[][] {
  const explicit = [...new Set(acl.dacl.aces.filter((a) => a.type === 'A' && !a.flags.includes('ID') && a.sid !== acl.userSid && !KEY_ACL_ALLOWED_SIDS.includes(a.sid)).map((a) => a.sid))];
  return [[file, '/grant:r', `*${acl.userSid}:F`], [file, '/inheritance:r'], ...explicit.map((sid) => [file, '/remove:g', `*${sid}`])];
}

/** The icacls that /restore reads a saved ACL from: `icacls FOLDER /restore FILE` (the saved file names the entries). Pure. */
export function restoreAclCommand(file: string, saved: string): string[] {
  return [path.dirname(file), '/restore', saved];
}

const userSids = new WeakMap<EngineContext, Promise<string | null>>();

/** The SID of the user running us (`whoami /user`), once per context. */
export function currentUserSid(ctx: EngineContext): Promise<string | null> {
  let found = userSids.get(ctx);
  if (!found) {
    found = run(systemTool(ctx.env, 'whoami'), ['/user', '/fo', 'csv', '/nh'], { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs }).then((r) => (r.exitCode === 0 ? parseWhoamiSid(r.stdout) : null));
    userSids.set(ctx, found);
  }
  return found;
}

/** Runs icacls (by absolute path under %SystemRoot%). */
export function icacls(ctx: EngineContext, args: string[]) {
  return run(systemTool(ctx.env, 'icacls'), args, { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs });
}

/** `icacls FILE /save OUT`: the file's DACL as SDDL (icacls writes a temp file, removed again). */
export async function readSddl(ctx: EngineContext, file: string): Promise<{ ok: true; sddl: string } | { ok: false; reason: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-acl-'));
  try {
    const out = path.join(dir, 'acl');
    const saved = await icacls(ctx, [file, '/save', out]);
    if (saved.exitCode !== 0) return { ok: false, reason: `icacls could not read the permissions of ${file}: ${saved.spawnError ?? (saved.stdout + saved.stderr).trim().split(/\r?\n/)[0] ?? `exit ${saved.exitCode}`}` };
    const sddl = parseIcaclsSave(await readFile(out));
    return sddl ? { ok: true, sddl } : { ok: false, reason: `icacls saved no permissions for ${file}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads a key file's ACL and checks it by OpenSSH for Windows' rules. Read-only. */
export async function inspectKeyAcl(ctx: EngineContext, file: string): Promise<{ ok: true; acl: KeyAcl } | { ok: false; reason: string }> {
  const [userSid, saved, listed] = await Promise.all([currentUserSid(ctx), readSddl(ctx, file), icacls(ctx, [file])]);
  if (!saved.ok) return saved;
  if (!userSid) return { ok: false, reason: 'whoami did not say which user this is' };
  const dacl = parseDacl(saved.sddl);
  if (!dacl) return { ok: false, reason: `icacls gave no access list for ${file}` };
  const listing = listed.exitCode === 0 ? parseIcaclsListing(listed.stdout, file) : [];
  return { ok: true, acl: { userSid, sddl: saved.sddl, dacl, listing, offenders: aclOffenders(dacl, userSid, listing) } };
}

/** The key-file ACL reading the identity-file checks use on Windows ("" = only allowed accounts, null = cannot tell). */
export function keyAclOptions(ctx: EngineContext, sshChecksAcl: boolean) {
  return {
    sshChecksAcl,
    othersAccess: async (file: string) => {
      const found = await inspectKeyAcl(ctx, file);
      return found.ok ? describeOffenders(found.acl.offenders) : null;
    },
  };
}
