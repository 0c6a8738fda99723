import { parseStoreLine, type StoreEntry } from '../../credentials/store-file.js';

/**
 * Edits of git's plain-text credential files (`~/.git-credentials`), line by line, so that every
 * line about other hosts and users keeps its bytes and its place. Pure.
 */

/** The text without the lines `remove` picks (all of them: duplicates too); other lines untouched. */
export function removeStoreEntries(text: string, file: string, remove: (entry: StoreEntry) => boolean): { text: string; removed: number } {
  let removed = 0;
  const kept = text.split('\n').filter((line, index) => {
    const entry = parseStoreLine(line, file, index + 1);
    if (entry && remove(entry)) {
      removed++;
      return false;
    }
    return true;
  });
  return { text: kept.join('\n'), removed };
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

/** git's strbuf_addstr_urlencode: every byte outside the allowed set as %xx (lower-case hex). */
function urlencode(value: string, allowReserved: boolean): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && (UNRESERVED.test(char) || (allowReserved && RESERVED.test(char))) ? char : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export interface StoreLineFields {
  protocol: string;
  /** "host" or "host:port". */
  host: string;
  path?: string | null;
  username: string;
}

/** One line as `git credential-store store` writes it (credential-store.c store_credential_file). */
export function formatStoreLine(fields: StoreLineFields, password: string): string {
  const path = fields.path ? `/${urlencode(fields.path, true)}` : '';
  return `${fields.protocol}://${urlencode(fields.username, false)}:${urlencode(password, false)}@${urlencode(fields.host, false)}${path}`;
}

/** The text with `line` first and every line for the same credential removed, as git's store does. */
export function putStoreLine(text: string, file: string, line: string, same: (entry: StoreEntry) => boolean): string {
  const rest = removeStoreEntries(text, file, same).text;
  return rest === '' ? `${line}\n` : `${line}\n${rest}`;
}
