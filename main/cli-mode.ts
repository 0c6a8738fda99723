// The desktop app's binary started as `push-doctor` (cli-args.ts says when): the packaged Electron
// cannot run as Node (the RunAsNode fuse is off), so main itself runs the engine's CLI, with no
// window, no tray, no single-instance lock, and exits with the CLI's status.
import { app } from 'electron';
import type { CliIo } from '../app/cli/io.js';
import { runCliProcess } from '../app/cli/process.js';

export interface CliModeOptions {
  /** Where the CLI reads and writes (default: this process's streams, environment and folder). */
  io?: CliIo;
  platform?: NodeJS.Platform;
}

/**
 * Runs `push-doctor ARGS` in the Electron main process and exits with its status (0 pushing works or
 * applied, 1 a problem, 2 bad input). Creates nothing visible: on macOS the process may not even show
 * a Dock icon or open a window ('prohibited'). Returns the status (the process is ending).
 */
export async function runCliMode(args: string[], options: CliModeOptions = {}): Promise<number> {
  if ((options.platform ?? process.platform) === 'darwin') app.setActivationPolicy('prohibited');
  const io = options.io ?? { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
  let status: number;
  try {
    status = await runCliProcess(args, io);
  } catch (error) {
    // runCli turns every error into a line and a status; this is for a failure to even load it.
    io.stderr.write(`push-doctor: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    status = 1;
  }
  // app.exit ends the process at once: let what the CLI wrote reach the terminal or the pipe first.
  await Promise.all([drained(io.stdout), drained(io.stderr)]);
  app.exit(status);
  return status;
}

/** Resolves once everything written to the stream so far has been handed to the system. */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}
