/** Key types a Bitbucket account accepts as an SSH public key line (plus the FIDO variants). */
export const PUBLIC_KEY_TYPES: readonly string[] = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];

export type PublicKeyLineCheck = { ok: true; line: string; type: string } | { ok: false; reason: string };

/**
 * Is `text` exactly one OpenSSH public key line ("type base64 [comment]")? The base64 blob must
 * decode to a key of the type the line names, so private keys, key pairs pasted together, and files
 * that only start like a key are refused. Pure.
 */
export function checkPublicKeyLine(text: string): PublicKeyLineCheck {
  if (/PRIVATE KEY/.test(text)) return { ok: false, reason: 'it contains a private key' };
  const line = text.replace(/[\r\n]+$/, '');
  if (/[\r\n]/.test(line)) return { ok: false, reason: 'it has more than one line' };
  // eslint-disable-next-line no-control-regex -- a comment with control characters is refused
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: ([^\u0000-\u001f\u007f]*))?$/.exec(line);
  if (!match) return { ok: false, reason: 'it is not a public key line ("type key comment")' };
  const type = match[1]!;
  if (!PUBLIC_KEY_TYPES.includes(type)) return { ok: false, reason: `${type.slice(0, 40)} is not an SSH public key type` };
  const blob = Buffer.from(match[2]!, 'base64');
  if (blob.length < 4 + type.length) return { ok: false, reason: 'the key data is too short' };
  const nameLength = blob.readUInt32BE(0);
  if (nameLength !== type.length || blob.subarray(4, 4 + nameLength).toString('latin1') !== type) {
    return { ok: false, reason: 'the key data does not match its type' };
  }
  return { ok: true, line: line.trimEnd(), type };
}
