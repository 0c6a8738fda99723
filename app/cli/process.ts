import { stopAllCommands } from '../exec/run.js';
import { runCli } from './cli.js';
import type { CliIo } from './io.js';

/** Exit status 128 + the signal's number, as shells report a process a signal ended. */
const SIGNAL_STATUS = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const;

/**
 * Runs `push-doctor ARGS` as this process's job, the way a command line tool behaves: the bundled CLI
 * (out/cli/push-doctor.mjs) and the desktop app started as `--cli` (main/cli-mode.ts) both run it.
 * Returns the exit code; the caller ends the process with it.
 */
export async function runCliProcess(argv: string[], io: CliIo): Promise<number> {
  // A closed pipe (push-doctor ... | head) is not an error worth a stack trace (also while the last
  // output drains, after the command returned: the listener stays).
  io.stdout.on('error', () => {});
  // Interrupted (Ctrl-C, a CI job cancelled): end the git and ssh processes still running first; they
  // run in their own sessions and would otherwise outlive us.
  const handlers = SIGNAL_STATUS.map(([signal, status]) => {
    const handler = () => {
      stopAllCommands();
      process.exit(status);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await runCli(argv, io);
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}
