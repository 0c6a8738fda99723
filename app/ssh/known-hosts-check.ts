import { readFile } from 'node:fs/promises';
import { PUBLISHED_HOST_KEYS, RETIRED_DSA_FINGERPRINT, RETIRED_HOST_KEYS } from '../facts/bitbucket.js';
import { entryMatchesHost, hostKeyStatus, knownHostsName, parseKnownHosts, type HostKeyStatus } from './known-hosts.js';

export interface KnownHostsMatch {
  file: string;
  line: number;
  keyType: string;
  fingerprint: string;
  marker: '@cert-authority' | '@revoked' | null;
  hashed: boolean;
  /** Compared with Bitbucket Cloud's published and retired keys; null when the host is not Cloud. */
  status: HostKeyStatus | null;
}

/**
 * - missing: no key for the name ssh looks up, so a non-interactive ssh stops at the host key.
 * - retired: only keys Bitbucket retired, so ssh reports a changed host key.
 * - stale-line: a retired key beside current ones (harmless for ssh, worth cleaning up).
 * - present: keys are there (for Cloud: current published ones, or keys this engine cannot vouch for).
 */
export type KnownHostsVerdict = 'missing' | 'retired' | 'stale-line' | 'present';

export interface KnownHostsReport {
  /** The name ssh looks up: HostKeyAlias, or "host" / "[host]:port". */
  lookupName: string;
  files: Array<{ path: string; exists: boolean }>;
  matches: KnownHostsMatch[];
  verdict: KnownHostsVerdict;
}

export interface KnownHostsQuery {
  hostname: string;
  port: number;
  hostKeyAlias: string | null;
  /** UserKnownHostsFile then GlobalKnownHostsFile, as `ssh -G` lists them. */
  files: string[];
  /** Compare with Bitbucket Cloud's published keys. */
  cloud: boolean;
}

/** Finds the known_hosts entries ssh would use for this destination. Read-only. */
export async function checkKnownHosts(query: KnownHostsQuery): Promise<KnownHostsReport> {
  const texts = await Promise.all(
    query.files.map(async (file) => {
      try {
        return { path: file, text: await readFile(file, 'utf8') };
      } catch {
        return { path: file, text: null };
      }
    }),
  );
  return knownHostsReport(query, texts);
}

/** The same over file contents (null = file missing). Pure. */
export function knownHostsReport(query: KnownHostsQuery, texts: Array<{ path: string; text: string | null }>): KnownHostsReport {
  // ssh looks up the alias as written (no port); otherwise host, or [host]:port off port 22.
  const lookupHost = query.hostKeyAlias ?? query.hostname;
  const lookupPort = query.hostKeyAlias ? null : query.port;
  const matches: KnownHostsMatch[] = [];
  for (const { path, text } of texts) {
    if (text === null) continue;
    for (const entry of parseKnownHosts(text).entries) {
      if (!entryMatchesHost(entry, lookupHost, lookupPort)) continue;
      const status = query.cloud && entry.marker === null ? hostKeyStatus(entry, PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS, [RETIRED_DSA_FINGERPRINT]) : null;
      matches.push({ file: path, line: entry.line, keyType: entry.keyType, fingerprint: entry.fingerprint, marker: entry.marker, hashed: entry.hashed, status });
    }
  }
  const plain = matches.filter((m) => m.marker === null);
  let verdict: KnownHostsVerdict = 'present';
  if (plain.length === 0 && !matches.some((m) => m.marker === '@cert-authority')) verdict = 'missing';
  else if (plain.length > 0 && plain.every((m) => m.status === 'retired')) verdict = 'retired';
  else if (plain.some((m) => m.status === 'retired')) verdict = 'stale-line';
  return { lookupName: knownHostsName(lookupHost, lookupPort), files: texts.map((t) => ({ path: t.path, exists: t.text !== null })), matches, verdict };
}

/** "/home/u/.ssh/known_hosts:3 ssh-rsa SHA256:... (retired by Bitbucket)" */
export function describeMatch(match: KnownHostsMatch): string {
  const notes = [match.marker, match.hashed ? 'hashed' : null, match.status === 'retired' ? 'retired by Bitbucket' : match.status === 'current' ? "Bitbucket's published key" : null].filter(Boolean);
  return `${match.file}:${match.line} ${match.keyType} ${match.fingerprint}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
