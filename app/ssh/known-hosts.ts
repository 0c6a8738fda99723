import { createHmac } from 'node:crypto';
import type { PublishedHostKey } from '../facts/bitbucket.js';
import { sha256Fingerprint } from './fingerprint.js';

/** One key line of a known_hosts file (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export interface KnownHostsEntry {
  /** 1-based line number, as ssh reports it ("Offending key in FILE:LINE"). */
  line: number;
  marker: '@cert-authority' | '@revoked' | null;
  /** Comma-separated host patterns as written; a single "|1|salt|hash" when hashed. */
  hostField: string;
  hashed: boolean;
  keyType: string;
  /** base64 key blob. */
  key: string;
  fingerprint: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostsEntry[];
  /** Line numbers that are neither comments nor valid entries (kept untouched by editors). */
  malformed: number[];
}

/** Parses known_hosts text. Blank lines and comments are skipped; malformed lines are listed. Pure. */
export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const malformed: number[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const entry = parseKnownHostsLine(rawLine, index + 1);
    if (entry === 'skip') return;
    if (entry === null) malformed.push(index + 1);
    else entries.push(entry);
  });
  return { entries, malformed };
}

/** One line: an entry, 'skip' for blanks and comments, null when it cannot be read. */
export function parseKnownHostsLine(rawLine: string, line: number): KnownHostsEntry | 'skip' | null {
  const text = rawLine.replace(/\r$/, '').trim();
  if (text === '' || text.startsWith('#')) return 'skip';
  const fields = text.split(/\s+/);
  let marker: KnownHostsEntry['marker'] = null;
  if (fields[0] === '@cert-authority' || fields[0] === '@revoked') marker = fields.shift() as KnownHostsEntry['marker'];
  const [hostField, keyType, key] = fields;
  if (!hostField || !keyType || !key || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return null;
  return { line, marker, hostField, hashed: hostField.startsWith('|1|'), keyType, key, fingerprint: sha256Fingerprint(key) };
}

/** The name ssh looks up in known_hosts: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number | null): string {
  return port && port !== 22 ? `[${host}]:${port}` : host;
}

/** True when the entry applies to host:port, for hashed entries and patterns (with * ? and !negation) alike. */
export function entryMatchesHost(entry: KnownHostsEntry, host: string, port: number | null): boolean {
  const name = knownHostsName(host.toLowerCase(), port);
  if (entry.hashed) return hashedMatches(entry.hostField, name);
  let matched = false;
  for (const pattern of entry.hostField.split(',')) {
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern).toLowerCase();
    if (globMatches(body, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/** Hashes a host name the way `ssh-keygen -H` does, with the given 20-byte salt. */
export function hashHostName(name: string, salt: Buffer): string {
  const digest = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${digest}`;
}

export type HostKeyStatus = 'current' | 'retired' | 'unknown';

/** Compares a known_hosts key with the host keys Bitbucket publishes and the ones it retired. */
export function hostKeyStatus(entry: Pick<KnownHostsEntry, 'fingerprint'>, published: readonly PublishedHostKey[], retired: readonly PublishedHostKey[], retiredFingerprints: readonly string[] = []): HostKeyStatus {
  if (published.some((k) => k.fingerprint === entry.fingerprint)) return 'current';
  if (retired.some((k) => k.fingerprint === entry.fingerprint) || retiredFingerprints.includes(entry.fingerprint)) return 'retired';
  return 'unknown';
}
