// The push-doctor command line entry point (bundled to out/cli/push-doctor.mjs).
import { runCli } from './cli.js';
import type { CliIo } from './io.js';

// A closed pipe (push-doctor ... | head) is not an error worth a stack trace.
process.stdout.on('error', () => {});

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
process.exitCode = await runCli(process.argv.slice(2), io);
