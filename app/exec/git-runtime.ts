import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { GFW_CHILD_ENV_DEFAULTS, GFW_CHILD_PATH_DIRS, GFW_MINGW_PREFIXES, GFW_SHELL_CANDIDATES, GIT_SHELL_METACHARACTERS } from '../facts/windows.js';
import { envValue, nonInteractiveEnv, withEnv } from './env.js';
import { oncePerRun } from './once-per-run.js';
import { run, type RunOptions, type RunResult } from './run.js';
import { plainShellWords } from './shell-words.js';
import { joinPath } from './windows-tools.js';

/**
 * How git runs the commands it is configured with (GIT_SSH_COMMAND, core.sshCommand, GIT_SSH,
 * "ssh", credential helpers), reproduced for every caller in the engine: the same shell, the same
 * PATH, the same environment. On Linux and macOS that is /bin/sh and git's exec-path before the
 * user's PATH. On Windows it is Git for Windows' own sh.exe and its own `usr\bin` (so its own
 * ssh.exe), found from `git --exec-path`, never from the user's PATH (where `sh` is usually absent
 * and `ssh` is Windows' OpenSSH).
 */
export interface GitRuntime {
  platform: NodeJS.Platform;
  /** `git --exec-path`, or null when git could not be run. */
  execPath: string | null;
  /** Git for Windows: its install folder ("C:/Program Files/Git"), else null. */
  installRoot: string | null;
  /** The shell git runs shell commands with, or null when there is none (then see shellMissing). */
  shell: string | null;
  shellMissing: string | null;
  /** The folders git's children find programs in, in order. */
  path: string[];
  /** What git adds to its children's environment (PATH, and on Windows PLINK_PROTOCOL and HOME when unset). */
  env: NodeJS.ProcessEnv;
}

/** A command ready for run(), or why it cannot be run. */
export type Planned = { ok: true; file: string; args: string[]; viaShell: boolean } | { ok: false; reason: string };

const runtimes = new WeakMap<EngineContext, Promise<GitRuntime>>();

/** git's runtime for this context, worked out once (one `git --exec-path`). */
export function gitRuntime(ctx: EngineContext): Promise<GitRuntime> {
  let found = runtimes.get(ctx);
  if (!found) {
    // Once for every repository of a re-test, too (their contexts are copies of one run's).
    found = oncePerRun(ctx, ['git runtime'], () =>
      run('git', ['--exec-path'], { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs }).then((r) =>
        runtimeFor({ platform: ctx.platform, env: ctx.env, homeDir: ctx.homeDir, execPath: r.exitCode === 0 ? r.stdout.trim() || null : null }),
      ),
    );
    runtimes.set(ctx, found);
  }
  return found;
}

export interface RuntimeInputs {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  execPath: string | null;
}

/** The runtime for an exec-path: reads only whether the install's files exist. */
export async function runtimeFor(inputs: RuntimeInputs): Promise<GitRuntime> {
  const { platform, env, execPath } = inputs;
  // The PATH of this machine, read and written with its own separator (";" on Windows).
  const delimiter = path.delimiter;
  const userPath = (envValue(env, 'PATH', platform) ?? '').split(delimiter).filter(Boolean);
  if (platform !== 'win32') {
    const dirs = execPath ? [execPath, ...userPath] : userPath;
    return { platform, execPath, installRoot: null, shell: '/bin/sh', shellMissing: null, path: dirs, env: { PATH: dirs.join(delimiter) } };
  }
  const layout = execPath ? gitForWindowsLayout(execPath) : null;
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(GFW_CHILD_ENV_DEFAULTS)) if (envValue(env, name, platform) === undefined) childEnv[name] = value;
  const home = envValue(env, 'HOME', platform) || (await windowsHome(env));
  if (!envValue(env, 'HOME', platform) && home) childEnv.HOME = home;
  if (!layout) {
    const dirs = execPath ? [execPath, ...userPath] : userPath;
    const shellMissing = execPath
      ? `git's exec-path ${execPath} is not inside a Git for Windows installation, so its shell cannot be found`
      : 'git could not be run, so its shell cannot be found';
    return { platform, execPath, installRoot: null, shell: null, shellMissing, path: dirs, env: { ...childEnv, PATH: dirs.join(delimiter) } };
  }
  const own = GFW_CHILD_PATH_DIRS.map((dir) => (dir.startsWith('{home}') ? (home ? joinPath(home, dir.slice('{home}/'.length)) : null) : joinPath(layout.root, dir.replace('{prefix}', layout.prefix)))).filter(
    (d): d is string => d !== null,
  );
  const dirs = [execPath!, ...own, ...userPath];
  let shell: string | null = null;
  for (const candidate of GFW_SHELL_CANDIDATES) {
    const file = joinPath(layout.root, candidate);
    if (await isFile(file)) {
      shell = file;
      break;
    }
  }
  const shellMissing = shell ? null : `Git for Windows' shell is missing (looked for ${GFW_SHELL_CANDIDATES.map((c) => joinPath(layout.root, c)).join(' and ')})`;
  return { platform, execPath, installRoot: layout.root, shell, shellMissing, path: dirs, env: { ...childEnv, PATH: dirs.join(delimiter) } };
}

/** "C:/Program Files/Git/mingw64/libexec/git-core" → root "C:/Program Files/Git", prefix "mingw64". Pure. */
export function gitForWindowsLayout(execPath: string): { root: string; prefix: string } | null {
  const match = /^(.+?)[\\/]+([^\\/]+)[\\/]+libexec[\\/]+git-core[\\/]*$/.exec(execPath);
  if (!match || !GFW_MINGW_PREFIXES.includes(match[2]!.toLowerCase())) return null;
  return { root: match[1]!, prefix: match[2]! };
}

/** Git for Windows' HOME when unset: %HOMEDRIVE%%HOMEPATH% if that folder exists, else %USERPROFILE% (compat/mingw.c). */
async function windowsHome(env: NodeJS.ProcessEnv): Promise<string | null> {
  const drive = envValue(env, 'HOMEDRIVE', 'win32');
  const homePath = envValue(env, 'HOMEPATH', 'win32');
  if (drive && homePath && !/[\\/]system32[\\/]?$/i.test(homePath) && (await isDir(`${drive}${homePath}`))) return `${drive}${homePath}`;
  return envValue(env, 'USERPROFILE', 'win32') ?? null;
}

/** The environment git gives the commands it runs: the user's (non-interactive) plus git's additions. */
export function gitChildEnv(runtime: GitRuntime, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withEnv(env, runtime.env, runtime.platform);
}

/**
 * A command line git runs through its shell (GIT_SSH_COMMAND, core.sshCommand, credential helpers,
 * each with `args` after it), planned the way git does (run-command.c prepare_shell_cmd): a single
 * word without shell characters runs directly. A line of plain words (quotes and spaces only) also
 * runs directly, split exactly as sh would, so no shell is needed for it; anything else (variables,
 * `~`, `;`, functions) runs in git's shell.
 */
export async function planCommandLine(runtime: GitRuntime, line: string, args: readonly string[] = []): Promise<Planned> {
  if (line.trim() === '') return { ok: false, reason: 'the command is empty' };
  if (![...line].some((c) => GIT_SHELL_METACHARACTERS.includes(c))) return planProgram(runtime, line, args);
  const words = plainShellWords(line);
  // MSYS2's sh turns POSIX paths ("/c/Users/...") into Windows ones for Windows programs: keep that.
  const needsMsysPaths = runtime.platform === 'win32' && words?.some((w) => w.startsWith('/'));
  if (words && !needsMsysPaths) return planProgram(runtime, words[0]!, [...words.slice(1), ...args]);
  if (!runtime.shell) return { ok: false, reason: `"${line}" needs git's shell to run, and ${runtime.shellMissing ?? 'there is none'}` };
  return { ok: true, file: runtime.shell, args: ['-c', args.length ? `${line} "$@"` : line, line, ...args], viaShell: true };
}

/**
 * A program git runs without a shell (GIT_SSH, the default "ssh", `git credential-...`), found the
 * way git finds it: as written when it has a path, else on git's PATH (on Windows `name.exe`, then
 * `name`). A Windows program that is a script, not an .exe, runs through git's shell as git does.
 */
export async function planProgram(runtime: GitRuntime, program: string, args: readonly string[] = []): Promise<Planned> {
  const file = await findProgram(runtime, program);
  if (!file) return { ok: false, reason: hasDir(program, runtime.platform) ? `${program} does not exist` : `${program} was not found on git's PATH` };
  if (runtime.platform === 'win32' && !/\.(exe|com)$/i.test(file)) {
    if (!runtime.shell) return { ok: false, reason: `${file} is a script and needs git's shell, and ${runtime.shellMissing ?? 'there is none'}` };
    return { ok: true, file: runtime.shell, args: ['-c', '"$0" "$@"', file, ...args], viaShell: true };
  }
  return { ok: true, file, args: [...args], viaShell: false };
}

/** Where git would find `program`, or null. */
export async function findProgram(runtime: GitRuntime, program: string): Promise<string | null> {
  const names = runtime.platform === 'win32' && !/\.exe$/i.test(program) ? [`${program}.exe`, program] : [program];
  // A path is used as written (starting it reports a file that is not executable); a PATH search skips those, as execvp does.
  if (hasDir(program, runtime.platform)) {
    for (const name of names) if (await isFile(name)) return name;
    return null;
  }
  const usable = (file: string) => (runtime.platform === 'win32' ? isFile(file) : isExecutableFile(file));
  for (const dir of runtime.path) for (const name of names) if (await usable(joinPath(dir, name))) return joinPath(dir, name);
  return null;
}

/** A sibling of a program git runs (ssh-add beside ssh), or null. */
export async function siblingProgram(runtime: GitRuntime, program: string, sibling: string): Promise<string | null> {
  const dir = program.replace(/[\\/][^\\/]*$/, '');
  if (dir === program) return null;
  return findProgram({ ...runtime, path: [] }, joinPath(dir, runtime.platform === 'win32' ? `${sibling}.exe` : sibling));
}

/** Runs a planned command in git's environment; a plan that failed comes back as a spawn error. */
export async function runPlanned(runtime: GitRuntime, planned: Planned, options: RunOptions): Promise<RunResult> {
  if (!planned.ok) return { exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: planned.reason, durationMs: 0 };
  return run(planned.file, planned.args, { ...options, env: gitChildEnv(runtime, options.env) });
}

function hasDir(program: string, platform: NodeJS.Platform): boolean {
  return program.includes('/') || (platform === 'win32' && program.includes('\\'));
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function isExecutableFile(file: string): Promise<boolean> {
  if (!(await isFile(file))) return false;
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function isDir(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
