import { isatty } from 'node:tty';
import { resolveLoginShellEnvironment, type UserEnvironment } from './login-shell.js';

let resolving: Promise<UserEnvironment> | null = null;

/**
 * The environment the desktop app gives the engine: this process's, with the user's login-shell
 * environment merged over it. The shell runs once per process (the first call starts it, every
 * later call gets the same answer); it never rejects.
 */
export function userEnvironment(): Promise<UserEnvironment> {
  resolving ??= resolveLoginShellEnvironment({
    env: { ...process.env },
    platform: process.platform,
    stdinIsTerminal: process.platform !== 'win32' && isatty(0),
  });
  return resolving;
}
