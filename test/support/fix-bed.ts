import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { undoSecretsDir } from '../../app/fix/undo-secrets.js';
import { startFakeBitbucketHttp, type FakeBitbucketHttp, type FakeBitbucketHttpOptions } from './bitbucket-http.js';
import { createHome, type TestHome } from './home.js';
import { homeGit } from './https-home.js';
import { buildLibsecretHelper, keyringUnavailableReason, startKeyring, type TestKeyring } from './keyring.js';
import { MACHINE } from './machine.js';
import { modesUnder, snapshotTree, textUnder } from './tree.js';

const execFileAsync = promisify(execFile);

/**
 * A throwaway home for the repair tests: on the desktop machine the user's own Secret Service
 * keyring (git's libsecret helper on PATH), on the headless one none (the libsecret helper is on
 * PATH when it can be built, with no keyring to reach: see machine.ts); fake Bitbucket servers; and
 * the app's state folder outside the home, so the whole home can be compared byte for byte before
 * and after undo. Undo needs nothing from this process: it keeps what it removes in the state
 * folder or in the helper the secret came from (app/fix/undo-secrets.ts).
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
  /** The keyring's items as label and secret (undo copies have labels with UNDO_HOST_SUFFIX). */
  keyringSecrets(): Promise<Array<{ label: string; secret: string }>>;
  /**
   * Every byte of every file in the state folder (to prove no secret is kept there); with
   * exceptUndoSecrets, all but the 0600 files that keep secrets from plain-text files for undo.
   */
  stateBytes(options?: { exceptUndoSecrets?: boolean }): Promise<string>;
  /** The secrets undo keeps in the state folder, decoded (file backups are kept in base64). */
  undoSecretTexts(): Promise<string[]>;
  /** Fails unless every folder of the state folder is 0700 and every file 0600. */
  expectPrivateState(): Promise<void>;
  cleanup(): Promise<void>;
}

export const KEYRING_UNAVAILABLE = keyringUnavailableReason();

/** Options: `keyring` defaults to the machine's (machine.ts). */
export async function createFixBed(options: { keyring?: boolean } = {}): Promise<FixBed> {
  const home = await createHome('fix-bed-');
  const stateRoot = await mkdtemp(path.join(os.tmpdir(), 'fix-bed-state-'));
  const servers: FakeBitbucketHttp[] = [];
  let keyring: TestKeyring | null = null;
  if (options.keyring ?? MACHINE.keyring) {
    keyring = await startKeyring(home.env);
    Object.assign(home.env, keyring.env);
  } else if (MACHINE.name === 'headless' && !KEYRING_UNAVAILABLE) {
    // A server where git's libsecret helper is installed but finds no keyring.
    home.env.PATH = `${await buildLibsecretHelper()}${path.delimiter}${home.env.PATH}`;
  }
  const stateDir = path.join(stateRoot, 'push-doctor');
  // A lived-in home has ~/.cache; git's cache helper makes its socket folder in it.
  await mkdir(path.join(home.dir, '.cache', 'git'), { recursive: true });
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
    // The keyring's files and git's credential-cache daemon folder are the helpers' own state (compared as what they answer).
    userTree: () => snapshotTree(home.dir, { exclude: [path.join(home.dir, '.local', 'share', 'keyrings'), path.join(home.dir, '.cache', 'git', 'credential')] }),
    async keyringItems() {
      if (!keyring) return [];
      const { stdout, stderr } = await execFileAsync('secret-tool', ['search', '--all', '--unlock', 'xdg:schema', 'org.gnome.keyring.NetworkPassword'], { env: { ...process.env, ...home.env } });
      // secret-tool prints labels and secrets on stdout and attributes on stderr: both, sorted, without timestamps and item paths.
      const lines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.trim() && !/^(created|modified) = |^\[/.test(l));
      return lines.sort();
    },
    async keyringSecrets() {
      if (!keyring) return [];
      const { stdout } = await execFileAsync('secret-tool', ['search', '--all', '--unlock', 'xdg:schema', 'org.gnome.keyring.NetworkPassword'], { env: { ...process.env, ...home.env } });
      return stdout
        .split(/^\[/m)
        .map((block) => ({ label: /^label = (.*)$/m.exec(block)?.[1] ?? '', secret: /^secret = (.*)$/m.exec(block)?.[1] ?? '' }))
        .filter((item) => item.label || item.secret);
    },
    stateBytes: (o = {}) => textUnder(stateDir, { exclude: o.exceptUndoSecrets ? [undoSecretsDir(stateDir)] : [] }),
    async undoSecretTexts() {
      const dir = undoSecretsDir(stateDir);
      const names = (await readdir(dir).catch(() => [] as string[])).sort();
      return Promise.all(
        names.map(async (name) => {
          const text = await readFile(path.join(dir, name), 'utf8');
          const decoded = Buffer.from(text, 'base64').toString('utf8');
          return /^[A-Za-z0-9+/]+=*$/.test(text) && Buffer.from(decoded, 'utf8').toString('base64') === text ? decoded : text;
        }),
      );
    },
    async expectPrivateState() {
      const modes = await modesUnder(stateDir).catch(() => []);
      expect(modes.map(([rel, kind, mode]) => `${rel} ${kind} ${mode.toString(8)}`)).toEqual(modes.map(([rel, kind]) => `${rel} ${kind} ${kind === 'dir' ? '700' : '600'}`));
    },
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
