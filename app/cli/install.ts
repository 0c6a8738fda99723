import { randomBytes } from 'node:crypto';
import { access, constants, lstat, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { shellQuote } from './format-report.js';

/**
 * "Install command line tool…" of the desktop app, the way well-known editors offer it: a
 * `push-doctor` link on the user's PATH to the launcher inside the installed app
 * (resources/cli/push-doctor, which runs the app's binary as `--cli`). What is decided here (where,
 * create / replace / refuse, on the PATH or not) is pure; installCommandLineTool does the file work;
 * main only shows describeCliInstall's words.
 */

export const COMMAND_NAME = 'push-doctor';
/** macOS: the folder tried first, when the user may write there (Homebrew on Intel Macs makes it theirs). */
export const SHARED_BIN_DIR = '/usr/local/bin';

export interface CliInstallRequest {
  platform: NodeJS.Platform;
  homeDir: string;
  /** The PATH a new terminal gets: the login shell's, for the app. */
  pathVariable: string | undefined;
  /** The launcher in the installed app (resources/cli/push-doctor, or push-doctor.cmd); null when running from source. */
  launcher: string | null;
  /** $APPIMAGE: the app runs from this AppImage, which is mounted in a new place at every start. */
  appImage?: string | undefined;
  /** macOS: tried before ~/.local/bin (default /usr/local/bin). */
  sharedBinDir?: string;
}

/** What is at the link's place now. */
export type ExistingEntry = { type: 'none' } | { type: 'link'; target: string } | { type: 'file' } | { type: 'folder' };

export type CliInstallOutcome =
  | { kind: 'installed'; link: string; launcher: string; replaced: string | null; onPath: boolean; shadowedBy: string | null }
  | { kind: 'already-installed'; link: string; launcher: string; onPath: boolean; shadowedBy: string | null }
  | { kind: 'refused'; link: string; launcher: string; existing: Exclude<ExistingEntry, { type: 'none' }> }
  | { kind: 'failed'; link: string; launcher: string; error: string }
  | { kind: 'windows'; launcher: string; onPath: boolean }
  | { kind: 'not-packaged' }
  | { kind: 'appimage'; appImage: string }
  | { kind: 'not-in-place'; launcher: string };

export type LinkDecision = 'create' | 'replace' | 'keep' | 'refuse';

// ─── Decisions (pure) ─────────────────────────────────────────────────────────────────────────────

/** The folder the link goes in: ~/.local/bin (the XDG user folder for commands); on macOS the shared folder first, when writable. */
export function binFolderFor(platform: NodeJS.Platform, homeDir: string, sharedWritable: boolean, sharedBinDir = SHARED_BIN_DIR): string {
  if (platform === 'darwin' && sharedWritable) return sharedBinDir;
  return path.join(homeDir, '.local', 'bin');
}

/**
 * A link this app made (now or by an older or moved copy of it): it points at a launcher inside a
 * Push Doctor app, `…/Contents/Resources/cli/push-doctor` (macOS) or `…/resources/cli/push-doctor`.
 * Anything else, the npm package's `push-doctor` included, is the user's.
 */
export function isOwnLink(target: string): boolean {
  return /(^|[/\\])(Contents[/\\]Resources|resources)[/\\]cli[/\\]push-doctor$/.test(target);
}

/** Create where nothing is, keep a link to this launcher, replace only our own link, and refuse everything else. */
export function decideLink(existing: ExistingEntry, launcher: string): LinkDecision {
  if (existing.type === 'none') return 'create';
  if (existing.type !== 'link' || !isOwnLink(existing.target)) return 'refuse';
  return existing.target === launcher ? 'keep' : 'replace';
}

/** The PATH's folders in order, as the shell searches them (empty entries and `~/` expanded like bash does). */
export function pathEntries(pathVariable: string | undefined, platform: NodeJS.Platform, homeDir: string): string[] {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  return (pathVariable ?? '')
    .split(platform === 'win32' ? ';' : ':')
    .map((entry) => entry.trim().replace(/^"(.*)"$/, '$1'))
    .filter((entry) => entry.length > 0)
    .map((entry) => (platform !== 'win32' && entry.startsWith('~/') ? paths.join(homeDir, entry.slice(2)) : entry))
    .map((entry) => paths.normalize(entry).replace(/(.)[/\\]+$/, '$1'));
}

export function isOnPath(folder: string, pathVariable: string | undefined, platform: NodeJS.Platform, homeDir: string): boolean {
  const key = (p: string) => (platform === 'win32' ? p.toLowerCase() : p);
  const wanted = key((platform === 'win32' ? path.win32 : path.posix).normalize(folder).replace(/(.)[/\\]+$/, '$1'));
  return pathEntries(pathVariable, platform, homeDir).some((entry) => key(entry) === wanted);
}

/** macOS runs an app straight from its disk image, or from a read-only copy (App Translocation) until it is moved: a link there would break. */
export function launcherOutOfPlace(launcher: string): boolean {
  return launcher.startsWith('/Volumes/') || launcher.includes('/AppTranslocation/');
}

// ─── The install ──────────────────────────────────────────────────────────────────────────────────

export async function installCommandLineTool(request: CliInstallRequest): Promise<CliInstallOutcome> {
  const { platform, homeDir, launcher } = request;
  if (platform === 'linux' && request.appImage) return { kind: 'appimage', appImage: request.appImage };
  if (!launcher) return { kind: 'not-packaged' };
  if (platform === 'win32') return { kind: 'windows', launcher, onPath: isOnPath(path.win32.dirname(launcher), request.pathVariable, platform, homeDir) };
  if (platform === 'darwin' && launcherOutOfPlace(launcher)) return { kind: 'not-in-place', launcher };

  const sharedBinDir = request.sharedBinDir ?? SHARED_BIN_DIR;
  const folder = binFolderFor(platform, homeDir, platform === 'darwin' && (await writable(sharedBinDir)), sharedBinDir);
  const link = path.join(folder, COMMAND_NAME);
  const failed = (error: unknown): CliInstallOutcome => ({ kind: 'failed', link, launcher, error: error instanceof Error ? error.message : String(error) });
  if (!(await executable(launcher))) return failed(new Error(`the app's launcher is missing or not executable: ${launcher}`));

  const existing = await existingEntry(link);
  const decision = decideLink(existing, launcher);
  if (decision === 'refuse') return { kind: 'refused', link, launcher, existing: existing as Exclude<ExistingEntry, { type: 'none' }> };
  const where = async () => ({ onPath: isOnPath(folder, request.pathVariable, platform, homeDir), shadowedBy: await shadowingCommand(folder, request, link) });
  if (decision === 'keep') return { kind: 'already-installed', link, launcher, ...(await where()) };

  try {
    await mkdir(folder, { recursive: true });
    if (decision === 'create') {
      // symlink fails (EEXIST) rather than replace whatever appeared there in the meantime.
      await symlink(launcher, link);
    } else {
      // Our old link (an older or moved app) is replaced in one step: a new link renamed over it.
      const temporary = path.join(folder, `.${COMMAND_NAME}-${randomBytes(6).toString('hex')}`);
      await symlink(launcher, temporary);
      await rename(temporary, link).catch(async (error: unknown) => {
        await rm(temporary, { force: true });
        throw error;
      });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const now = await existingEntry(link);
      if (now.type !== 'none') return { kind: 'refused', link, launcher, existing: now };
    }
    return failed(error);
  }
  return { kind: 'installed', link, launcher, replaced: decision === 'replace' && existing.type === 'link' ? existing.target : null, ...(await where()) };
}

async function existingEntry(file: string): Promise<ExistingEntry> {
  try {
    const stats = await lstat(file);
    if (stats.isSymbolicLink()) return { type: 'link', target: path.resolve(path.dirname(file), await readlink(file)) };
    return stats.isDirectory() ? { type: 'folder' } : { type: 'file' };
  } catch {
    return { type: 'none' };
  }
}

async function writable(folder: string): Promise<boolean> {
  return access(folder, constants.W_OK).then(
    () => true,
    () => false,
  );
}

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Another push-doctor that a terminal finds before ours (the npm package's, say), or null. */
async function shadowingCommand(folder: string, request: CliInstallRequest, link: string): Promise<string | null> {
  for (const entry of pathEntries(request.pathVariable, request.platform, request.homeDir)) {
    if (entry === folder) return null;
    const candidate = path.join(entry, COMMAND_NAME);
    if (candidate !== link && (await executable(candidate))) return candidate;
  }
  return null;
}

// ─── What the app tells the user (pure) ───────────────────────────────────────────────────────────

export interface CliInstallMessage {
  /** Something the user should act on (a warning rather than information). */
  warning: boolean;
  title: string;
  message: string;
  detail: string;
}

const NPM_PACKAGE = 'npx bitbucket-push-doctor diagnose (the npm package, with Node.js 20.12 or later)';

export function describeCliInstall(outcome: CliInstallOutcome): CliInstallMessage {
  switch (outcome.kind) {
    case 'installed':
    case 'already-installed': {
      const folder = path.dirname(outcome.link);
      const lines = [
        ...(outcome.kind === 'installed' && outcome.replaced ? [`It replaces the link to ${outcome.replaced}.`] : []),
        ...(outcome.onPath ? [] : notOnPath(folder)),
        ...(outcome.shadowedBy ? [`Another push-doctor comes first on your PATH: ${outcome.shadowedBy}. A terminal runs that one until you remove it or put ${folder} before its folder.`] : []),
        ...(outcome.onPath && !outcome.shadowedBy ? ['Open a new terminal and run: push-doctor diagnose'] : []),
      ];
      return {
        warning: !outcome.onPath || outcome.shadowedBy !== null,
        title: 'Command line tool',
        message: outcome.kind === 'installed' ? `push-doctor is installed in ${folder}.` : `push-doctor is already installed in ${folder}.`,
        detail: lines.join('\n\n'),
      };
    }
    case 'refused':
      return {
        warning: true,
        title: 'Command line tool',
        message: `There is already a push-doctor in ${path.dirname(outcome.link)} that Push Doctor did not make; it is left as it is.`,
        detail: [
          `${outcome.link} is ${outcome.existing.type === 'link' ? `a link to ${outcome.existing.target}` : `a ${outcome.existing.type}`}.`,
          'Remove it and try again to use the app’s command there, or run the app’s command directly:',
          `${shellQuote(outcome.launcher)} diagnose`,
        ].join('\n'),
      };
    case 'failed':
      return {
        warning: true,
        title: 'Command line tool',
        message: `Push Doctor could not create ${outcome.link}: ${outcome.error}.`,
        detail: `You can make the link yourself in a terminal:\nln -s ${shellQuote(outcome.launcher)} ${shellQuote(outcome.link)}`,
      };
    case 'windows': {
      const folder = path.win32.dirname(outcome.launcher);
      return {
        warning: false,
        title: 'Command line tool',
        message: `The command line tool is ${outcome.launcher}.`,
        detail: [
          outcome.onPath
            ? 'Its folder is on your PATH: open a new terminal and run push-doctor diagnose.'
            : `To run it as push-doctor in any terminal, add ${folder} to your PATH (Start → “Edit environment variables for your account” → Path).`,
          'It shows its output in the Command Prompt or PowerShell window it runs in, but it cannot read answers typed there (use --yes with fix).',
          `For scripts and CI on Windows use ${NPM_PACKAGE}.`,
        ].join('\n\n'),
      };
    }
    case 'not-packaged':
      return {
        warning: true,
        title: 'Command line tool',
        message: 'The command line tool is installed only from the installed app.',
        detail: 'This app runs from its source folder: there, run npx push-doctor diagnose (or npm link to put push-doctor on your PATH).',
      };
    case 'appimage':
      return {
        warning: true,
        title: 'Command line tool',
        message: 'An AppImage is mounted in a new place every time it starts, so a link to its command would break.',
        detail: [
          `Run the command through the AppImage: ${shellQuote(outcome.appImage)} --cli -- diagnose`,
          `or add an alias to your shell profile: alias push-doctor=${shellQuote(`${shellQuote(outcome.appImage)} --cli --`)}`,
          `The deb package installs a command that can be linked, and there is ${NPM_PACKAGE}.`,
        ].join('\n\n'),
      };
    case 'not-in-place':
      return {
        warning: true,
        title: 'Command line tool',
        message: 'Move Bitbucket Push Doctor to your Applications folder first.',
        detail: `It runs from ${outcome.launcher.includes('/AppTranslocation/') ? 'a temporary copy macOS made of it' : 'its disk image'}, and a link there would break. Open it from Applications, then choose Install command line tool again.`,
      };
  }
}

function notOnPath(folder: string): string[] {
  const home = folder.endsWith('/.local/bin');
  return [
    `${folder} is not on your PATH yet. Add this line to your shell’s profile (~/.zprofile for zsh, ~/.profile or ~/.bash_profile for bash), then open a new terminal:`,
    `export PATH="${home ? '$HOME/.local/bin' : folder}:$PATH"`,
    ...(home ? ['(Debian’s and Ubuntu’s ~/.profile already adds ~/.local/bin at your next login, now that the folder exists.)'] : []),
  ];
}
