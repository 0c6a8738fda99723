import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callHandler } from '../../app/service/handlers.js';
import { checkPublicKeyLine } from '../../app/ssh/public-key-line.js';
import { createTestService, type TestService } from './support/service.js';

const execFileAsync = promisify(execFile);

describe('clipboard.write: a public key', () => {
  let service: TestService;
  let keyPath: string;
  let publicLine: string;
  beforeEach(async () => {
    service = await createTestService();
    keyPath = path.join(service.home.sshDir, 'id_ed25519');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'jdoe@laptop', '-f', keyPath]);
    publicLine = (await readFile(`${keyPath}.pub`, 'utf8')).trim();
  });
  afterEach(async () => {
    await service.cleanup();
  });

  const copy = (publicKeyPath: string) => callHandler(service.handlers, 'clipboard.write', { kind: 'public-key', publicKeyPath });

  it('copies the single public key line of a .pub file', async () => {
    expect(await copy(`${keyPath}.pub`)).toEqual({ ok: true, value: { copied: true } });
    expect(service.main.copied).toEqual([publicLine]);
    expect(publicLine).toMatch(/^ssh-ed25519 AAAA\S+ jdoe@laptop$/);
  });

  it('copies an RSA public key too', async () => {
    const rsa = path.join(service.home.sshDir, 'id_rsa');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa]);
    expect(await copy(`${rsa}.pub`)).toMatchObject({ ok: true });
    expect(service.main.copied[0]).toMatch(/^ssh-rsa /);
  });

  it('never copies a private key, even one renamed to .pub', async () => {
    const disguised = path.join(service.home.sshDir, 'stolen.pub');
    await writeFile(disguised, await readFile(keyPath, 'utf8'));
    const result = await copy(disguised);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('contains a private key') } });
    expect(JSON.stringify(result)).not.toContain('OPENSSH PRIVATE KEY-----\n');
    expect(service.main.copied).toEqual([]);
  });

  it('refuses the private key path itself (not .pub) before reading it', async () => {
    expect(await copy(keyPath)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(service.main.copied).toEqual([]);
  });

  it('refuses a file with two keys, a key pair pasted together, garbage, a folder and a missing file', async () => {
    const two = path.join(service.home.dir, 'two.pub');
    await writeFile(two, `${publicLine}\n${publicLine}\n`);
    const pair = path.join(service.home.dir, 'pair.pub');
    await writeFile(pair, `${publicLine}\n${await readFile(keyPath, 'utf8')}`);
    const garbage = path.join(service.home.dir, 'garbage.pub');
    await writeFile(garbage, 'hello world\n');
    const folder = path.join(service.home.dir, 'folder.pub');
    await mkdir(folder);

    expect(await copy(two)).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('more than one line') } });
    expect(await copy(pair)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await copy(garbage)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await copy(folder)).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('not a regular file') } });
    expect(await copy(path.join(service.home.dir, 'missing.pub'))).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(service.main.copied).toEqual([]);
  });

  it('follows a symlink to a real public key but not to a private one', async () => {
    const good = path.join(service.home.dir, 'link-good.pub');
    const bad = path.join(service.home.dir, 'link-bad.pub');
    await symlink(`${keyPath}.pub`, good);
    await symlink(keyPath, bad);
    expect(await copy(good)).toMatchObject({ ok: true });
    expect(await copy(bad)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(service.main.copied).toEqual([publicLine]);
  });
});

describe('clipboard.write: a fingerprint, a report, a clipboard that refuses', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await createTestService({ repo: 'widgets' });
  });
  afterEach(async () => {
    await service.cleanup();
  });
  const FINGERPRINT = 'SHA256:q1w2e3r4t5y6u7i8o9p0AaSsDdFfGgHhJjKkLlZzXx+';

  it('copies a fingerprint exactly as given, once it is one', async () => {
    expect(await callHandler(service.handlers, 'clipboard.write', { kind: 'fingerprint', fingerprint: FINGERPRINT })).toEqual({ ok: true, value: { copied: true } });
    expect(await service.handlers['clipboard.write']({ kind: 'fingerprint', fingerprint: 'rm -rf ~' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(service.main.copied).toEqual([FINGERPRINT]);
  });

  it('copies the report made in main, with a secret planted in the remote URL masked', async () => {
    const secret = 'ATBBplantedSecret7Qx2Lm9Zr4Tn8Vw3Yb6Kd1Hf5Gj0C2F1';
    await service.home.git(['remote', 'add', 'origin', `https://jdoe:${secret}@bitbucket.org/acme/widgets.git`], service.repo);
    await callHandler(service.handlers, 'diagnose.run', { path: service.repo, runId: 'r', offline: true });
    expect(await callHandler(service.handlers, 'clipboard.write', { kind: 'report', path: service.repo })).toEqual({ ok: true, value: { copied: true } });
    expect(service.main.copied).toHaveLength(1);
    expect(service.main.copied[0]).toMatch(/^# /);
    // The remote is in the report (so the secret had a way in), masked.
    expect(service.main.copied[0]).toContain('bitbucket.org/acme/widgets.git');
    expect(service.main.copied[0]).not.toContain(secret.slice(4, 30));
  });

  it('hands the text back for the page to show when the system clipboard refuses', async () => {
    service.main.clipboard.writeText = () => {
      throw new Error('clipboard unavailable');
    };
    expect(await callHandler(service.handlers, 'clipboard.write', { kind: 'fingerprint', fingerprint: FINGERPRINT })).toEqual({ ok: true, value: { copied: false, text: FINGERPRINT } });
  });
});

describe('checkPublicKeyLine', () => {
  const ed25519Blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]).toString('base64');

  it('accepts a key line with or without comment and a trailing newline', () => {
    expect(checkPublicKeyLine(`ssh-ed25519 ${ed25519Blob}\n`)).toEqual({ ok: true, line: `ssh-ed25519 ${ed25519Blob}`, type: 'ssh-ed25519' });
    expect(checkPublicKeyLine(`ssh-ed25519 ${ed25519Blob} me@host`)).toMatchObject({ ok: true });
  });

  it('refuses a blob of another type, an unknown type, options before the type, and control characters', () => {
    expect(checkPublicKeyLine(`ssh-rsa ${ed25519Blob}`)).toMatchObject({ ok: false, reason: 'the key data does not match its type' });
    expect(checkPublicKeyLine(`ssh-dss ${ed25519Blob}`)).toMatchObject({ ok: false });
    expect(checkPublicKeyLine(`command="rm -rf /" ssh-ed25519 ${ed25519Blob}`)).toMatchObject({ ok: false });
    expect(checkPublicKeyLine(`ssh-ed25519 ${ed25519Blob} me\u0007`)).toMatchObject({ ok: false });
  });
});
