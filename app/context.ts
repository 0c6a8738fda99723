import os from 'node:os';
import path from 'node:path';
import { SecretRegistry } from './secrets/registry.js';

/**
 * Everything the engine needs from the outside world, passed explicitly so that the CLI, the
 * Electron shell and the tests can each supply their own (tests: a throwaway home and environment).
 */
export interface EngineContext {
  /** The user's environment, as their own `git push` would see it. */
  env: NodeJS.ProcessEnv;
  /** The user's home directory (from env.HOME, like git). */
  homeDir: string;
  platform: NodeJS.Platform;
  now(): Date;
  /** Limit for each external command and network probe. */
  timeoutMs: number;
  /** Secrets seen during this run; all output is redacted with it. */
  secrets: SecretRegistry;
  /** Extra hosts the user declared as Bitbucket Data Center (`--bitbucket-host`), host or host:port. */
  bitbucketHosts: string[];
  /** The app's own state folder (journal, backups); never beside the user's files. */
  stateDir: string;
  /** Cancels every command run for this context (a diagnosis the user cancelled): each is killed at once. */
  signal?: AbortSignal;
  /**
   * Test seam, never set by the CLI or the app: where ssh.trust-host-keys fetches Bitbucket's
   * published host key list instead of PUBLISHED_HOST_KEYS_URL, and extra CA certificates (PEM)
   * that may vouch for that server besides the system's roots. TLS is verified either way.
   */
  publishedHostKeys?: PublishedHostKeysSource;
}

export interface PublishedHostKeysSource {
  url: string;
  caCertificates?: string[];
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface ContextOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  bitbucketHosts?: string[];
  now?: () => Date;
}

export function createContext(options: ContextOptions = {}): EngineContext {
  const env = options.env ?? process.env;
  const homeDir = env.HOME || env.USERPROFILE || os.homedir();
  return {
    env,
    homeDir,
    platform: process.platform,
    now: options.now ?? (() => new Date()),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    secrets: new SecretRegistry(),
    bitbucketHosts: options.bitbucketHosts ?? [],
    stateDir: stateDirFor(env, homeDir, process.platform),
  };
}

/** $XDG_STATE_HOME/push-doctor on Linux, the platform's equivalent elsewhere. */
export function stateDirFor(env: NodeJS.ProcessEnv, homeDir: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Application Support', 'push-doctor', 'state');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(homeDir, 'AppData', 'Local'), 'push-doctor', 'state');
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(homeDir, '.local', 'state');
  return path.join(base, 'push-doctor');
}
