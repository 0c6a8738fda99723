import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { gitRuntime } from '../exec/git-runtime.js';
import { shellWords } from '../exec/shell-words.js';
import { git } from '../git/git.js';
import { credentialUrlParts, urlMatches, type CredentialUrl } from './urlmatch.js';

/**
 * The credential helpers git asks for a URL, in git's order, with where each is configured.
 *
 * git collects every `credential.helper` and `credential.<url>.helper` whose URL matches, in config
 * order (system, global, local, worktree, command line); an empty value throws away the ones
 * collected so far (credential.c, urlmatch.c).
 */

export type HelperKind = 'store' | 'cache' | 'osxkeychain' | 'libsecret' | 'gnome-keyring' | 'manager' | 'wincred' | 'oauth' | 'netrc' | 'other';
export type ConfigScope = 'system' | 'global' | 'local' | 'worktree' | 'command' | 'unknown';

export interface ConfigOrigin {
  scope: ConfigScope;
  /** Absolute path of the config file, or null (command line, blob, stdin). */
  file: string | null;
  /** The key as written, e.g. "credential.https://bitbucket.org.helper". */
  key: string;
}

/** One `credential.*` entry from `git config --show-scope --show-origin`. */
export interface CredentialConfigEntry {
  origin: ConfigOrigin;
  /** Null for a bare key without "=" (git rejects it for string settings). */
  value: string | null;
}

export interface ConfiguredHelper {
  /** As configured. A `!shell` helper can contain anything: show it only through ctx.secrets.redact. */
  value: string;
  kind: HelperKind;
  /** What git runs, before the operation word: "git credential-store --file ~/x". */
  command: string;
  /** `store --file PATH` (absolute); null when the store uses its default files or this is not a store. */
  storeFile: string | null;
  origin: ConfigOrigin;
  /** The program checked for `runnable`: "git-credential-libsecret", "/usr/bin/gh"... or null. */
  program: string | null;
  /** Whether git can start it: 'unknown' for shell snippets we cannot judge. */
  runnable: 'yes' | 'no' | 'unknown';
}

export interface HelperResolution {
  helpers: ConfiguredHelper[];
  /** Empty `helper` values that threw away the helpers before them. */
  resets: ConfigOrigin[];
  useHttpPath: boolean;
  /** credential.username (or credential.<url>.username), the last one that applies. */
  username: string | null;
  /** Every other matching credential.* setting, lower-case name → last value (e.g. GCM's settings). */
  settings: Record<string, string>;
}

const KNOWN_KINDS: Record<string, HelperKind> = {
  store: 'store',
  cache: 'cache',
  osxkeychain: 'osxkeychain',
  libsecret: 'libsecret',
  'gnome-keyring': 'gnome-keyring',
  manager: 'manager',
  'manager-core': 'manager',
  wincred: 'wincred',
  oauth: 'oauth',
  netrc: 'netrc',
};

/** Reads every credential.* setting with its scope and file (read-only). */
export async function readCredentialConfig(ctx: EngineContext, repoRoot: string, signal?: AbortSignal): Promise<CredentialConfigEntry[]> {
  const result = await git(ctx, ['config', '-z', '--show-origin', '--show-scope', '--get-regexp', '^credential\\.'], { cwd: repoRoot, signal });
  if (result.exitCode !== 0) return [];
  return parseConfigWithOrigin(result.stdout, repoRoot);
}

/** Parses `git config -z --show-scope --show-origin` output: "scope\0origin\0key\nvalue\0". */
export function parseConfigWithOrigin(output: string, cwd: string): CredentialConfigEntry[] {
  const fields = output.split('\0');
  const entries: CredentialConfigEntry[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const scope = fields[i]!;
    const origin = fields[i + 1]!;
    const keyValue = fields[i + 2]!;
    const newline = keyValue.indexOf('\n');
    const key = newline === -1 ? keyValue : keyValue.slice(0, newline);
    const value = newline === -1 ? null : keyValue.slice(newline + 1);
    const file = origin.startsWith('file:') ? path.resolve(cwd, origin.slice('file:'.length)) : null;
    entries.push({ origin: { scope: toScope(scope), file, key }, value });
  }
  return entries;
}

function toScope(value: string): ConfigScope {
  return value === 'system' || value === 'global' || value === 'local' || value === 'worktree' || value === 'command' ? value : 'unknown';
}

/** Splits "credential.<url>.<name>" into the URL part (or null) and the lower-case name. */
export function splitCredentialKey(key: string): { url: string | null; name: string } | null {
  if (!key.toLowerCase().startsWith('credential.')) return null;
  const rest = key.slice('credential.'.length);
  const dot = rest.lastIndexOf('.');
  if (dot === -1) return { url: null, name: rest.toLowerCase() };
  return { url: rest.slice(0, dot), name: rest.slice(dot + 1).toLowerCase() };
}

export type SelectedHelpers = Omit<HelperResolution, 'helpers'> & { helpers: Array<Omit<ConfiguredHelper, 'runnable'>> };

/** The helpers and settings that apply to `url`, in git's order. Pure. */
export function selectHelpers(entries: readonly CredentialConfigEntry[], url: CredentialUrl, homeDir: string, cwd: string): SelectedHelpers {
  let helpers: Array<Omit<ConfiguredHelper, 'runnable'>> = [];
  const resets: ConfigOrigin[] = [];
  const settings: Record<string, string> = {};
  let username: string | null = null;
  let useHttpPath = false;
  for (const entry of entries) {
    const key = splitCredentialKey(entry.origin.key);
    if (!key) continue;
    if (key.url !== null && !urlMatches(key.url, url)) continue;
    if (entry.value === null) continue;
    if (key.name === 'helper') {
      if (entry.value === '') {
        helpers = [];
        resets.push(entry.origin);
      } else {
        helpers.push({ ...describeHelper(entry.value, homeDir, cwd), origin: entry.origin });
      }
    } else if (key.name === 'username') {
      // A username written in the URL wins over the configured one (username_from_proto).
      if (!url.username) username = entry.value;
    } else if (key.name === 'usehttppath') {
      useHttpPath = isTrue(entry.value);
    } else {
      settings[key.name] = entry.value;
    }
  }
  return { helpers, resets, useHttpPath, username, settings };
}

function isTrue(value: string): boolean {
  return ['true', 'yes', 'on', '1', ''].includes(value.toLowerCase());
}

/** What a helper value means: its kind, the command git builds, the store file. Pure. */
export function describeHelper(value: string, homeDir: string, cwd: string): Omit<ConfiguredHelper, 'origin' | 'runnable'> {
  const expand = (p: string) => (p === '~' ? homeDir : p.startsWith('~/') ? path.join(homeDir, p.slice(2)) : path.resolve(cwd, p));
  if (value.startsWith('!')) {
    const snippet = value.slice(1).trim();
    const words = shellWords(snippet);
    const first = words[0] ?? '';
    // A plain command ("gh auth git-credential", "/opt/x/helper"); a function definition is not one.
    const plain = /^[\w./~+-]+$/.test(first) && !/^\s*[\w-]+\s*\(\s*\)/.test(snippet);
    const named = /git[- ]credential-([a-z][a-z-]*?)(?:\.exe)?(?=["'\s]|$)/i.exec(snippet);
    return {
      value,
      kind: named ? kindOf(named[1]!) : 'other',
      command: snippet,
      storeFile: named && kindOf(named[1]!) === 'store' ? storeFileOf(words, expand) : null,
      program: plain ? (first.includes('/') ? expand(first) : first) : null,
    };
  }
  if (path.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('~/')) {
    const words = shellWords(value);
    const program = expand(words[0] ?? value);
    const base = path.basename(program).replace(/\.exe$/i, '');
    const named = /^git-credential-(.+)$/.exec(base);
    const kind = named ? kindOf(named[1]!) : 'other';
    return { value, kind, command: value, storeFile: kind === 'store' ? storeFileOf(words, expand) : null, program };
  }
  const words = shellWords(value);
  const name = words[0] ?? value;
  const kind = kindOf(name);
  return { value, kind, command: `git credential-${value}`, storeFile: kind === 'store' ? storeFileOf(words, expand) : null, program: `git-credential-${name}` };
}

function kindOf(name: string): HelperKind {
  return KNOWN_KINDS[name.toLowerCase()] ?? 'other';
}

function storeFileOf(words: string[], expand: (p: string) => string): string | null {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('--file=')) return expand(word.slice('--file='.length));
    if (word === '--file' && words[i + 1]) return expand(words[i + 1]!);
  }
  return null;
}

export { shellWords };

/**
 * Resolves the helpers for a push URL as git will (read-only): reads the config, selects, and checks
 * that each helper's program exists (`git credential-NAME` in `git --exec-path` or PATH, absolute
 * paths as written; `!shell` snippets when they start with a plain command).
 */
export async function resolveHelpers(ctx: EngineContext, repoRoot: string, pushUrl: string, signal?: AbortSignal): Promise<HelperResolution> {
  const url = credentialUrlParts(pushUrl);
  const [entries, searchPath] = await Promise.all([readCredentialConfig(ctx, repoRoot, signal), gitSearchPath(ctx)]);
  const selected = selectHelpers(entries, url, ctx.homeDir, repoRoot);
  const helpers = await Promise.all(
    selected.helpers.map(async (helper): Promise<ConfiguredHelper> => ({ ...helper, runnable: await canRun(ctx, helper, searchPath) })),
  );
  return { ...selected, helpers };
}

/** Whether git can start the helper a `credential.helper` value names ("libsecret" → git-credential-libsecret). */
export async function helperRunnable(ctx: EngineContext, value: string): Promise<'yes' | 'no' | 'unknown'> {
  return canRun(ctx, describeHelper(value, ctx.homeDir, ctx.homeDir), await gitSearchPath(ctx));
}

/** Where git's helpers are found: its exec-path, then (Git for Windows) its own bin folders, then PATH. */
async function gitSearchPath(ctx: EngineContext): Promise<string[]> {
  return (await gitRuntime(ctx)).path;
}

async function canRun(ctx: EngineContext, helper: Pick<ConfiguredHelper, 'program' | 'value'>, dirs: string[]): Promise<'yes' | 'no' | 'unknown'> {
  const program = helper.program;
  if (!program) return 'unknown';
  if (program.includes('/') || program.includes('\\')) return (await isExecutable(program, ctx.platform)) ? 'yes' : 'no';
  for (const dir of dirs) if (await isExecutable(path.join(dir, program), ctx.platform)) return 'yes';
  return 'no';
}

async function isExecutable(file: string, platform: NodeJS.Platform): Promise<boolean> {
  const candidates = platform === 'win32' && !/\.[a-z]+$/i.test(file) ? [file, `${file}.exe`, `${file}.bat`, `${file}.cmd`] : [file];
  for (const candidate of candidates) {
    try {
      await access(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
      return true;
    } catch {
      // try the next
    }
  }
  return false;
}
