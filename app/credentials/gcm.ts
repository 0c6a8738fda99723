import path from 'node:path';
import type { EngineContext } from '../context.js';
import { nonInteractiveEnv, sharedWithWindows, wslenvShares } from '../exec/env.js';
import { run } from '../exec/run.js';
import { GCM_FACTS } from '../facts/bitbucket.js';
import { globalGitConfigFile } from '../fix/git-config-files.js';
import { git } from '../git/git.js';
import { detectWsl, isWindowsProgram, windowsProfile } from '../platform/wsl.js';
import type { ConfiguredHelper, HelperResolution } from './helpers.js';

/**
 * Git Credential Manager as git runs it for a URL: which one (Linux/macOS/Windows, or the Windows
 * one started from WSL), its version, and the settings it reads. Read-only.
 *
 * GCM reads its settings from the environment first, then from git config. A Windows-side GCM
 * started from WSL reads Git for Windows' config, not WSL's (GCM docs/wsl.md, "Shared
 * configuration"), and sees only the environment variables WSLENV shares with Windows programs.
 */
export interface Gcm {
  helper: ConfiguredHelper;
  /** Started from WSL out of the Windows drive: keeps credentials in Windows' Credential Manager. */
  windowsSide: boolean;
  /** Keeps credentials in Windows' Credential Manager by default (Windows, or the Windows side of WSL). */
  windowsStores: boolean;
}

/** The GCM git asks for this URL, if any (the first one: git stops at the first helper that answers). */
export async function findGcm(ctx: EngineContext, helpers: HelperResolution): Promise<Gcm | null> {
  const helper = helpers.helpers.find((h) => h.kind === 'manager');
  if (!helper) return null;
  const wsl = await detectWsl(ctx);
  const windowsSide = !!wsl && isWindowsProgram(wsl, helper.program);
  return { helper, windowsSide, windowsStores: windowsSide || ctx.platform === 'win32' };
}

/** `git credential-manager --version` (or the configured program's): "2.6.1", or null. Never prompts, bounded. */
export async function gcmVersion(ctx: EngineContext, gcm: Gcm): Promise<string | null> {
  const { helper } = gcm;
  const timeoutMs = Math.min(ctx.timeoutMs, 5000);
  let result;
  if (!helper.value.startsWith('!') && helper.program && (helper.program.includes('/') || helper.program.includes('\\'))) {
    result = await run(helper.program, ['--version'], { env: nonInteractiveEnv(ctx.env), cwd: ctx.homeDir, timeoutMs, signal: ctx.signal });
  } else if (helper.program?.startsWith('git-credential-')) {
    result = await git(ctx, [helper.program.slice('git-'.length), '--version'], { cwd: ctx.homeDir, timeoutMs, signal: ctx.signal });
  } else {
    return null;
  }
  const line = result.stdout.split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
  return result.exitCode === 0 ? (GCM_FACTS.versionPattern.exec(line)?.[1] ?? null) : null;
}

/** The config file GCM reads its global settings from, and where a fix writes them. */
export async function gcmSettingsFile(ctx: EngineContext, gcm: Gcm): Promise<{ ok: true; file: string } | { ok: false; reason: string }> {
  if (!gcm.windowsSide) return { ok: true, file: await globalGitConfigFile(ctx) };
  const wsl = await detectWsl(ctx);
  const profile = wsl ? await windowsProfile(ctx, wsl) : null;
  if (!profile) {
    return { ok: false, reason: "Git Credential Manager for Windows reads its settings from Git for Windows' config, and the Windows profile folder could not be found from WSL (cmd.exe /c echo %USERPROFILE% gave nothing)" };
  }
  return { ok: true, file: path.join(profile, '.gitconfig') };
}

/**
 * A GCM setting for a URL as GCM would read it: its environment variable (for a Windows-side GCM
 * only when WSLENV shares it), else `credential.<url>.<name>` / `credential.<name>` from the config
 * it reads. `settings` is what git's own config gives for the URL (helpers.settings).
 */
export async function gcmSetting(ctx: EngineContext, gcm: Gcm, settings: Record<string, string>, name: string, envName: string, url: string): Promise<string | null> {
  const shared = !gcm.windowsSide || wslenvShares(ctx.env.WSLENV, envName);
  const fromEnv = shared ? ctx.env[envName] : undefined;
  if (fromEnv !== undefined) return fromEnv;
  if (!gcm.windowsSide) return settings[name.toLowerCase()] ?? null;
  const file = await gcmSettingsFile(ctx, gcm);
  if (!file.ok) return null;
  const result = await git(ctx, ['config', '--file', file.file, '--get-urlmatch', `credential.${name}`, url], { cwd: ctx.homeDir });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** GCM re-checks stored Bitbucket credentials unless its setting says false (GCM_FACTS.validateStoredCredentials). */
export async function gcmValidatesStoredCredentials(ctx: EngineContext, gcm: Gcm, helpers: HelperResolution, url: string): Promise<boolean> {
  const value = await gcmSetting(ctx, gcm, helpers.settings, GCM_FACTS.validateStoredCredentials, GCM_FACTS.validateStoredCredentialsEnv, url);
  return value === null || !isFalse(value);
}

/** GCM's credential store setting ("dpapi", "wincredman"...), or null when unset. */
export function gcmCredentialStore(ctx: EngineContext, gcm: Gcm, helpers: HelperResolution, url: string): Promise<string | null> {
  return gcmSetting(ctx, gcm, helpers.settings, 'credentialStore', GCM_FACTS.credentialStoreEnv, url);
}

function isFalse(value: string): boolean {
  return ['false', '0', 'no', 'off'].includes(value.trim().toLowerCase());
}

/** GCM's "fatal: Failed to write item to store. [0x6f7]" / "The stub received bad data" lines in what git printed. Pure. */
export function storeLimitLines(lines: readonly string[]): string[] {
  const failed = lines.filter((l) => l.includes(GCM_FACTS.storeWriteFailed) || l.includes(GCM_FACTS.stubReceivedBadData));
  const limit = failed.some((l) => l.includes(GCM_FACTS.storeWriteFailedCode) || l.includes(GCM_FACTS.stubReceivedBadData));
  return limit ? failed : [];
}

/** GCM refused to answer because it would have had to prompt (it then discarded or lacked the stored credential). Pure. */
export function refusedToPrompt(lines: readonly string[]): boolean {
  return lines.some((l) => l.includes(GCM_FACTS.interactionDisabled));
}

/** The environment that makes GCM hand out a stored Bitbucket credential without its REST check, for a read-only look. */
export function withoutValidation(ctx: EngineContext, gcm: Gcm): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { [GCM_FACTS.validateStoredCredentialsEnv]: 'false' };
  if (gcm.windowsSide) env.WSLENV = sharedWithWindows(nonInteractiveEnv(ctx.env).WSLENV, GCM_FACTS.validateStoredCredentialsEnv);
  return env;
}
