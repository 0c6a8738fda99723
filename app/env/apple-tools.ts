import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';
import {
  APPLE_GIT_STANDIN,
  APPLE_KEYCHAIN_FLAG,
  APPLE_KEYCHAIN_FLAG_OLD,
  APPLE_KEYCHAIN_FLAG_SINCE,
  APPLE_OPENSSH_LIBRARY,
  APPLE_TOOLS_DIR,
  DEVELOPER_DIR_GIT,
  INSTALL_DEVELOPER_TOOLS_COMMAND,
  XCODE_SELECT,
} from '../facts/macos.js';
import { findProgram } from './program-path.js';

/**
 * Telling Apple's command line tools from Homebrew's (or anyone else's) on macOS: Apple-only
 * switches (`ssh-add --apple-use-keychain`, `UseKeychain`) only with Apple's ssh, and Apple's git
 * stand-in never run when it would open the developer tools installer.
 */

/** Where Apple's own tools are: /usr/bin (the test seam `appleToolsDir` lets tests lay out a fake one). */
export function appleToolsDir(ctx: Pick<EngineContext, 'appleToolsDir'>): string {
  return ctx.appleToolsDir ?? APPLE_TOOLS_DIR;
}

/** A path with its symlinks resolved (as findProgram returns them), or as it is when it does not exist. */
const real = (file: string) => realpath(file).catch(() => file);

export interface OpenSshVersion {
  major: number;
  minor: number;
  /** "p1" of 9.8p1, or null. */
  portable: number | null;
  /** The crypto library named after the comma: "LibreSSL", "OpenSSL", or null ("without OpenSSL", other). */
  library: string | null;
}

/** `ssh -V`: "OpenSSH_9.8p1, LibreSSL 3.3.6" → 9.8, p1, LibreSSL. Null for anything that is not OpenSSH. Pure. */
export function parseSshVersion(banner: string): OpenSshVersion | null {
  const match = /OpenSSH_(?:for_Windows_)?(\d+)\.(\d+)(?:p(\d+))?[^,\n]*(?:,\s*(LibreSSL|OpenSSL)\b)?/.exec(banner);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), portable: match[3] ? Number(match[3]) : null, library: match[4] ?? null };
}

export interface OpenSshBuild {
  /** The file that runs (symlinks resolved), or null when it is not found. */
  program: string | null;
  /** The first line of `ssh -V`, or null. */
  banner: string | null;
  version: OpenSshVersion | null;
  /** Apple's build: on macOS, in Apple's tool folder, and built with LibreSSL like Apple builds it. */
  apple: boolean;
  /** One line for plans and evidence. */
  summary: string;
}

/**
 * Which OpenSSH this is: `program` (a name looked up on the context's PATH, or a path) and its
 * `-V`. `sshOf` names the ssh whose banner to read when `program` is a sibling without `-V`
 * (ssh-add, ssh-keygen): the ssh in the same folder.
 */
export async function inspectOpenSsh(ctx: EngineContext, program: string): Promise<OpenSshBuild> {
  const found = await findProgram(program, ctx.env, ctx.homeDir);
  if (!found) return { program: null, banner: null, version: null, apple: false, summary: `${program} was not found` };
  const name = path.basename(found);
  const ssh = name === 'ssh' ? found : path.join(path.dirname(found), 'ssh');
  const result = await run(ssh, ['-V'], { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  // ssh -V writes to stderr; read both.
  const banner = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? null;
  const version = banner ? parseSshVersion(banner) : null;
  const apple = ctx.platform === 'darwin' && path.dirname(found) === (await real(appleToolsDir(ctx))) && version?.library === APPLE_OPENSSH_LIBRARY;
  const summary = `${found}${banner ? ` (${banner})` : ''}${ctx.platform === 'darwin' ? (apple ? ": Apple's OpenSSH" : ": not Apple's OpenSSH") : ''}`;
  return { program: found, banner, version, apple, summary };
}

/** The switch that makes Apple's ssh-add keep the passphrase in the login keychain; null for any other ssh-add. */
export function appleKeychainFlag(build: OpenSshBuild): string | null {
  if (!build.apple || !build.version) return null;
  const { major, minor } = build.version;
  const since = APPLE_KEYCHAIN_FLAG_SINCE;
  return major > since.major || (major === since.major && minor >= since.minor) ? APPLE_KEYCHAIN_FLAG : APPLE_KEYCHAIN_FLAG_OLD;
}

const standInChecks = new WeakMap<EngineContext, Promise<string | null>>();

/**
 * On macOS, why the git on PATH must not be run, or null: Apple's /usr/bin/git only stands in for
 * the developer tools, and when they are not installed running it opens Apple's installer dialog.
 * `xcode-select -p` (which never opens it) names the developer folder; its usr/bin/git must exist.
 * Once per engine context; nothing is run on other systems.
 */
export function appleGitStandInProblem(ctx: EngineContext): Promise<string | null> {
  if (ctx.platform !== 'darwin') return Promise.resolve(null);
  let known = standInChecks.get(ctx);
  if (!known) {
    known = checkStandIn(ctx);
    standInChecks.set(ctx, known);
  }
  return known;
}

async function checkStandIn(ctx: EngineContext): Promise<string | null> {
  const dir = appleToolsDir(ctx);
  const standIn = path.join(dir, APPLE_GIT_STANDIN);
  if ((await findProgram('git', ctx.env, ctx.homeDir)) !== (await real(standIn))) return null;
  const selected = await run(path.join(dir, XCODE_SELECT), ['-p'], { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const developerDir = selected.exitCode === 0 ? selected.stdout.trim() : '';
  if (developerDir && (await findProgram(path.join(developerDir, DEVELOPER_DIR_GIT), ctx.env, ctx.homeDir))) return null;
  const said = `${selected.stderr}\n${selected.stdout}`.split('\n').map((l) => l.trim()).find(Boolean) ?? selected.spawnError ?? `exit code ${selected.exitCode}`;
  const why = developerDir ? `the developer folder ${developerDir} has no git` : `xcode-select -p: ${said}`;
  return `git on this Mac is Apple's ${standIn}, which only stands in for the Command Line Tools, and they are not installed (${why}); running it would open Apple's installer. Install them with "${INSTALL_DEVELOPER_TOOLS_COMMAND}" or install git from Homebrew, then try again.`;
}
