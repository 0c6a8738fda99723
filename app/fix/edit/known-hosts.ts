/**
 * Pure editor for known_hosts text, built on the parser in app/ssh/known-hosts.ts. It removes one
 * host's entries and adds keys for it, and leaves every other byte alone: comments, blank lines,
 * @cert-authority and @revoked lines, malformed lines, other hosts, CRLF line ends.
 */
import { randomBytes } from 'node:crypto';
import { entryMatchesHost, hashHostName, knownHostsName, parseKnownHostsLine, type KnownHostsEntry } from '../../ssh/known-hosts.js';
import { appendLines, detectEol, joinLines, splitLines, type Line } from './lines.js';

export interface HostKey {
  type: string;
  /** base64 blob */
  key: string;
}

export interface RemoveResult {
  text: string;
  changed: boolean;
  /** Entries (1-based line numbers of the input) that no longer name the host. */
  removed: Array<{ line: number; keyType: string; fingerprint: string }>;
  /** Entries that match the host only through a wildcard pattern: kept (they are about other hosts too). */
  kept: Array<{ line: number; hostField: string }>;
}

/**
 * Removes the host's entries, optionally only those whose key `only` accepts (e.g. retired keys).
 * A hashed entry is one host: its line goes. A plain pattern list loses only this host's name
 * ("bitbucket.org,104.192.141.1 ..." keeps "104.192.141.1 ..."), and the line goes when nothing is
 * left. Marker lines (@cert-authority, @revoked) are never touched: they are trust decisions.
 */
export function removeHostKeys(text: string, host: string, port: number | null, only: (entry: KnownHostsEntry) => boolean = () => true): RemoveResult {
  const name = knownHostsName(host.toLowerCase(), port);
  const lines = splitLines(text);
  const out: Line[] = [];
  const removed: RemoveResult['removed'] = [];
  const kept: RemoveResult['kept'] = [];
  lines.forEach((line, index) => {
    const entry = parseKnownHostsLine(line.text, index + 1);
    if (entry === 'skip' || entry === null || entry.marker || !entryMatchesHost(entry, host, port) || !only(entry)) {
      out.push(line);
      return;
    }
    const record = { line: index + 1, keyType: entry.keyType, fingerprint: entry.fingerprint };
    if (entry.hashed) {
      removed.push(record);
      return dropLine(out, line);
    }
    const patterns = entry.hostField.split(',');
    const rest = patterns.filter((p) => p.toLowerCase() !== name);
    if (rest.length === patterns.length) {
      kept.push({ line: index + 1, hostField: entry.hostField });
      out.push(line);
      return;
    }
    removed.push(record);
    // Only negations left would match nothing: the line has no host any more.
    if (rest.every((p) => p.startsWith('!'))) return dropLine(out, line);
    const at = line.text.indexOf(entry.hostField);
    out.push({ text: line.text.slice(0, at) + rest.join(',') + line.text.slice(at + entry.hostField.length), eol: line.eol });
  });
  const result = joinLines(out);
  return { text: removed.length ? result : text, changed: removed.length > 0, removed, kept };
}

/** Drops a line; when it was the last one and had no line end, the line before loses its own, so the file still ends without one. */
function dropLine(out: Line[], line: Line): void {
  if (line.eol !== '') return;
  const previous = out[out.length - 1];
  if (previous) out[out.length - 1] = { ...previous, eol: '' };
}

export interface AddResult {
  text: string;
  changed: boolean;
  /** The lines added (hashed or plain). */
  added: string[];
}

export interface AddOptions {
  /** Hash the host name (HashKnownHosts style). Default: as most of the file's entries are. */
  hashed?: boolean;
  /** Salt source for hashing (20 random bytes by default). */
  salt?: () => Buffer;
}

/**
 * Adds keys for `host` (as "[host]:port" for a port other than 22) at the end of the file, unless
 * an entry for this host already holds the same key (plain, hashed or in a pattern list).
 */
export function addHostKeys(text: string, host: string, port: number | null, keys: readonly HostKey[], options: AddOptions = {}): AddResult {
  const lines = splitLines(text);
  const entries = lines.map((l, i) => parseKnownHostsLine(l.text, i + 1)).filter((e): e is KnownHostsEntry => e !== 'skip' && e !== null && e.marker === null);
  const hashedCount = entries.filter((e) => e.hashed).length;
  const hashed = options.hashed ?? hashedCount > entries.length - hashedCount;
  const salt = options.salt ?? (() => randomBytes(20));
  const name = knownHostsName(host.toLowerCase(), port);
  const eol = detectEol(lines);
  const added: string[] = [];
  for (const key of keys) {
    const known = entries.some((e) => e.keyType === key.type && e.key === key.key && entryMatchesHost(e, host, port));
    const duplicate = added.some((line) => line.endsWith(` ${key.type} ${key.key}`));
    if (known || duplicate) continue;
    added.push(`${hashed ? hashHostName(name, salt()) : name} ${key.type} ${key.key}`);
  }
  if (!added.length) return { text, changed: false, added };
  return { text: appendLines(text, added.map((l) => ({ text: l, eol }))), changed: true, added };
}
