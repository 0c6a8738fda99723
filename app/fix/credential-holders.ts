import { readFile } from 'node:fs/promises';
import type { EngineContext } from '../context.js';
import { resolveHelpers, type ConfiguredHelper, type HelperResolution } from '../credentials/helpers.js';
import { defaultStoreFiles, type StoreEntry } from '../credentials/store-file.js';
import { credentialUrlParts } from '../credentials/urlmatch.js';
import { withoutPassword } from '../credentials/fill.js';
import type { RemoteTarget } from '../diagnose/target.js';
import { revealSecret, type Secret } from '../secrets/secret.js';
import { helperCall, type CredentialKey } from './credential-io.js';
import { formatStoreLine, putStoreLine, removeStoreEntries } from './edit/credential-store.js';
import type { ChangeRecorder } from './change-recorder.js';

/**
 * Where the credential for a remote's push URL is kept, and the two things the credential fixes do
 * with it: erase it from every helper that has it, and save a new one in the helpers git asks.
 * Plain-text store files are edited line by line (git's own store would reorder the file, so undo
 * could not give back the same bytes); every other helper is driven through the helper protocol
 * with the change journal, which keeps the old secret for undo as protected as the helper kept it.
 */

/** What git asks the helpers for when it pushes to a remote. */
export interface CredentialSite {
  repoRoot: string;
  /** The first push URL, after rewrites, without a password. */
  url: string;
  protocol: string;
  /** "host" or "host:port" */
  host: string;
  /** Only when credential.useHttpPath is on (git then asks with the path). */
  path: string | null;
  /** The user name git asks with: from the URL, else credential.username; null: any. */
  username: string | null;
  helpers: HelperResolution;
}

export async function credentialSite(ctx: EngineContext, target: RemoteTarget): Promise<CredentialSite> {
  const url = withoutPassword(target.remote.resolvedPushUrls[0] ?? target.remote.resolvedFetchUrl);
  const helpers = await resolveHelpers(ctx, target.repoRoot, url);
  const parts = credentialUrlParts(url);
  return {
    repoRoot: target.repoRoot,
    url,
    protocol: parts.protocol ?? 'https',
    host: parts.host ?? '',
    path: helpers.useHttpPath ? parts.path : null,
    username: parts.username ?? helpers.username,
    helpers,
  };
}

/** "https://host[:port]": the URL a `credential.<url>.*` setting for this site is written for. */
export function siteBaseUrl(site: CredentialSite): string {
  return `${site.protocol}://${site.host}`;
}

export function keyFor(site: CredentialSite, username: string): CredentialKey {
  return { protocol: site.protocol, host: site.host, ...(site.path ? { path: site.path } : {}), username };
}

/** The files a store helper reads: its --file, else git's two default files. */
export function storeFilesOf(ctx: EngineContext, helper: ConfiguredHelper): string[] {
  return helper.storeFile ? [helper.storeFile] : defaultStoreFiles(ctx);
}

/** Would git's store answer this site's question (for `username`, or for anyone) with this line? */
export function storeEntryFor(site: CredentialSite, username: string | null): (entry: StoreEntry) => boolean {
  return (entry) =>
    entry.protocol === site.protocol &&
    entry.host === site.host &&
    (!site.path || entry.path === site.path) &&
    (username === null || entry.username === username);
}

export type Holding =
  | { kind: 'store'; helper: ConfiguredHelper; file: string; lines: number[] }
  | { kind: 'helper'; helper: ConfiguredHelper };

async function readText(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

function storeEntries(text: string, file: string, match: (entry: StoreEntry) => boolean): number[] {
  const lines: number[] = [];
  removeStoreEntries(text, file, (entry) => {
    if (match(entry)) lines.push(entry.line);
    return false;
  });
  return lines;
}

/** Every helper (and store file) that holds a credential for this site and user name. Read-only. */
export async function findHoldings(ctx: EngineContext, site: CredentialSite, username: string): Promise<Holding[]> {
  const holdings: Holding[] = [];
  const seenFiles = new Set<string>();
  for (const helper of site.helpers.helpers) {
    if (helper.runnable === 'no') continue;
    if (helper.kind === 'store') {
      for (const file of storeFilesOf(ctx, helper)) {
        if (seenFiles.has(file)) continue;
        seenFiles.add(file);
        const text = await readText(file);
        const lines = text === null ? [] : storeEntries(text, file, storeEntryFor(site, username));
        if (lines.length) holdings.push({ kind: 'store', helper, file, lines });
      }
      continue;
    }
    const found = await helperCall(ctx, helper.value, 'get', keyFor(site, username), null, site.repoRoot);
    if (found.password) holdings.push({ kind: 'helper', helper });
  }
  return holdings;
}

/** "the libsecret helper", "~/.git-credentials (lines 1, 3)": where a credential is, for the plan. */
export function describeHolding(ctx: EngineContext, holding: Holding): string {
  if (holding.kind === 'store') return `${holding.file} (line${holding.lines.length === 1 ? '' : 's'} ${holding.lines.join(', ')})`;
  return `the credential helper "${ctx.secrets.redact(holding.helper.value)}"`;
}

/** Erases this site's credential for `username` from every place that holds it. */
export async function eraseCredential(ctx: EngineContext, change: ChangeRecorder, site: CredentialSite, holdings: readonly Holding[], username: string): Promise<void> {
  for (const holding of holdings) {
    if (holding.kind === 'store') {
      const text = (await readText(holding.file)) ?? '';
      const edited = removeStoreEntries(text, holding.file, storeEntryFor(site, username));
      if (edited.removed > 0) await change.writeFile(holding.file, edited.text, { sensitive: true });
    } else {
      await change.setCredential({ helper: holding.helper.value, key: keyFor(site, username), password: null, cwd: site.repoRoot });
    }
  }
}

/**
 * Saves a credential in each of the given helpers, as `git credential approve` does: a store file
 * gets the line first and loses every other line for the same user (the first existing file of the
 * helper, like git's store); the other helpers get it through the helper protocol.
 */
export async function saveCredential(
  ctx: EngineContext,
  change: ChangeRecorder,
  site: CredentialSite,
  helpers: readonly ConfiguredHelper[],
  username: string,
  secret: Secret,
): Promise<void> {
  const doneFiles = new Set<string>();
  for (const helper of helpers) {
    if (helper.kind !== 'store') {
      await change.setCredential({ helper: helper.value, key: keyFor(site, username), password: secret, cwd: site.repoRoot });
      continue;
    }
    const files = storeFilesOf(ctx, helper).filter((f) => !doneFiles.has(f));
    const texts = await Promise.all(files.map(readText));
    const target = files[texts.findIndex((t) => t !== null)] ?? files[0];
    for (const [i, file] of files.entries()) {
      doneFiles.add(file);
      const text = texts[i] ?? '';
      const same = storeEntryFor(site, username);
      const next = file === target ? putStoreLine(text, file, formatStoreLine(keyFor(site, username), revealSecret(secret)), same) : removeStoreEntries(text, file, same).text;
      if (next !== text) await change.writeFile(file, next, { sensitive: true, mode: 0o600 });
    }
  }
}
