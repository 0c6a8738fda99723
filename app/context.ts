import os from 'node:os';
import path from 'node:path';
import type { RepoCommandGate } from './repo/repo-commands.js';
import { SecretRegistry } from './secrets/registry.js';

/**
 * Everything the engine needs from the outside world, passed explicitly so that the CLI, the
 * Electron main process and the tests can each supply their own (tests: a throwaway home and environment).
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
  /**
   * Test seam, never set by the CLI or the app: the folder that plays macOS's /usr/bin (Apple's ssh,
   * ssh-add, xcode-select and its git stand-in), so tests drive the macOS branches with fake tools.
   */
  appleToolsDir?: string;
  /**
   * Test seam, never set by the CLI or the app: a folder listed instead of Windows' `\\.\pipe\`
   * when looking for the OpenSSH agent's and Pageant's named pipes.
   */
  windowsPipeDir?: string;
  /**
   * Whether a repository may run the commands its own config names (core.sshCommand, credential
   * helpers...). Absent: git's own behaviour (the CLI in the user's own repository). The app and
   * `--no-repo-commands` set one.
   */
  repoCommands?: RepoCommandGate;
  /**
   * Test seam, never set by the CLI or the app: a folder that stands in for `/` where the engine
   * reads the machine itself (/proc/version, /etc/wsl.conf, the Windows drives WSL mounts).
   */
  systemRoot?: string;
  /**
   * Test seam, never set by the CLI or the app: where Bitbucket Cloud's REST API is reached instead
   * of CLOUD_API_BASE_URL, and extra CA certificates (PEM) for it and for Data Center servers,
   * besides the system's roots. TLS is verified either way.
   */
  bitbucketApi?: BitbucketApiSeam;
}

export interface BitbucketApiSeam {
  /** https URL standing in for https://api.bitbucket.org/2.0 (no trailing slash). */
  cloudBaseUrl?: string;
  caCertificates?: string[];
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
  repoCommands?: RepoCommandGate;
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
    ...(options.repoCommands ? { repoCommands: options.repoCommands } : {}),
  };
}

/**
 * $XDG_STATE_HOME/push-doctor on Linux, the platform's equivalent elsewhere. On macOS an
 * XDG_STATE_HOME the user set (in their shell profile, which the app now reads too) wins, so the
 * CLI in a terminal and the app share one journal either way.
 */
export function stateDirFor(env: NodeJS.ProcessEnv, homeDir: string, platform: NodeJS.Platform): string {
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : null;
  if (platform === 'darwin') return xdg ? path.join(xdg, 'push-doctor') : path.join(homeDir, 'Library', 'Application Support', 'push-doctor', 'state');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(homeDir, 'AppData', 'Local'), 'push-doctor', 'state');
  return path.join(xdg ?? path.join(homeDir, '.local', 'state'), 'push-doctor');
}
