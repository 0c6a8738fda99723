import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { Secret } from '../secrets/secret.js';
import { parseCredentialUrl } from './urlmatch.js';

/**
 * The plain-text files of git's "store" helper (`.git-credentials`): one URL per line,
 * `https://user:password@host[:port][/path]`, with user and password percent-encoded.
 */

export interface StoreEntry {
  file: string;
  /** 1-based line number. */
  line: number;
  protocol: string;
  /** Host as git compares it: "host" or "host:port". */
  host: string;
  /** Path without leading or trailing slashes, or null. */
  path: string | null;
  username: string | null;
  password: Secret | null;
}

export interface StoreFile {
  file: string;
  exists: boolean;
  entries: StoreEntry[];
}

/** Parses one line the way git's credential-store does (credential_from_url); null for lines git skips. */
export function parseStoreLine(text: string, file: string, line: number): StoreEntry | null {
  const parsed = parseCredentialUrl(text.replace(/\r$/, ''));
  if (!parsed?.protocol || !parsed.host) return null;
  return {
    file,
    line,
    protocol: parsed.protocol,
    host: parsed.host,
    path: parsed.path,
    username: parsed.username,
    password: parsed.password === null ? null : new Secret(parsed.password),
  };
}

export function parseStoreFile(text: string, file: string): StoreEntry[] {
  const entries: StoreEntry[] = [];
  text.split('\n').forEach((line, index) => {
    const entry = parseStoreLine(line, file, index + 1);
    if (entry) entries.push(entry);
  });
  return entries;
}

/** What git asks the store for: the fields of the credential being filled. */
export interface StoreQuery {
  protocol: string;
  host: string;
  /** Only when credential.useHttpPath is on. */
  path?: string | null;
  username?: string | null;
}

/**
 * Whether git's store would answer the query with this entry: it needs a username and a password,
 * and every field the query has must be equal (credential_match).
 */
export function entryMatches(entry: StoreEntry, query: StoreQuery): boolean {
  if (!entry.username || !entry.password) return false;
  if (entry.protocol !== query.protocol || entry.host !== query.host) return false;
  if (query.path && entry.path !== query.path) return false;
  if (query.username && entry.username !== query.username) return false;
  return true;
}

/** The files `git credential-store` reads without --file, in its order. */
export function defaultStoreFiles(ctx: EngineContext): string[] {
  const xdg = ctx.env.XDG_CONFIG_HOME && path.isAbsolute(ctx.env.XDG_CONFIG_HOME) ? ctx.env.XDG_CONFIG_HOME : path.join(ctx.homeDir, '.config');
  return [path.join(ctx.homeDir, '.git-credentials'), path.join(xdg, 'git', 'credentials')];
}

/** Reads store files (read-only); a missing or unreadable file has no entries. */
export async function readStoreFiles(files: readonly string[]): Promise<StoreFile[]> {
  return Promise.all(
    files.map(async (file): Promise<StoreFile> => {
      try {
        return { file, exists: true, entries: parseStoreFile(await readFile(file, 'utf8'), file) };
      } catch {
        return { file, exists: false, entries: [] };
      }
    }),
  );
}
