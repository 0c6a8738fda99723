import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { startFakeBitbucketHttp, type FakeBitbucketHttp, type FakeBitbucketHttpOptions } from './bitbucket-http.js';
import { createHome, type TestHome } from './home.js';
import { homeGit } from './https-home.js';
import { keyringUnavailableReason, startKeyring, type TestKeyring } from './keyring.js';
import { snapshotTree, textUnder } from './tree.js';

const execFileAsync = promisify(execFile);

/**
 * A throwaway home for the repair tests: the user's own Secret Service keyring (git's libsecret
 * helper on PATH), fake Bitbucket servers, and the app's state folder outside the home, so the whole
 * home can be compared byte for byte before and after undo.
 *
 * Undo keeps its secrets in "the system keychain" of this process (@napi-rs/keyring), which binds
 * to the first D-Bus session it sees for the life of the process: `useUndoKeyring()` starts one
 * for the whole test file.
 */
export interface FixBed {
  home: TestHome;
  keyring: TestKeyring | null;
  /** The app's state folder (journal, backups). */
  stateDir: string;
  ctx(options?: { bitbucketHosts?: string[]; timeoutMs?: number }): EngineContext;
  serve(options?: FakeBitbucketHttpOptions): Promise<FakeBitbucketHttp>;
  /** Routes `https://[userinfo@]bitbucket.org/` to the fake server, keeping the userinfo (git rewrites by prefix). */
  route(server: FakeBitbucketHttp, userinfo?: string): Promise<void>;
  /** The home as files (the keyring's own files, which it re-encrypts on every write, are compared through keyringItems). */
  userTree(): Promise<Record<string, string>>;
  /** What the keyring holds: labels, secrets and attributes of git's items, without timestamps. */
  keyringItems(): Promise<string[]>;
  /** Every byte of every file in the state folder (to prove no secret is kept there). */
  stateBytes(): Promise<string>;
  cleanup(): Promise<void>;
}

export const KEYRING_UNAVAILABLE = keyringUnavailableReason();

/** The keychain undo uses in this process, for the calling test file. */
export function useUndoKeyring(): void {
  let keyring: TestKeyring | null = null;
  beforeAll(async () => {
    if (!KEYRING_UNAVAILABLE) keyring = await startKeyring(undefined, { inProcess: true });
  });
  afterAll(async () => {
    await keyring?.stop();
  });
}

export async function createFixBed(options: { keyring?: boolean } = {}): Promise<FixBed> {
  const home = await createHome('fix-bed-');
  const stateRoot = await mkdtemp(path.join(os.tmpdir(), 'fix-bed-state-'));
  const servers: FakeBitbucketHttp[] = [];
  let keyring: TestKeyring | null = null;
  if (options.keyring ?? true) {
    keyring = await startKeyring(home.env);
    Object.assign(home.env, keyring.env);
  }
  const stateDir = path.join(stateRoot, 'push-doctor');
  const bed: FixBed = {
    home,
    keyring,
    stateDir,
    ctx: (o = {}) => ({ ...home.context(o), stateDir }),
    async serve(o = {}) {
      const server = await startFakeBitbucketHttp(o);
      servers.push(server);
      return server;
    },
    async route(server, userinfo) {
      const user = userinfo ? `${userinfo}@` : '';
      await home.git(['config', '--global', '--add', `url.${server.url.replace('://', `://${user}`)}/.insteadOf`, `https://${user}bitbucket.org/`]);
    },
    userTree: () => snapshotTree(home.dir, { exclude: [path.join(home.dir, '.local', 'share', 'keyrings')] }),
    async keyringItems() {
      if (!keyring) return [];
      const { stdout, stderr } = await execFileAsync('secret-tool', ['search', '--all', '--unlock', 'xdg:schema', 'org.gnome.keyring.NetworkPassword'], { env: { ...process.env, ...home.env } });
      // secret-tool prints labels and secrets on stdout and attributes on stderr: both, sorted, without timestamps and item paths.
      const lines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.trim() && !/^(created|modified) = |^\[/.test(l));
      return lines.sort();
    },
    stateBytes: () => textUnder(stateDir),
    async cleanup() {
      await homeGit(home, ['credential-cache', 'exit'], home.dir);
      await Promise.all(servers.map((s) => s.stop()));
      await keyring?.stop();
      await home.cleanup();
      await rm(stateRoot, { recursive: true, force: true });
    },
  };
  return bed;
}
