import { spawn } from 'node:child_process';
import { TASKKILL_TREE_ARGS } from '../facts/windows.js';
import { systemTool } from './windows-tools.js';

export interface RunOptions {
  /** Full environment of the child (build it with the env helpers; nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Hard limit; the whole process group is killed when it passes. */
  timeoutMs: number;
  /** Written to stdin, which is then closed. Without it stdin is closed from the start. */
  input?: string;
  /**
   * Extra data readable by the child on file descriptor 3 (then closed). Used to hand a secret to a
   * helper process without argv, environment or disk.
   */
  fd3?: string;
  /** Cancels the command (the process group is killed). */
  signal?: AbortSignal;
}

export interface RunResult {
  /** Exit code, or null when the process was killed or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command could not be started (ENOENT, EACCES...): its message. */
  spawnError: string | null;
  durationMs: number;
}

/** Output kept per stream: a runaway command cannot exhaust memory. */
export const MAX_OUTPUT = 2 * 1024 * 1024;
/** After SIGTERM, how long a process group gets before SIGKILL. */
const KILL_GRACE_MS = 500;
/** Process groups of the commands still running, so that a program being interrupted can end them. */
const running = new Set<number>();

/**
 * Kills every command still running (each whole process group). A program that is interrupted
 * (Ctrl-C on the CLI) calls it before exiting: the children run in their own sessions, so the
 * terminal's signal never reaches them, and a git waiting on a silent server would wait forever.
 */
export function stopAllCommands(): void {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
}

/**
 * Runs a command without a shell and without a terminal: the child gets its own session
 * (`detached`), so ssh or git can never open /dev/tty to prompt, and on timeout the whole process
 * tree (git → ssh → helpers) is ended: the process group on Linux and macOS, `taskkill /T` on
 * Windows. Never throws: failures are in the result.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    // Cancelled before it started (a later step of a cancelled diagnosis): nothing to run.
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '', timedOut: false, spawnError: null, durationMs: 0 });
      return;
    }
    const stdio: Array<'pipe' | 'ignore'> = ['pipe', 'pipe', 'pipe'];
    if (options.fd3 !== undefined) stdio.push('pipe');
    let child;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio,
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      resolve(failed(error, started));
      return;
    }

    const pid = child.pid;
    if (pid !== undefined) running.add(pid);

    const out = new BoundedOutput(MAX_OUTPUT);
    const err = new BoundedOutput(MAX_OUTPUT);
    child.stdout?.on('data', (chunk: Buffer) => out.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.add(chunk));

    // A child that exits without reading its input must not crash us with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
    if (options.fd3 !== undefined) {
      const fd3 = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
      fd3.on('error', () => {});
      fd3.end(options.fd3);
    }

    let timedOut = false;
    let spawnError: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (process.platform === 'win32') {
        // Windows has no process groups: end the tree while its root still exists (taskkill finds
        // the children through their parent), then the root itself should taskkill be unavailable.
        void killTree(child.pid, options.env).then(() => killGroup(child.pid, 'SIGKILL'));
        return;
      }
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = () => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (code, signal) => {
      if (pid !== undefined) running.delete(pid);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // The direct child is gone; make sure nothing it started lingers either (POSIX: its group
      // outlives it; Windows: the tree was ended before the root).
      if ((timedOut || options.signal?.aborted) && process.platform !== 'win32') killGroup(child.pid, 'SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      resolve({
        exitCode: spawnError === null ? code : null,
        signal,
        stdout: out.text(),
        stderr: err.text(),
        timedOut,
        spawnError,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}

/** The command that ends a process and every process below it on Windows. Pure. */
export function treeKillCommand(pid: number, env: NodeJS.ProcessEnv): { file: string; args: string[] } {
  return { file: systemTool(env, 'taskkill'), args: TASKKILL_TREE_ARGS(pid) };
}

/** Windows: `taskkill /T /F /PID`, resolved when it has finished (or could not start). */
function killTree(pid: number | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  if (pid === undefined) return Promise.resolve();
  const { file, args } = treeKillCommand(pid, { ...process.env, ...env });
  return new Promise((resolve) => {
    try {
      const killer = spawn(file, args, { stdio: 'ignore', windowsHide: true });
      killer.on('error', () => resolve());
      killer.on('close', () => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * A stream's output within a byte budget: its first half and its last half. The start says what the
 * program is, the end is where programs print why they failed; the middle of a flood is dropped.
 */
export class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const half = Math.floor(this.limit / 2);
    if (this.headBytes < half) {
      const taken = chunk.subarray(0, half - this.headBytes);
      this.head.push(taken);
      this.headBytes += taken.length;
      chunk = chunk.subarray(taken.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes > this.limit - half) {
      const excess = this.tailBytes - (this.limit - half);
      const first = this.tail[0]!;
      const cut = Math.min(excess, first.length);
      if (cut === first.length) this.tail.shift();
      else this.tail[0] = first.subarray(cut);
      this.tailBytes -= cut;
      this.dropped += cut;
    }
  }

  text(): string {
    const gap = this.dropped > 0 ? `\n[… ${this.dropped} bytes of output left out …]\n` : '';
    return `${Buffer.concat(this.head).toString('utf8')}${gap}${Buffer.concat(this.tail).toString('utf8')}`;
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function failed(error: unknown, started: number): RunResult {
  return {
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    timedOut: false,
    spawnError: error instanceof Error ? error.message : String(error),
    durationMs: Math.round(performance.now() - started),
  };
}
