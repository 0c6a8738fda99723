import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type EngineContext } from '../../app/context.js';
import { systemTool, windowsOpenSsh } from '../../app/exec/windows-tools.js';
import { applyFix, describeFix, undoLastFix } from '../../app/fix/registry.js';
import { classifySshOutput } from '../../app/ssh/classify.js';
import {
  aclOffenders,
  describeOffenders,
  inspectKeyAcl,
  parseDacl,
  parseIcaclsListing,
  parseIcaclsSave,
  parseWhoamiSid,
  readSddl,
  restoreAclCommand,
  restrictKeyCommands,
} from '../../app/ssh/key-acl.js';
import { fakeWindowsAcls, type FakeWindowsAcls } from '../support/fake-icacls.js';
import { posixOnly, skipNote, windowsOnly } from '../support/platform.js';

const execFileAsync = promisify(execFile);

// Real `icacls` listings posted in GitHub issues (the source of each is named).
/** PowerShell/Win32-OpenSSH issue #898 (2017-10-05): a key with one explicit entry, as OpenSSH wants it. */
const ICACLS_PRIVATE = 'C:\\Users\\me\\.ssh\\id_rsa MYDOMAIN\\me:(F)\r\n\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n';
/** PowerShell/Win32-OpenSSH issue #815 (2024-07-18), answer to "icacls %USERPROFILE%\.ssh\id_rsa.pub" (user name redacted by the poster). */
const ICACLS_EVERYONE = [
  '\\Users\\User_Profile\\.ssh\\id_rsa.pub BUILTIN\\Administrators:(F)',
  '                             NT AUTHORITY\\SYSTEM:(F)',
  '                             USERPROFILE:(M)',
  '                             Everyone:(RX)',
].join('\r\n');
/** PowerShell/Win32-OpenSSH issue #898: inherited entries, as a file in the profile gets them. */
const ICACLS_INHERITED = 'C:\\Users\\me\\.ssh\\id_rsa.pub NT AUTHORITY\\SYSTEM:(I)(F)\r\n                                         BUILTIN\\Administrators:(I)(F)\r\n';

describe("icacls' listing", () => {
  it('reads the entries after the path, inherited or not', () => {
    expect(parseIcaclsListing(ICACLS_PRIVATE, 'C:\\Users\\me\\.ssh\\id_rsa')).toEqual([{ principal: 'MYDOMAIN\\me', access: '(F)', inherited: false, deny: false }]);
    expect(parseIcaclsListing(ICACLS_INHERITED, 'C:\\Users\\me\\.ssh\\id_rsa.pub').map((e) => [e.principal, e.inherited])).toEqual([
      ['NT AUTHORITY\\SYSTEM', true],
      ['BUILTIN\\Administrators', true],
    ]);
    expect(parseIcaclsListing(ICACLS_EVERYONE, '\\Users\\User_Profile\\.ssh\\id_rsa.pub').map((e) => `${e.principal}:${e.access}`)).toEqual([
      'BUILTIN\\Administrators:(F)',
      'NT AUTHORITY\\SYSTEM:(F)',
      'USERPROFILE:(M)',
      'Everyone:(RX)',
    ]);
  });

  it('keeps a path with spaces and principals with spaces apart', () => {
    const file = 'C:\\Users\\John Smith\\.ssh\\id_ed25519';
    const text = `${file} NT AUTHORITY\\Authenticated Users:(I)(RX)\r\n${' '.repeat(file.length + 1)}PC\\John Smith:(I)(F)\r\n\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n`;
    expect(parseIcaclsListing(text, file).map((e) => e.principal)).toEqual(['NT AUTHORITY\\Authenticated Users', 'PC\\John Smith']);
  });
});

describe('the access list as SIDs (icacls /save), checked by OpenSSH for Windows\' rules', () => {
  const user = 'S-1-5-21-1191888695-326032422-535987215-1001';

  it('reads the SDDL that icacls /save writes as UTF-16', () => {
    const saved = Buffer.from(`id_rsa.pub\r\nD:PAI(A;;FA;;;BA)(A;;FA;;;SY)(A;;0x1301bf;;;${user})(A;;0x1200a9;;;WD)\r\n`, 'utf16le');
    expect(parseIcaclsSave(saved)).toBe(`D:PAI(A;;FA;;;BA)(A;;FA;;;SY)(A;;0x1301bf;;;${user})(A;;0x1200a9;;;WD)`);
  });

  it('a real SDDL (Get-Acl of a folder, Devolutions/devolutions-gateway PR #354): aliases resolved, inheritance flags read', () => {
    const dacl = parseDacl('D:PAI(A;OICI;FA;;;SY)(A;OICI;0x1201bf;;;LS)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)');
    expect(dacl?.flags).toBe('PAI');
    expect(dacl?.aces.map((a) => a.sid)).toEqual(['S-1-5-18', 'S-1-5-19', 'S-1-5-32-544', 'S-1-5-32-545']);
  });

  it("names who else may use the key, in icacls' words when the entries line up (issue #815's file)", () => {
    const dacl = parseDacl(`D:PAI(A;;FA;;;BA)(A;;FA;;;SY)(A;;0x1301bf;;;${user})(A;;0x1200a9;;;WD)`)!;
    const offenders = aclOffenders(dacl, user, parseIcaclsListing(ICACLS_EVERYONE, '\\Users\\User_Profile\\.ssh\\id_rsa.pub'));
    expect(offenders).toEqual([{ sid: 'S-1-1-0', shown: 'Everyone:(RX)', inherited: false }]);
    expect(describeOffenders(offenders)).toBe('Everyone:(RX)');
  });

  it('accepts the user, SYSTEM, Administrators and TrustedInstaller, and ignores deny entries', () => {
    const ok = parseDacl(`D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;${user})(D;;FA;;;WD)(A;;FA;;;S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464)`)!;
    expect(aclOffenders(ok, user)).toEqual([]);
    const inherited = parseDacl(`D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;${user})(A;ID;0x1200a9;;;BU)`)!;
    expect(aclOffenders(inherited, user)).toEqual([{ sid: 'S-1-5-32-545', shown: null, inherited: true }]);
  });

  it('reads the user SID from whoami /user /fo csv /nh', () => {
    // User and SID as `whoami /all` printed them in a GitHub bug report (Windows 10 22H2), in the CSV form.
    expect(parseWhoamiSid(`"main-i732\\sofia","${user}"\r\n`)).toBe(user);
    expect(parseWhoamiSid('ERROR: Access denied')).toBeNull();
  });

  it('fixes with icacls by SID, whatever the language: full control for the user, inheritance off, other explicit entries removed', () => {
    const dacl = parseDacl(`D:AI(A;ID;FA;;;SY)(A;;0x1200a9;;;WD)(A;ID;FA;;;${user})(A;ID;0x1200a9;;;BU)(A;;FA;;;${user})`)!;
    expect(restrictKeyCommands('C:\\Users\\me\\.ssh\\id', { userSid: user, dacl })).toEqual([
      ['C:\\Users\\me\\.ssh\\id', '/grant:r', `*${user}:F`],
      ['C:\\Users\\me\\.ssh\\id', '/inheritance:r'],
      ['C:\\Users\\me\\.ssh\\id', '/remove:g', '*S-1-1-0'],
    ]);
    expect(restoreAclCommand('/h/.ssh/id', '/state/backups/1/1')).toEqual(['/h/.ssh', '/restore', '/state/backups/1/1']);
  });

  it("reads OpenSSH for Windows' refusal (marcpope/borgbackupserver issue #23, 2026)", () => {
    const stderr = [
      'Bad permissions. Try removing permissions for user: BUILTIN\\\\Users (S-1-5-32-545) on file C:/ProgramData/bbs-agent/ssh_key.',
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      '@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @',
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      "Permissions for 'C:/ProgramData/bbs-agent/ssh_key' are too open.",
      'It is required that your private key files are NOT accessible by others.',
      'This private key will be ignored.',
      'Load key "C:/ProgramData/bbs-agent/ssh_key": bad permissions',
      'bbs-desktopuser@192.168.1.200: Permission denied (publickey).',
    ].join('\r\n');
    const outcome = classifySshOutput({ exitCode: 255, stdout: '', stderr, timedOut: false, spawnError: null }, { timeoutMs: 10_000, expect: 'shell' });
    expect(outcome.kind).toBe('permission-denied');
    expect(outcome.unprotectedKeys).toEqual([{ mode: '', path: 'C:\\ProgramData\\bbs-agent\\ssh_key', who: 'BUILTIN\\Users' }]);
  });
});

describe.skipIf(posixOnly.skip)(`the key-permission fix on Windows, through icacls and whoami stand-ins${skipNote(posixOnly)}`, () => {
  const user = { name: 'pc\\me', sid: 'S-1-5-21-1111-2222-3333-1001' };
  let base: string;
  let acls: FakeWindowsAcls;
  let ctx: EngineContext;
  let key: string;
  const inherited = `D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;${user.sid})(A;ID;0x1200a9;;;BU)`;

  beforeEach(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-acl-'));
    const systemRoot = path.join(base, 'Windows');
    acls = await fakeWindowsAcls(systemRoot, user);
    const home = path.join(base, 'home');
    key = path.join(home, '.ssh', 'id_ed25519');
    await execFileAsync('mkdir', ['-p', path.dirname(key)]);
    await writeFile(key, 'not a real key: only its access list matters here\n');
    await acls.setAcl(key, inherited);
    ctx = { ...createContext({ env: { PATH: process.env.PATH, HOME: home, SystemRoot: systemRoot, LOCALAPPDATA: path.join(base, 'appdata') } }), platform: 'win32' };
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds BUILTIN\\Users in the key\'s access list and names it', async () => {
    const found = await inspectKeyAcl(ctx, key);
    expect(found.ok && found.acl.offenders).toEqual([{ sid: 'S-1-5-32-545', shown: 'BUILTIN\\Users:(I)(RX)', inherited: true }]);
  });

  it('removes inheritance and grants only the user, keeps the old list (icacls /save), and undo restores it exactly', async () => {
    const scope = { repoRoot: null, remoteName: null, keyPaths: [key] };
    const plan = await describeFix(ctx, 'ssh.fix-key-permissions', scope);
    expect(plan.applicable).toBe(true);
    expect(plan.changes[0]!.action).toContain('BUILTIN\\Users:(I)(RX)');

    const applied = await applyFix(ctx, 'ssh.fix-key-permissions', scope);
    expect(applied).toMatchObject({ applied: true, changed: [`${key} (who may use it)`] });
    expect(await acls.acl(key)).toBe(`D:PAI(A;;FA;;;${user.sid})`);
    const calls = await acls.calls();
    const changing = calls.filter((c) => c.length > 1 && c[1] !== '/save');
    expect(changing).toEqual([
      [key, '/grant:r', `*${user.sid}:F`],
      [key, '/inheritance:r'],
    ]);
    // The backup icacls wrote lives in Push Doctor's state folder, as UTF-16 with the old list.
    const backups = path.join(ctx.stateDir, 'backups');
    const [entry] = await readdir(backups);
    const saved = await import('node:fs/promises').then((fs) => fs.readFile(path.join(backups, entry!, '1')));
    expect(parseIcaclsSave(saved)).toBe(inherited);

    const undone = await undoLastFix(ctx);
    expect(undone).toMatchObject({ undone: true, fixId: 'ssh.fix-key-permissions' });
    expect(await acls.acl(key)).toBe(inherited);
    expect((await acls.calls()).at(-1)).toEqual([path.dirname(key), '/restore', expect.stringContaining(path.join('backups', entry!))]);
  });

  it('changes nothing when the key is private already', async () => {
    await acls.setAcl(key, `D:PAI(A;;FA;;;${user.sid})(A;;FA;;;SY)`);
    const plan = await describeFix(ctx, 'ssh.fix-key-permissions', { repoRoot: null, remoteName: null, keyPaths: [key] });
    expect(plan).toMatchObject({ applicable: false, reason: 'Every private key is already readable only by you.' });
  });
});

describe.skipIf(windowsOnly.skip)(`key permissions with real NTFS, icacls and OpenSSH for Windows${skipNote(windowsOnly)}`, () => {
  it("OpenSSH for Windows refuses a key Everyone may read; the fix makes it accept the key; undo puts the list back", async () => {
    const ctx = createContext();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-acl-'));
    try {
      const key = path.join(dir, 'id_ed25519');
      const keygen = windowsOpenSsh(ctx.env, 'ssh-keygen');
      await execFileAsync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      await execFileAsync(systemTool(ctx.env, 'icacls'), [key, '/grant', '*S-1-1-0:(R)']);
      const before = await readSddl(ctx, key);
      const refused = await execFileAsync(keygen, ['-y', '-f', key]).then(() => null, (error: { stderr?: string }) => error.stderr ?? '');
      expect(refused).toMatch(/UNPROTECTED PRIVATE KEY FILE|bad permissions/);
      const found = await inspectKeyAcl(ctx, key);
      expect(found.ok && found.acl.offenders.map((o) => o.sid)).toContain('S-1-1-0');

      const applied = await applyFix(ctx, 'ssh.fix-key-permissions', { repoRoot: null, remoteName: null, keyPaths: [key] });
      expect(applied).toMatchObject({ applied: true });
      await execFileAsync(keygen, ['-y', '-f', key]);

      expect(await undoLastFix(ctx)).toMatchObject({ undone: true });
      expect(await readSddl(ctx, key)).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
