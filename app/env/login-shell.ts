import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ENV_PROGRAM, LOGIN_SHELL_TIMEOUT_MS, RESOLVING_ENVIRONMENT_VARIABLE } from '../facts/macos.js';
import { redactOpaque } from '../secrets/redact.js';

/**
 * The user's login-shell environment, for an app started from Finder, the Dock, Spotlight or a
 * desktop launcher: those get launchd's (or the session's) minimal environment, so git, ssh, the
 * credential helpers and the agent would not be the ones the user's terminal finds (Homebrew's
 * git and ssh, SSH_AUTH_SOCK of an agent started in a profile, GIT_* and proxy variables).
 *
 * Like well-known editors do it: run the user's shell as an interactive login shell once, let it
 * print its environment between two random markers, and merge that over the process's own. It
 * needs nothing but the shell and /usr/bin/env (the app's own binary cannot print it: Electron's
 * RunAsNode fuse is off). Bounded (10 s), never on Windows, never when started from a terminal.
 * Plain Node, so the engine's tests drive it for real.
 */

export interface LoginShellOptions {
  /** The process's own environment (what Finder or the launcher gave the app). */
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Standard input is a terminal: started from a shell, whose environment the app already has. */
  stdinIsTerminal: boolean;
  /** The shell to run (default: $SHELL when it is an absolute path, else the password database's). */
  shell?: string;
  timeoutMs?: number;
}

export type LoginShellOutcome =
  | { kind: 'resolved'; shell: string; durationMs: number; changed: string[] }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; shell: string; durationMs: number; reason: string };

export interface UserEnvironment {
  /** The environment git, ssh and the helpers should run with: the process's, with the shell's merged over it. */
  env: NodeJS.ProcessEnv;
  outcome: LoginShellOutcome;
}

/**
 * Variables that describe the shell process itself, not the user's setup. XDG_RUNTIME_DIR belongs to
 * the session the app runs in (the editor keeps its own too).
 */
const SHELL_SESSION_VARIABLES = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD', RESOLVING_ENVIRONMENT_VARIABLE, 'XDG_RUNTIME_DIR']);

/** Why the login shell should not be asked, or null. */
export function reasonNotToResolve(options: Pick<LoginShellOptions, 'env' | 'platform' | 'stdinIsTerminal'>): string | null {
  if (options.platform === 'win32') return 'Windows programs get their environment from the system, not from a login shell';
  if (options.env[RESOLVING_ENVIRONMENT_VARIABLE]) return `started from a login shell that is resolving the environment (${RESOLVING_ENVIRONMENT_VARIABLE} is set)`;
  // A shell sets SHLVL; terminals set TERM_PROGRAM: the environment already went through the profile.
  if (options.stdinIsTerminal || options.env.SHLVL !== undefined || options.env.TERM_PROGRAM !== undefined) return 'started from a terminal, whose environment the app already has';
  return null;
}

/** The shell to run: $SHELL when it is an absolute path, else the password database's. */
export function userShell(env: NodeJS.ProcessEnv): string | null {
  if (env.SHELL && path.isAbsolute(env.SHELL)) return env.SHELL;
  try {
    const fromPasswd = os.userInfo().shell;
    return fromPasswd && path.isAbsolute(fromPasswd) ? fromPasswd : null;
  } catch {
    return null;
  }
}

/**
 * The arguments that make `shell` an interactive login shell running `command`. tcsh and csh take
 * `-l` only as their sole flag, so they run interactive (which reads ~/.tcshrc / ~/.cshrc);
 * PowerShell spells it -Login; everything else (sh, bash, zsh, ksh, fish, dash) takes -i -l -c.
 */
export function loginShellArgs(shell: string, command: string): string[] {
  const name = path.basename(shell);
  if (name === 'tcsh' || name === 'csh') return ['-i', '-c', command];
  if (/^pwsh(-preview)?$/.test(name)) return ['-Login', '-Command', command];
  return ['-i', '-l', '-c', command];
}

/**
 * The command the shell runs: the marker, the environment, the marker. `env -0` separates variables
 * with NUL (values may contain newlines); an env without `-0` (older macOS) prints one per line.
 * Absolute paths: an alias or function named env cannot answer instead. No quotes, no `$`: the same
 * text works in sh, csh, fish and PowerShell.
 */
export function printEnvironmentCommand(marker: string): string {
  return `/usr/bin/printf ${marker}; ${ENV_PROGRAM} -0 || ${ENV_PROGRAM}; /usr/bin/printf ${marker}`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The variables printed between the two markers, or null when the output does not hold both (the
 * shell failed or exited before). Whatever the profile printed around them is ignored.
 */
export function parseEnvironmentOutput(stdout: string, marker: string): Record<string, string> | null {
  const start = stdout.indexOf(marker);
  if (start < 0) return null;
  const end = stdout.indexOf(marker, start + marker.length);
  if (end < 0) return null;
  const body = stdout.slice(start + marker.length, end);
  const entries: string[] = [];
  if (body.includes('\0')) {
    entries.push(...body.split('\0').filter((e) => e.length > 0));
  } else {
    // One variable per line: a line that does not start with NAME= continues the previous value.
    for (const line of body.replace(/\n$/, '').split('\n')) {
      if (NAME.test(line) || entries.length === 0) entries.push(line);
      else entries[entries.length - 1] += `\n${line}`;
    }
  }
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The process's environment with the shell's over it; the names of the variables that changed (never their values). */
export function mergeEnvironment(base: NodeJS.ProcessEnv, fromShell: Record<string, string>): { env: NodeJS.ProcessEnv; changed: string[] } {
  const env: NodeJS.ProcessEnv = { ...base };
  const changed: string[] = [];
  for (const [name, value] of Object.entries(fromShell)) {
    if (SHELL_SESSION_VARIABLES.has(name)) continue;
    if (name === 'PATH' && value.trim() === '') continue;
    if (env[name] !== value) changed.push(name);
    env[name] = value;
  }
  return { env, changed: changed.sort() };
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface ShellRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  spawnError: string | null;
}

/**
 * Runs the shell in its own session (no controlling terminal, so nothing in a profile can prompt;
 * stdin is /dev/null, so a `read` returns at once) and ends as soon as the closing marker arrived
 * and the shell exited: something a profile started in the background may keep the output pipe
 * open, and must not hold the app's start. On timeout the shell's whole process group is killed.
 */
function runShell(shell: string, args: string[], env: NodeJS.ProcessEnv, marker: string, timeoutMs: number): Promise<ShellRun> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(shell, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd: env.HOME && path.isAbsolute(env.HOME) ? env.HOME : undefined });
    } catch (error) {
      resolve({ stdout: '', stderr: '', exitCode: null, timedOut: false, spawnError: (error as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode: number | null = null;
    let exited = false;
    let settled = false;
    const finish = (extra: Partial<ShellRun>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode, timedOut: false, spawnError: null, ...extra });
    };
    const complete = () => {
      const text = Buffer.concat(out).toString('utf8');
      const first = text.indexOf(marker);
      return first >= 0 && text.indexOf(marker, first + marker.length) >= 0;
    };
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      finish({ timedOut: true });
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (exited && complete()) finish({});
    });
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => finish({ spawnError: error.message }));
    child.on('exit', (code) => {
      exited = true;
      exitCode = code;
      if (complete()) finish({});
    });
    child.on('close', () => finish({}));
  });
}

/** What an interactive shell without a terminal always says; not a reason. */
const NO_TERMINAL_NOISE = /no job control in this shell|cannot set terminal process group|Inappropriate ioctl for device|can't access tty/i;

/**
 * The last line the shell wrote on stderr, for the reason of a failure (profiles may print anything;
 * keep it short). It goes to the app's log, and a profile's error may quote a secret (bash names the
 * token of a mistyped `export TOKEN= value` as a bad identifier): masked, like every secret shown.
 */
function lastLine(text: string): string | null {
  const line = text.split('\n').map((l) => l.trim()).filter((l) => l && !NO_TERMINAL_NOISE.test(l)).pop();
  return line ? redactOpaque(line).slice(0, 200) : null;
}

/**
 * Runs the user's login shell once and returns the environment to use. Never throws: when the shell
 * is missing, fails, prints nothing usable or takes longer than the limit, the process's own
 * environment is kept and the outcome says why.
 */
export async function resolveLoginShellEnvironment(options: LoginShellOptions): Promise<UserEnvironment> {
  const skip = reasonNotToResolve(options);
  if (skip) return { env: options.env, outcome: { kind: 'skipped', reason: skip } };
  const shell = options.shell ?? userShell(options.env);
  if (!shell) return { env: options.env, outcome: { kind: 'skipped', reason: 'no login shell is known ($SHELL is not set and the password database names none)' } };
  const timeoutMs = options.timeoutMs ?? LOGIN_SHELL_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (reason: string): UserEnvironment => ({ env: options.env, outcome: { kind: 'failed', shell, durationMs: elapsed(), reason } });

  if (!(await isExecutable(shell))) return failed(`${shell} does not exist or is not executable`);
  const marker = randomBytes(12).toString('hex');
  const result = await runShell(shell, loginShellArgs(shell, printEnvironmentCommand(marker)), { ...options.env, [RESOLVING_ENVIRONMENT_VARIABLE]: '1' }, marker, timeoutMs);
  if (result.spawnError) return failed(`${shell} could not be started: ${result.spawnError}`);
  if (result.timedOut) return failed(`${shell} did not finish within ${timeoutMs / 1000} s (a profile that waits for something?)`);
  const fromShell = parseEnvironmentOutput(result.stdout, marker);
  if (!fromShell || Object.keys(fromShell).length === 0) {
    const said = lastLine(result.stderr);
    return failed(`${shell} exited${result.exitCode !== null ? ` with code ${result.exitCode}` : ''} without printing its environment${said ? ` (it said: ${said})` : ''}`);
  }
  const merged = mergeEnvironment(options.env, fromShell);
  return { env: merged.env, outcome: { kind: 'resolved', shell, durationMs: elapsed(), changed: merged.changed } };
}

/** One line for the app's log: which shell, how long, which variables (names only: values may be secrets). */
export function describeOutcome(outcome: LoginShellOutcome): string {
  switch (outcome.kind) {
    case 'resolved':
      return `environment of the login shell ${outcome.shell} in ${outcome.durationMs} ms${outcome.changed.length ? ` (${outcome.changed.join(', ')})` : ' (nothing new)'}`;
    case 'skipped':
      return `login shell not asked: ${outcome.reason}`;
    case 'failed':
      return `login shell environment not used, the app's own is: ${outcome.reason}`;
  }
}
