// The push-doctor command line entry point (bundled to out/cli/push-doctor.mjs).
import type { CliIo } from './io.js';
import { runCliProcess } from './process.js';

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
process.exitCode = await runCliProcess(process.argv.slice(2), io);
