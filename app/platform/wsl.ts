import { access, constants, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';

/**
 * Windows Subsystem for Linux. git and ssh run as Linux programs there (keys in the Linux home's
 * ~/.ssh), but there is usually no keyring, and the credential helper is often Git Credential
 * Manager for Windows, started from the Windows drive, which keeps credentials in Windows'
 * Credential Manager, shared with Git for Windows on the same PC, and reads its settings from
 * Git for Windows' config, not from WSL's (GCM docs/wsl.md, "Shared configuration").
 *
 * Everything here reads the machine through `ctx.systemRoot` (tests: a folder that stands in for
 * `/`) and runs `cmd.exe` from the PATH, the way WSL's interop runs it.
 */

export interface Wsl {
  version: 1 | 2;
  /** WSL_DISTRO_NAME ("Ubuntu"), when set. */
  distro: string | null;
  /** Where Windows drives are mounted, ending in "/": "/mnt/" unless /etc/wsl.conf says otherwise. */
  mountRoot: string;
}

/**
 * WSL or not, from what the kernel and WSL's init say (the rules Git Credential Manager uses,
 * WslUtils.cs): WSL_INTEROP is set in WSL 2; /proc/version names Microsoft in both versions
 * ("3.4.0-Microsoft" in WSL 1, "…-microsoft-standard-WSL2" in WSL 2). Pure.
 */
export function wslVersionFrom(procVersion: string | null, env: NodeJS.ProcessEnv): 1 | 2 | null {
  if (env.WSL_INTEROP) return 2;
  if (procVersion && /microsoft/i.test(procVersion)) return /wsl2/i.test(procVersion) ? 2 : 1;
  // WSL_DISTRO_NAME alone (a copied environment, /proc not readable): WSL, version unknown; 2 is today's default.
  if (env.WSL_DISTRO_NAME) return 2;
  return null;
}

/** `[automount] root = /windir/` in /etc/wsl.conf, else WSL's default "/mnt/". Pure. */
export function automountRoot(wslConf: string | null): string {
  let section = '';
  for (const raw of (wslConf ?? '').split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      continue;
    }
    const setting = /^root\s*=\s*"?([^"]+?)"?$/i.exec(line);
    if (section === 'automount' && setting) return setting[1]!.endsWith('/') ? setting[1]! : `${setting[1]}/`;
  }
  return '/mnt/';
}

function systemPath(ctx: EngineContext, file: string): string {
  return ctx.systemRoot ? path.join(ctx.systemRoot, file) : file;
}

async function readText(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

const detected = new WeakMap<EngineContext, Promise<Wsl | null>>();

/** WSL, once per engine context; null on every other system. */
export function detectWsl(ctx: EngineContext): Promise<Wsl | null> {
  let known = detected.get(ctx);
  if (!known) detected.set(ctx, (known = readWsl(ctx)));
  return known;
}

async function readWsl(ctx: EngineContext): Promise<Wsl | null> {
  if (ctx.platform !== 'linux') return null;
  const version = wslVersionFrom(await readText(systemPath(ctx, '/proc/version')), ctx.env);
  if (!version) return null;
  const mountRoot = systemPath(ctx, automountRoot(await readText(systemPath(ctx, '/etc/wsl.conf'))));
  return { version, distro: ctx.env.WSL_DISTRO_NAME || null, mountRoot: mountRoot.endsWith('/') ? mountRoot : `${mountRoot}/` };
}

/** "C:\Users\jdoe" → "/mnt/c/Users/jdoe" (what wslpath prints), or null for a path that is not on a drive. Pure. */
export function wslPathOf(wsl: Wsl, windowsPath: string): string | null {
  const match = /^([A-Za-z]):[\\/]?(.*)$/.exec(windowsPath.trim());
  if (!match) return null;
  const rest = match[2]!.split(/[\\/]+/).filter(Boolean).join('/');
  return `${wsl.mountRoot}${match[1]!.toLowerCase()}${rest ? `/${rest}` : ''}`;
}

/** A program that lives on a Windows drive (a Windows .exe started through WSL's interop). Pure. */
export function isWindowsProgram(wsl: Wsl, program: string | null): boolean {
  return !!program && program.startsWith(wsl.mountRoot) && /\.exe$/i.test(program);
}

/**
 * Where Git Credential Manager for Windows is installed, best first: Git for Windows' own copy
 * (mingw64/bin since Git for Windows 2.39, libexec/git-core before), then GCM's standalone
 * installers (GCM docs/wsl.md). The user-only installer needs the Windows profile folder.
 */
export function windowsGcmCandidates(wsl: Wsl, profile: string | null): string[] {
  const c = `${wsl.mountRoot}c`;
  return [
    `${c}/Program Files/Git/mingw64/bin/git-credential-manager.exe`,
    `${c}/Program Files/Git/mingw64/libexec/git-core/git-credential-manager.exe`,
    `${c}/Program Files (x86)/Git Credential Manager/git-credential-manager.exe`,
    `${c}/Program Files/Git Credential Manager/git-credential-manager.exe`,
    ...(profile ? [`${profile}/AppData/Local/Programs/Git Credential Manager/git-credential-manager.exe`] : []),
  ];
}

/** The first installed Git Credential Manager for Windows, or null. */
export async function findWindowsGcm(ctx: EngineContext, wsl: Wsl): Promise<string | null> {
  const fixed = windowsGcmCandidates(wsl, null);
  for (const candidate of fixed) if (await exists(candidate)) return candidate;
  const profile = await windowsProfile(ctx, wsl);
  for (const candidate of windowsGcmCandidates(wsl, profile).slice(fixed.length)) if (await exists(candidate)) return candidate;
  return null;
}

async function exists(file: string): Promise<boolean> {
  return access(file, constants.F_OK).then(
    () => true,
    () => false,
  );
}

const profiles = new WeakMap<EngineContext, Promise<string | null>>();

/**
 * The Windows user's profile folder as a WSL path ("/mnt/c/Users/jdoe"): where Git for Windows
 * keeps its global config and Windows' OpenSSH its keys. Asked from `cmd.exe /d /c echo
 * %USERPROFILE%`, started in a Windows folder (cmd.exe refuses a Linux working folder with "UNC
 * paths are not supported", microsoft/WSL#8259); null when interop is off or cmd.exe is missing.
 */
export function windowsProfile(ctx: EngineContext, wsl: Wsl): Promise<string | null> {
  let known = profiles.get(ctx);
  if (!known) profiles.set(ctx, (known = askProfile(ctx, wsl)));
  return known;
}

async function askProfile(ctx: EngineContext, wsl: Wsl): Promise<string | null> {
  const onPath = (ctx.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'cmd.exe'));
  let cmd: string | null = null;
  for (const candidate of [...onPath, `${wsl.mountRoot}c/Windows/System32/cmd.exe`]) {
    if (await exists(candidate)) {
      cmd = candidate;
      break;
    }
  }
  if (!cmd) return null;
  const cwd = (await exists(`${wsl.mountRoot}c`)) ? `${wsl.mountRoot}c` : ctx.homeDir;
  const result = await run(cmd, ['/d', '/c', 'echo %USERPROFILE%'], { env: nonInteractiveEnv(ctx.env), cwd, timeoutMs: Math.min(ctx.timeoutMs, 5000), signal: ctx.signal });
  if (result.exitCode !== 0) return null;
  const line = result.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^[A-Za-z]:\\/.test(l))
    .pop();
  return line ? wslPathOf(wsl, line) : null;
}

/**
 * A path as a credential.helper value: git runs an absolute helper path through the shell, so
 * spaces and parentheses are escaped with backslashes, as GCM's WSL guide writes
 * "/mnt/c/Program\ Files/Git/mingw64/bin/git-credential-manager.exe". Pure.
 */
export function helperValueForPath(program: string): string {
  return program.replace(/([\s()'"\\&;$`!*?[\]#~<>|{}])/g, '\\$1');
}

/** "/mnt/c/Users/jdoe/.ssh" → "C:\Users\jdoe\.ssh", or null outside the Windows drives. Pure. */
export function windowsPathOf(wsl: Wsl, wslPath: string): string | null {
  if (!wslPath.startsWith(wsl.mountRoot)) return null;
  const match = /^([a-z])(?:\/(.*))?$/i.exec(wslPath.slice(wsl.mountRoot.length));
  if (!match) return null;
  return `${match[1]!.toUpperCase()}:\\${(match[2] ?? '').split('/').filter(Boolean).join('\\')}`;
}

/** OpenSSH's default key names in the Windows profile's .ssh folder (Windows' own ssh uses them, WSL's does not). */
export async function windowsSshKeys(ctx: EngineContext, wsl: Wsl): Promise<string[]> {
  const profile = await windowsProfile(ctx, wsl);
  if (!profile) return [];
  const found: string[] = [];
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) if (await exists(path.join(profile, '.ssh', name))) found.push(path.join(profile, '.ssh', name));
  return found;
}
