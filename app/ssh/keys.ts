import { readFile, stat } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { sha256Fingerprint } from './fingerprint.js';

/**
 * One identity file ssh would try, as far as can be told without a passphrase and without ever
 * showing the key: the file's content stays inside this module; only facts about it leave.
 */
export interface IdentityFileInfo {
  path: string;
  exists: boolean;
  /** "0600" (null on Windows, where modes mean nothing to NTFS). */
  mode: string | null;
  /** ssh ignores a private key that its owner lets group or others read ("bad permissions"). */
  tooOpen: boolean;
  /** Windows: who else may use the key by its ACL ("BUILTIN\Users:(I)(RX)"), or null; see ssh/key-acl. */
  othersAccess: string | null;
  /** null when it cannot be told (unreadable, unknown format). */
  encrypted: boolean | null;
  format: 'openssh' | 'pem' | 'pkcs8' | 'putty' | 'unknown' | null;
  /** "ssh-ed25519" */
  keyType: string | null;
  /** "SHA256:..." of the public key, from the private key file or its .pub file. */
  fingerprint: string | null;
  /** The .pub file beside it: its fingerprint, or null when there is none. */
  pubFingerprint: string | null;
  /** Why the file could not be read, in plain words (never its content). */
  problem: string | null;
}

/** Larger files are not keys; never read them whole. */
const MAX_KEY_BYTES = 256 * 1024;

/** Windows: how to read a key's ACL, and whether the ssh git runs refuses keys others may use. */
export interface KeyAclOptions {
  /** Who else may use the file ("" = nobody), or null when it cannot be told. */
  othersAccess(file: string): Promise<string | null>;
  /** OpenSSH for Windows checks ACLs; Git for Windows' own ssh (MSYS2, noacl) does not. */
  sshChecksAcl: boolean;
}

/** Inspects each identity file (in parallel). Read-only. */
export function inspectIdentityFiles(paths: readonly string[], platform: NodeJS.Platform = process.platform, acl?: KeyAclOptions): Promise<IdentityFileInfo[]> {
  return Promise.all(paths.map((p) => inspectIdentityFile(p, platform, acl)));
}

export async function inspectIdentityFile(path: string, platform: NodeJS.Platform = process.platform, acl?: KeyAclOptions): Promise<IdentityFileInfo> {
  const info: IdentityFileInfo = { path, exists: false, mode: null, tooOpen: false, othersAccess: null, encrypted: null, format: null, keyType: null, fingerprint: null, pubFingerprint: null, problem: null };
  info.pubFingerprint = await publicFileFingerprint(`${path}.pub`);
  let st;
  try {
    st = await stat(path);
  } catch {
    return info;
  }
  info.exists = true;
  if (!st.isFile()) {
    info.problem = 'not a file';
    return info;
  }
  if (platform === 'win32') {
    // OpenSSH for Windows checks the ACL instead (w32-sshfileperm.c check_secure_file_permission).
    info.othersAccess = (await acl?.othersAccess(path)) || null;
    info.tooOpen = info.othersAccess !== null && (acl?.sshChecksAcl ?? false);
  } else {
    info.mode = `0${(st.mode & 0o777).toString(8).padStart(3, '0')}`;
    // OpenSSH (authfile.c sshkey_perm_ok): refused when owned by us and readable or writable by group/others.
    info.tooOpen = st.uid === process.getuid?.() && (st.mode & 0o077) !== 0;
  }
  if (st.size > MAX_KEY_BYTES) {
    info.problem = 'too large to be a key';
    return info;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    info.problem = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'not readable' : 'cannot be read';
    return info;
  }
  Object.assign(info, describePrivateKey(text));
  info.fingerprint ??= info.pubFingerprint;
  return info;
}

async function publicFileFingerprint(path: string): Promise<string | null> {
  try {
    const text = await readFile(path, 'utf8');
    const blob = /^\s*(?:\S+\s+)?(?:ssh-|ecdsa-|sk-)\S*\s+([A-Za-z0-9+/]+={0,2})/m.exec(text)?.[1];
    return blob ? sha256Fingerprint(blob) : null;
  } catch {
    return null;
  }
}

export type PrivateKeyFacts = Pick<IdentityFileInfo, 'format' | 'encrypted' | 'keyType' | 'fingerprint'>;

/**
 * Format, encryption and public key of a private key's text, without a passphrase. Pure. OpenSSH
 * and PuTTY files carry the public key in clear; PEM/PKCS#8 ones only when unencrypted.
 */
export function describePrivateKey(text: string): PrivateKeyFacts {
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (openssh) return { format: 'openssh', ...parseOpenSshHeader(Buffer.from(openssh[1]!.replace(/\s+/g, ''), 'base64')) };
  if (/^PuTTY-User-Key-File-\d+:/m.test(text)) return describePutty(text);
  const pem = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----/.exec(text);
  if (!pem) return { format: 'unknown', encrypted: null, keyType: null, fingerprint: null };
  const format = pem[1] === '' || pem[1] === 'ENCRYPTED ' ? 'pkcs8' : 'pem';
  if (pem[1] === 'ENCRYPTED ' || /^Proc-Type:\s*4,ENCRYPTED/m.test(text)) return { format, encrypted: true, keyType: null, fingerprint: null };
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    // Node asks for a passphrase (ERR_MISSING_PASSPHRASE) exactly when the key is encrypted.
    const encrypted = (error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' ? true : null;
    return { format, encrypted, keyType: null, fingerprint: null };
  }
  const blob = sshPublicBlob(createPublicKey(key));
  return { format, encrypted: false, keyType: blob?.type ?? null, fingerprint: blob ? sha256Fingerprint(blob.data.toString('base64')) : null };
}

/** The SSH wire form of a public key (RFC 4253 §6.6, RFC 5656, RFC 8709), from Node's JWK export. */
function sshPublicBlob(key: KeyObject): { type: string; data: Buffer } | null {
  const jwk = key.export({ format: 'jwk' });
  const b64u = (v: string | undefined) => Buffer.from(v ?? '', 'base64url');
  const str = (v: Buffer | string) => {
    const body = Buffer.isBuffer(v) ? v : Buffer.from(v);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return Buffer.concat([length, body]);
  };
  const mpint = (v: Buffer) => str(v.length > 0 && v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
  if (jwk.kty === 'RSA') return { type: 'ssh-rsa', data: Buffer.concat([str('ssh-rsa'), mpint(b64u(jwk.e)), mpint(b64u(jwk.n))]) };
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { type: 'ssh-ed25519', data: Buffer.concat([str('ssh-ed25519'), str(b64u(jwk.x))]) };
  const curves: Record<string, string> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' };
  const curve = jwk.kty === 'EC' && jwk.crv ? curves[jwk.crv] : undefined;
  if (!curve) return null;
  const type = `ecdsa-sha2-${curve}`;
  const point = Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]);
  return { type, data: Buffer.concat([str(type), str(curve), str(point)]) };
}

/** openssh-key-v1: magic, cipher name, kdf name, kdf options, key count, then public key blobs in clear. */
function parseOpenSshHeader(data: Buffer): Omit<PrivateKeyFacts, 'format'> {
  const magic = 'openssh-key-v1\0';
  if (data.subarray(0, magic.length).toString('latin1') !== magic) return { encrypted: null, keyType: null, fingerprint: null };
  let offset = magic.length;
  const readString = (): Buffer | null => {
    if (offset + 4 > data.length) return null;
    const length = data.readUInt32BE(offset);
    if (offset + 4 + length > data.length) return null;
    const value = data.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  const cipher = readString();
  readString(); // kdf name
  readString(); // kdf options
  if (!cipher || offset + 4 > data.length) return { encrypted: null, keyType: null, fingerprint: null };
  offset += 4; // number of keys
  const blob = readString();
  const encrypted = cipher.toString('latin1') !== 'none';
  if (!blob || blob.length < 4) return { encrypted, keyType: null, fingerprint: null };
  const typeLength = blob.readUInt32BE(0);
  const keyType = blob.subarray(4, 4 + typeLength).toString('latin1');
  return { encrypted, keyType, fingerprint: sha256Fingerprint(blob.toString('base64')) };
}

function describePutty(text: string): PrivateKeyFacts {
  const keyType = /^PuTTY-User-Key-File-\d+:\s*(\S+)/m.exec(text)?.[1] ?? null;
  const encryption = /^Encryption:\s*(\S+)/m.exec(text)?.[1];
  const publicLines = Number(/^Public-Lines:\s*(\d+)/m.exec(text)?.[1] ?? 0);
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^Public-Lines:/.test(l));
  const blob = start >= 0 && publicLines > 0 ? lines.slice(start + 1, start + 1 + publicLines).join('') : '';
  return { format: 'putty', encrypted: encryption === undefined ? null : encryption !== 'none', keyType, fingerprint: blob ? sha256Fingerprint(blob) : null };
}
