import { parseArgs, type ParseArgsConfig } from 'node:util';
import { normalizeBitbucketHost } from '../contract/hosts.js';
import { noRepoCommands, type RepoCommandGate } from '../repo/repo-commands.js';

/** Wrong usage: unknown command or flag, bad value. The CLI prints one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: unknown flags and missing values are usage errors, not surprises. */
export function parseCommandArgs<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error));
  }
}

/** `--timeout SECONDS` → milliseconds, within sane bounds. */
export function timeoutMs(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new UsageError(`--timeout takes a number of seconds between 0 and 600, not "${value}"`);
  return Math.round(seconds * 1000);
}

/** `--bitbucket-host HOST[:PORT]`, repeatable. */
export function bitbucketHosts(values: string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    const host = normalizeBitbucketHost(value);
    if (host === null) throw new UsageError(`--bitbucket-host takes a host name or host:port, not "${value}"`);
    return host;
  });
}

/**
 * `--no-repo-commands`: run none of the commands the repository's own config names (core.sshCommand,
 * credential helpers...). Without it the CLI keeps git's behaviour: it runs in the user's own repository.
 */
export function repoCommandGate(noRepoCommandsFlag: boolean | undefined): RepoCommandGate | undefined {
  return noRepoCommandsFlag ? noRepoCommands() : undefined;
}
