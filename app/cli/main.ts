// The push-doctor command line entry point (bundled to out/cli/push-doctor.mjs).
import { stopAllCommands } from '../exec/run.js';
import { runCli } from './cli.js';
import type { CliIo } from './io.js';

// A closed pipe (push-doctor ... | head) is not an error worth a stack trace.
process.stdout.on('error', () => {});

// Interrupted (Ctrl-C, a CI job cancelled): end the git and ssh processes still running first; they
// run in their own sessions and would otherwise outlive us. Exit status 128 + the signal's number.
for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.once(signal, () => {
    stopAllCommands();
    process.exit(status);
  });
}

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
process.exitCode = await runCli(process.argv.slice(2), io);
