import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createContext, type ContextOptions, type EngineContext } from '../../app/context.js';
import { systemEnv } from './platform.js';

const execFileAsync = promisify(execFile);

/**
 * A throwaway home directory with its own environment, so tests never read or change the real
 * user's git config, credentials or SSH files.
 *
 * OpenSSH finds ~/.ssh through the password database, not $HOME, so the home's git config sets
 * core.sshCommand to `ssh -F <home>/.ssh/config`, and that config names the known_hosts file and
 * identity files by absolute path, exactly as a user with a custom ssh setup would.
 */
export interface TestHome {
  dir: string;
  sshDir: string;
  env: NodeJS.ProcessEnv;
  /** An engine context for this home. */
  context(options?: Omit<ContextOptions, 'env'>): EngineContext;
  /** Runs git in this home's environment (for test setup, not for the code under test). */
  git(args: string[], cwd?: string): Promise<string>;
  /** Creates a repository with one commit under the home and returns its path. */
  repo(name?: string): Promise<string>;
  /** Replaces ~/.ssh/config; `body` is appended after the lines that pin known_hosts. */
  writeSshConfig(body?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createHome(prefix = 'push-doctor-home-'): Promise<TestHome> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const sshDir = path.join(dir, '.ssh');
  await mkdir(sshDir, { mode: 0o700 });
  await chmod(sshDir, 0o700);
  const env: NodeJS.ProcessEnv = {
    // Windows: what every program needs to start, and the profile folders inside this home.
    ...systemEnv(),
    ...(process.platform === 'win32' ? { USERPROFILE: dir, APPDATA: path.join(dir, 'AppData', 'Roaming'), LOCALAPPDATA: path.join(dir, 'AppData', 'Local') } : {}),
    PATH: process.env.PATH,
    HOME: dir,
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: path.join(dir, '.config'),
    XDG_STATE_HOME: path.join(dir, '.local', 'state'),
    XDG_CACHE_HOME: path.join(dir, '.cache'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  const home: TestHome = {
    dir,
    sshDir,
    env,
    context: (options = {}) => createContext({ ...options, env }),
    async git(args, cwd = dir) {
      const { stdout } = await execFileAsync('git', args, { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0' } });
      return stdout;
    },
    async repo(name = 'work') {
      const repoDir = path.join(dir, name);
      await home.git(['init', '-q', '-b', 'main', repoDir]);
      await writeFile(path.join(repoDir, 'README.md'), `# ${name}\n`);
      await home.git(['add', 'README.md'], repoDir);
      await home.git(['commit', '-q', '-m', 'first'], repoDir);
      return repoDir;
    },
    async writeSshConfig(body = '') {
      const file = path.join(sshDir, 'config');
      const pinned = [
        '# written by the test home: OpenSSH ignores $HOME, so every path is absolute',
        'Host *',
        `  UserKnownHostsFile ${path.join(sshDir, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '',
      ].join('\n');
      // Host blocks must come before "Host *" for their values to win; the body goes first.
      await writeFile(file, `${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${pinned}`, { mode: 0o600 });
      return file;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
  await writeFile(
    path.join(dir, '.gitconfig'),
    ['[user]', '\tname = Test User', '\temail = test@example.com', '[core]', `\tsshCommand = ssh -F '${path.join(sshDir, 'config')}'`, '[init]', '\tdefaultBranch = main', ''].join('\n'),
  );
  await home.writeSshConfig();
  return home;
}
