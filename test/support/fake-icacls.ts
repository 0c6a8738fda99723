import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Stand-ins for Windows' icacls.exe and whoami.exe under a fake %SystemRoot%\System32, so the
 * key-permission fix and its undo run here through the same calls they make on Windows: the
 * journal, the backup file `icacls /save` writes, `/restore`. A file's access list lives beside
 * it as FILE.sddl (SDDL text); the stand-in applies /grant:r, /inheritance:r and /remove:g to it
 * the way icacls changes a DACL, writes /save files as UTF-16 (as icacls does) and logs every
 * call. What icacls really does to NTFS is proven on the Windows CI runner (key-acl.test.ts).
 */
const ICACLS = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_ICACLS_LOG || path.join(__dirname, 'icacls.log'), JSON.stringify(args) + '\\n');
const read = (f) => fs.readFileSync(f + '.sddl', 'utf8').trim();
const write = (f, s) => fs.writeFileSync(f + '.sddl', s + '\\n');
const parse = (s) => { const m = /D:([A-Z]*)((?:\\([^)]*\\))*)/.exec(s); return { flags: m[1], aces: [...m[2].matchAll(/\\(([^)]*)\\)/g)].map((x) => x[1].split(';')) }; };
const show = (d) => 'D:' + d.flags + d.aces.map((a) => '(' + a.join(';') + ')').join('');
const [file, op, value] = args;
if (op === '/restore') {
  const text = fs.readFileSync(value).toString('utf16le').replace(/^\\uFEFF/, '').split(/\\r?\\n/);
  write(path.join(file, text[0]), text[1]);
  console.log('Successfully processed 1 files; Failed processing 0 files');
  process.exit(0);
}
if (!fs.existsSync(file + '.sddl')) { console.log(file + ': The system cannot find the file specified.'); process.exit(2); }
const dacl = parse(read(file));
const sid = (v) => v.replace(/^\\*/, '').replace(/:.*$/, '');
if (op === '/save') {
  fs.writeFileSync(value, Buffer.from(path.basename(file) + '\\r\\n' + read(file) + '\\r\\n', 'utf16le'));
} else if (op === '/grant:r') {
  dacl.aces = dacl.aces.filter((a) => !(a[0] === 'A' && !a[1].includes('ID') && a[5] === sid(value)));
  dacl.aces.unshift(['A', '', 'FA', '', '', sid(value)]);
  write(file, show(dacl));
} else if (op === '/inheritance:r') {
  dacl.aces = dacl.aces.filter((a) => !a[1].includes('ID'));
  dacl.flags = 'PAI';
  write(file, show(dacl));
} else if (op === '/remove:g') {
  dacl.aces = dacl.aces.filter((a) => !(a[0] === 'A' && a[5] === sid(value)));
  write(file, show(dacl));
} else if (op === undefined) {
  // The listing, in English names as icacls prints them (account SIDs as they are).
  const names = { SY: 'NT AUTHORITY\\\\SYSTEM', BA: 'BUILTIN\\\\Administrators', BU: 'BUILTIN\\\\Users', WD: 'Everyone' };
  const rights = { FA: 'F', '0x1200a9': 'RX', '0x1301bf': 'M' };
  console.log(dacl.aces.map((a, i) => (i === 0 ? file + ' ' : ' '.repeat(file.length + 1)) + (names[a[5]] || a[5]) + ':' + (a[0] === 'D' ? '(DENY)' : '') + (a[1].includes('ID') ? '(I)' : '') + '(' + (rights[a[2]] || a[2]) + ')').join('\\n'));
  console.log('');
}
console.log('Successfully processed 1 files; Failed processing 0 files');
`;

export interface FakeWindowsAcls {
  /** Sets a file's access list (SDDL), as if Windows had it. */
  setAcl(file: string, sddl: string): Promise<void>;
  acl(file: string): Promise<string>;
  /** Every icacls call, as its argument list. */
  calls(): Promise<string[][]>;
}

export async function fakeWindowsAcls(systemRoot: string, user: { name: string; sid: string }): Promise<FakeWindowsAcls> {
  const dir = path.join(systemRoot, 'System32');
  await mkdir(dir, { recursive: true });
  const log = path.join(dir, 'icacls.log');
  await writeFile(path.join(dir, 'icacls.exe'), ICACLS);
  await writeFile(path.join(dir, 'whoami.exe'), `#!/bin/sh\nprintf '"%s","%s"\\r\\n' '${user.name}' '${user.sid}'\n`);
  await chmod(path.join(dir, 'icacls.exe'), 0o755);
  await chmod(path.join(dir, 'whoami.exe'), 0o755);
  return {
    setAcl: (file, sddl) => writeFile(`${file}.sddl`, `${sddl}\n`),
    acl: async (file) => (await readFile(`${file}.sddl`, 'utf8')).trim(),
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]),
  };
}
