import { createHash } from 'node:crypto';

/**
 * OpenSSH's SHA256 fingerprint of a public key blob (base64 as in known_hosts or a .pub file):
 * "SHA256:" + unpadded base64 of sha256(blob), as `ssh-keygen -lf` prints it.
 */
export function sha256Fingerprint(base64Blob: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64Blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
