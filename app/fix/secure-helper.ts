import { readFile } from 'node:fs/promises';
import type { EngineContext } from '../context.js';
import {
  describeHelper,
  helperRunnable,
  readCredentialConfig,
  selectHelpers,
  splitCredentialKey,
  type ConfigScope,
  type ConfiguredHelper,
  type CredentialConfigEntry,
  type HelperKind,
} from '../credentials/helpers.js';
import { defaultStoreFiles, parseStoreFile, type StoreEntry } from '../credentials/store-file.js';
import { credentialUrlParts } from '../credentials/urlmatch.js';
import { siteBaseUrl, storeEntryFor, type CredentialSite } from './credential-holders.js';
import { globalGitConfigFile } from './git-config-files.js';
import type { ChangeRecorder } from './journal.js';

/**
 * The platform's secure credential helper (the system keychain), and the git config that makes git
 * use it for one site only: `credential.<https://host>.helper` with an empty value first (which
 * drops every helper configured before it for that URL, such as a plain-text `store`) and then the
 * helper. Other hosts keep their helpers.
 */

/** Helpers that keep secrets encrypted by the system. */
export const SECURE_KINDS: readonly HelperKind[] = ['libsecret', 'osxkeychain', 'manager', 'wincred', 'gnome-keyring'];

export function isSecure(helper: ConfiguredHelper): boolean {
  return SECURE_KINDS.includes(helper.kind) && helper.runnable !== 'no';
}

/**
 * Best first, per platform: git's libsecret helper talks to the Secret Service (GNOME Keyring,
 * KWallet); osxkeychain ships with Apple's and Homebrew's git; Git for Windows installs Git
 * Credential Manager as "manager". Git Credential Manager also runs on Linux and macOS.
 */
const PLATFORM_HELPERS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['libsecret', 'manager'],
  darwin: ['osxkeychain', 'manager'],
  win32: ['manager', 'wincred'],
};

const LABELS: Record<string, string> = {
  libsecret: 'the Secret Service keyring (libsecret)',
  manager: 'Git Credential Manager',
  osxkeychain: 'the macOS keychain (osxkeychain)',
  wincred: 'the Windows Credential Manager (wincred)',
};

const INSTALL_HINTS: Partial<Record<NodeJS.Platform, string>> = {
  linux: "Install Git Credential Manager, or build git's libsecret helper (its source ships with git in contrib/credential/libsecret) and put git-credential-libsecret on your PATH",
  darwin: "Install git from Apple's command line tools or Homebrew: both include git-credential-osxkeychain",
  win32: 'Install Git for Windows, which includes Git Credential Manager',
};

export type SecureHelperChoice = { ok: true; helper: string; label: string; note: string | null } | { ok: false; reason: string };

export function helperLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** The first secure helper git can run here; a fallback says which one was missing. */
export async function chooseSecureHelper(ctx: EngineContext): Promise<SecureHelperChoice> {
  const candidates = PLATFORM_HELPERS[ctx.platform] ?? ['libsecret', 'manager'];
  for (const [index, name] of candidates.entries()) {
    if ((await helperRunnable(ctx, name)) !== 'yes') continue;
    const note = index === 0 ? null : `git-credential-${candidates[0]} is not installed, so ${helperLabel(name)} is used instead.`;
    return { ok: true, helper: name, label: helperLabel(name), note };
  }
  const tried = candidates.map((name) => `git-credential-${name}`).join(', ');
  return { ok: false, reason: `No secure credential helper can run on this computer (looked for ${tried}). ${INSTALL_HINTS[ctx.platform] ?? 'Install Git Credential Manager'}, then run this fix again.` };
}

/** Where the URL-scoped helper setting goes, and what it replaces there. */
export interface HelperConfigPlan {
  file: string;
  scope: ConfigScope;
  key: string;
  helper: string;
  /** Values of the same key already in that file (they are replaced). */
  replaces: string[];
}

const SCOPE_RANK: Record<ConfigScope, number> = { system: 0, global: 1, unknown: 1, local: 2, worktree: 3, command: 4 };

/** The config as git would read it after our two lines are put at the end of `file`. Pure. */
export function withHelperLines(entries: readonly CredentialConfigEntry[], file: string, scope: ConfigScope, key: string, helper: string): CredentialConfigEntry[] {
  const same = (e: CredentialConfigEntry) => e.origin.file === file && e.origin.key.toLowerCase() === key.toLowerCase();
  const kept = entries.filter((e) => !same(e));
  let at = 0;
  kept.forEach((e, i) => {
    if (e.origin.file === file || SCOPE_RANK[e.origin.scope] <= SCOPE_RANK[scope]) at = i + 1;
  });
  const ours = ['', helper].map((value) => ({ origin: { scope, file, key }, value }));
  return [...kept.slice(0, at), ...ours, ...kept.slice(at)];
}

/**
 * Plans the URL-scoped setting in the global config; when a helper configured later (in the
 * repository's own config) would still apply after it, the setting goes into that file instead,
 * because git reads it last. Refuses when a command-line setting would still apply.
 */
export async function planHelperConfig(ctx: EngineContext, site: CredentialSite, helper: string): Promise<{ ok: true; plan: HelperConfigPlan } | { ok: false; reason: string }> {
  const entries = await readCredentialConfig(ctx, site.repoRoot);
  const key = `credential.${siteBaseUrl(site)}.helper`;
  const url = credentialUrlParts(site.url);
  const others = (file: string, scope: ConfigScope) =>
    selectHelpers(withHelperLines(entries, file, scope, key, helper), url, ctx.homeDir, site.repoRoot).helpers.filter((h) => h.value !== helper);
  const planFor = (file: string, scope: ConfigScope): HelperConfigPlan => ({
    file,
    scope,
    key,
    helper,
    replaces: entries.filter((e) => e.origin.file === file && e.origin.key.toLowerCase() === key.toLowerCase()).map((e) => e.value ?? ''),
  });

  const global = await globalGitConfigFile(ctx);
  const left = others(global, 'global');
  if (left.length === 0) return { ok: true, plan: planFor(global, 'global') };
  const last = left[left.length - 1]!;
  if ((last.origin.scope === 'local' || last.origin.scope === 'worktree') && last.origin.file && others(last.origin.file, last.origin.scope).length === 0) {
    return { ok: true, plan: planFor(last.origin.file, last.origin.scope) };
  }
  return { ok: false, reason: `${ctx.secrets.redact(`${last.origin.key} = ${last.value}`)} (${last.origin.scope} config) would still apply after the new setting; remove it first` };
}

/** Writes the planned setting through the journal. */
export async function applyHelperConfig(change: ChangeRecorder, plan: HelperConfigPlan, repoRoot: string): Promise<void> {
  const config = (args: string[]) => change.runGitConfig(['config', '--file', plan.file, ...args], { file: plan.file, cwd: repoRoot });
  if (plan.replaces.length) await config(['--unset-all', plan.key]);
  await config(['--add', plan.key, '']);
  await config(['--add', plan.key, plan.helper]);
}

export function describeHelperConfig(plan: HelperConfigPlan): string {
  return `Add ${plan.key} = "" (drops the helpers configured before it for this site) and ${plan.key} = ${plan.helper}${plan.replaces.length ? `, replacing ${plan.replaces.map((v) => `"${v}"`).join(', ')}` : ''}`;
}

/** Every plain-text file any configured store helper reads (for any URL), and git's default ones. */
export async function allStoreFiles(ctx: EngineContext, repoRoot: string): Promise<string[]> {
  const entries = await readCredentialConfig(ctx, repoRoot);
  const files = new Set(defaultStoreFiles(ctx));
  for (const entry of entries) {
    if (splitCredentialKey(entry.origin.key)?.name !== 'helper' || !entry.value) continue;
    const helper = describeHelper(entry.value, ctx.homeDir, repoRoot);
    if (helper.kind === 'store' && helper.storeFile) files.add(helper.storeFile);
  }
  return [...files];
}

/** The plain-text lines that hold a credential for this site, in every store file. Read-only. */
export async function plaintextEntries(ctx: EngineContext, site: CredentialSite): Promise<StoreEntry[]> {
  const out: StoreEntry[] = [];
  for (const file of await allStoreFiles(ctx, site.repoRoot)) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) out.push(...parseStoreFile(text, file).filter(storeEntryFor(site, null)));
  }
  return out;
}
