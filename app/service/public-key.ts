import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { checkPublicKeyLine } from '../ssh/public-key-line.js';
import { ServiceError } from './errors.js';

/** Larger than any public key line (a 16384-bit RSA key is about 2.8 KB), far smaller than a mistake. */
const MAX_PUBLIC_KEY_BYTES = 16 * 1024;

/**
 * Reads a `.pub` file that holds exactly one public key line and returns that line. Anything else (a
 * private key, a folder, a pipe, a large or multi-line file) is refused without echoing its content.
 */
export async function readPublicKeyFile(filePath: string): Promise<string> {
  if (!filePath.endsWith('.pub')) throw new ServiceError('invalid-request', 'Only a public key file (.pub) can be copied.');
  const info = await stat(filePath).catch(() => null);
  if (!info) throw new ServiceError('not-found', `${filePath} does not exist or cannot be read.`);
  if (!info.isFile()) throw new ServiceError('invalid-request', `${filePath} is not a regular file.`);
  if (info.size > MAX_PUBLIC_KEY_BYTES) throw new ServiceError('invalid-request', `${filePath} is too large to be a public key.`);
  // O_NONBLOCK: if the file was swapped for a pipe after the check, opening it must not hang.
  const flags = constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NONBLOCK);
  const handle = await open(filePath, flags).catch(() => null);
  if (!handle) throw new ServiceError('not-found', `${filePath} cannot be read.`);
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.size > MAX_PUBLIC_KEY_BYTES) throw new ServiceError('invalid-request', `${filePath} is not a public key file.`);
    const check = checkPublicKeyLine(await handle.readFile('utf8'));
    if (!check.ok) throw new ServiceError('invalid-request', `${filePath} is not a single public key: ${check.reason}.`);
    return check.line;
  } finally {
    await handle.close();
  }
}
