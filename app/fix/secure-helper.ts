import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
import { git } from '../git/git.js';
import { detectWsl, findWindowsGcm, helperValueForPath } from '../platform/wsl.js';
import { helperCall } from './credential-io.js';
import { siteBaseUrl, storeEntryFor, type CredentialSite } from './credential-holders.js';
import { globalGitConfigFile } from './git-config-files.js';
import type { ChangeRecorder } from './change-recorder.js';
import { helperMessage, UNDO_HOST_SUFFIX } from './undo-secrets.js';

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
 * Credential Manager as "manager". Git Credential Manager also runs on Linux and macOS. git's
 * `cache` helper is never offered: it forgets a credential after 15 minutes (and at every
 * restart), so moving a token there from a file would lose it.
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

/** What a headless machine can do instead: one clause, used in the one-sentence refusals. */
const HEADLESS_WAY_OUT =
  'push over SSH instead (remote.use-ssh), or set up Git Credential Manager with credential.credentialStore gpg (or a desktop session with a keyring), then run this fix again';

const INSTALL_HINTS: Partial<Record<NodeJS.Platform, string>> = {
  linux: "install Git Credential Manager, or build git's libsecret helper (its source ships with git in contrib/credential/libsecret) and put git-credential-libsecret on your PATH",
  darwin: "install git from Apple's command line tools or Homebrew (both include git-credential-osxkeychain)",
  win32: 'install Git for Windows, which includes Git Credential Manager',
};

export type SecureHelperChoice = { ok: true; helper: string; label: string; note: string | null } | { ok: false; reason: string };

/** "the Secret Service keyring (libsecret)", "Git Credential Manager for Windows": a helper value in words. */
export function helperLabel(value: string): string {
  if (LABELS[value]) return LABELS[value]!;
  const helper = describeHelper(value, '/', '/');
  if (helper.kind === 'manager' && /\.exe$/i.test(helper.program ?? '') && helper.program?.startsWith('/')) return WINDOWS_GCM_LABEL;
  return value;
}

const WINDOWS_GCM_LABEL = "Git Credential Manager for Windows (Windows' Credential Manager)";

/** The first secure helper git can run here and that can really keep a secret now; otherwise one sentence with the way out. */
export async function chooseSecureHelper(ctx: EngineContext): Promise<SecureHelperChoice> {
  const wsl = await detectWsl(ctx);
  if (wsl) {
    // WSL: the Windows side's GCM keeps credentials in Windows, where a keyring always exists.
    const gcm = await findWindowsGcm(ctx, wsl);
    if (gcm) {
      return {
        ok: true,
        helper: helperValueForPath(gcm),
        label: WINDOWS_GCM_LABEL,
        note: "In WSL, Git Credential Manager for Windows keeps credentials in Windows' Credential Manager (shared with Git for Windows on this PC) and reads its settings from Git for Windows' config.",
      };
    }
  }
  const candidates = PLATFORM_HELPERS[ctx.platform] ?? ['libsecret', 'manager'];
  const unusable: string[] = [];
  for (const [index, name] of candidates.entries()) {
    if ((await helperRunnable(ctx, name)) !== 'yes') continue;
    const usable = await canKeepSecrets(ctx, name);
    if (!usable.ok) {
      unusable.push(`git-credential-${name}: ${usable.reason}`);
      continue;
    }
    const note = index === 0 ? null : `git-credential-${candidates[0]} ${unusable.length ? 'cannot reach a keyring here' : 'is not installed'}, so ${helperLabel(name)} is used instead.`;
    return { ok: true, helper: name, label: helperLabel(name), note };
  }
  if (ctx.platform === 'linux' && (unusable.length || !(await hasSessionBus(ctx)))) {
    const why = unusable.length ? unusable.join('; ') : 'no D-Bus session, so no Secret Service';
    return { ok: false, reason: ctx.secrets.redact(`No keyring is reachable on this computer (${why}), so git has no safer place than a plain-text file to keep credentials: ${HEADLESS_WAY_OUT}.`) };
  }
  const tried = candidates.map((name) => `git-credential-${name}`).join(', ');
  return { ok: false, reason: `No secure credential helper can run on this computer (looked for ${tried}): ${INSTALL_HINTS[ctx.platform] ?? 'install Git Credential Manager'}, then run this fix again.` };
}

/**
 * Whether a helper git can start can also keep a secret right now, asked without changing
 * anything: libsecret answers a lookup of a name nobody uses (exit 0) only when it reached a
 * Secret Service; Git Credential Manager on Linux has no store unless one is configured
 * (docs/credstores.md), and only the Secret Service and gpg/pass are encrypted ones.
 */
async function canKeepSecrets(ctx: EngineContext, name: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (name === 'libsecret') {
    // GLib makes an empty ~/.cache when it starts: a throwaway one keeps this look from touching the home.
    const cache = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-probe-'));
    try {
      const probe = await helperCall({ ...ctx, env: { ...ctx.env, XDG_CACHE_HOME: cache } }, name, 'get', { protocol: 'https', host: `keyring-check.${UNDO_HOST_SUFFIX}`, username: 'push-doctor' });
      return probe.ok ? { ok: true } : { ok: false, reason: helperMessage(probe.error) || 'the Secret Service did not answer' };
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  }
  if (name === 'manager' && ctx.platform === 'linux') {
    const store = ctx.env.GCM_CREDENTIAL_STORE || (await gitConfigValue(ctx, 'credential.credentialStore'));
    if (store === 'secretservice') return (await hasSessionBus(ctx)) ? { ok: true } : { ok: false, reason: 'its Secret Service store needs a D-Bus session, and there is none' };
    if (store === 'gpg') {
      const dir = ctx.env.PASSWORD_STORE_DIR || path.join(ctx.homeDir, '.password-store');
      return (await readFile(path.join(dir, '.gpg-id'), 'utf8').then(() => true, () => false)) ? { ok: true } : { ok: false, reason: `its gpg store is not initialised (no ${path.join(dir, '.gpg-id')}; run pass init)` };
    }
    return { ok: false, reason: store ? `its credential store "${store}" is not an encrypted one` : 'no credential store is configured for it (credential.credentialStore)' };
  }
  return { ok: true };
}

/** A D-Bus session bus the Secret Service could be on: DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus. */
async function hasSessionBus(ctx: EngineContext): Promise<boolean> {
  if (ctx.env.DBUS_SESSION_BUS_ADDRESS) return true;
  if (!ctx.env.XDG_RUNTIME_DIR) return false;
  return stat(path.join(ctx.env.XDG_RUNTIME_DIR, 'bus')).then(
    (info) => info.isSocket(),
    () => false,
  );
}

async function gitConfigValue(ctx: EngineContext, key: string): Promise<string | null> {
  const result = await git(ctx, ['config', '--get', key], { cwd: ctx.homeDir });
  return result.exitCode === 0 ? result.stdout.trim() || null : null;
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
  // One change of the file: never a state where the old helpers are dropped and the new one is not there yet.
  const edits = [...(plan.replaces.length ? [['--unset-all', plan.key]] : []), ['--add', plan.key, ''], ['--add', plan.key, plan.helper]];
  await change.editGitConfig(plan.file, edits, { cwd: repoRoot });
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
