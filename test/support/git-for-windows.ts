import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A Git for Windows installation laid out in a temp folder, so the engine's Windows branch
 * (platform 'win32' passed in the context) runs here against the same seams it uses on Windows:
 * `git --exec-path` points into `<root>/mingw64/libexec/git-core`, and the install has its own
 * `usr/bin/sh.exe` and `usr/bin/ssh.exe`. The .exe files are POSIX scripts that write one line
 * per start to a log, then hand over to the real /bin/sh, ssh, ssh-add and git, so what runs is
 * real; the log says which program the engine chose. Windows' own OpenSSH sits under a fake
 * %SystemRoot%\System32\OpenSSH, first on the user's PATH as on a default Windows.
 * The user's PATH has System32\OpenSSH first and no `sh`, as on a default Windows (it is written
 * with this machine's separator, which the engine uses for PATH on every platform).
 */
export interface FakeGitForWindows {
  /** "<tmp>/Program Files/Git" (with a space, like the real one). */
  root: string;
  execPath: string;
  /** Fake %SystemRoot%. */
  systemRoot: string;
  /** Environment additions for a test home: PATH, SystemRoot. */
  env: NodeJS.ProcessEnv;
  /** One line per start of a fake program: "<name> <args>", names: sh.exe, git-ssh, git-ssh-add, windows-ssh, windows-ssh-add. */
  calls(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export interface FakeGitForWindowsOptions {
  /** Leave out usr/bin/sh.exe (and bin/sh.exe): an install without its shell. */
  withoutShell?: boolean;
  /** Where `git --exec-path` points instead (a git that is not Git for Windows). */
  execPath?: string;
  /**
   * The folder that stands in for `\\.\pipe\` (ctx.windowsPipeDir): Windows' fake ssh-add reaches
   * the "pipe" `\\.\pipe\NAME` as the Unix socket `<pipeDir>/NAME`, where a test may run a real ssh-agent.
   */
  pipeDir?: string;
}

/** What Windows' OpenSSH prints for `ssh -V` (MicrosoftDocs/windowsserverdocs issue #2235, Windows 10 1809). */
export const WINDOWS_SSH_VERSION = 'OpenSSH_for_Windows_7.7p1, LibreSSL 2.6.5';

export async function fakeGitForWindows(options: FakeGitForWindowsOptions = {}): Promise<FakeGitForWindows> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-gfw-'));
  const root = path.join(base, 'Program Files', 'Git');
  const execPath = options.execPath ?? `${root}/mingw64/libexec/git-core`;
  const systemRoot = path.join(base, 'Windows');
  const log = path.join(base, 'calls.log');
  const fakeBin = path.join(base, 'fakebin');
  const openSsh = path.join(systemRoot, 'System32', 'OpenSSH');
  for (const dir of [path.join(root, 'mingw64', 'libexec', 'git-core'), path.join(root, 'mingw64', 'bin'), path.join(root, 'usr', 'bin'), path.join(root, 'cmd'), fakeBin, openSsh]) {
    await mkdir(dir, { recursive: true });
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const logLine = (name: string) => `printf '%s\\n' "${name} $*" >> ${q(log)}`;
  const script = async (file: string, body: string) => {
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
  };
  await script(path.join(fakeBin, 'git'), `if [ "$1" = --exec-path ]; then printf '%s\\n' ${q(execPath)}; exit 0; fi\nexec /usr/bin/git "$@"`);
  await script(path.join(root, 'mingw64', 'bin', 'git.exe'), 'exec /usr/bin/git "$@"');
  if (!options.withoutShell) {
    await script(path.join(root, 'usr', 'bin', 'sh.exe'), `${logLine('sh.exe')}\nexec /bin/sh "$@"`);
  }
  await script(path.join(root, 'usr', 'bin', 'ssh.exe'), `${logLine('git-ssh')}\nexec /usr/bin/ssh "$@"`);
  await script(path.join(root, 'usr', 'bin', 'ssh-add.exe'), `${logLine('git-ssh-add')}\nexec /usr/bin/ssh-add "$@"`);
  // MSYS2's sh finds "ssh" as ssh.exe by itself; /bin/sh needs the name without .exe.
  await symlink('ssh.exe', path.join(root, 'usr', 'bin', 'ssh'));
  await script(path.join(openSsh, 'ssh.exe'), `${logLine('windows-ssh')}\nif [ "$1" = -V ]; then echo ${q(WINDOWS_SSH_VERSION)} >&2; exit 0; fi\nexec /usr/bin/ssh "$@"`);
  const pipeToSocket = options.pipeDir ? `case "$SSH_AUTH_SOCK" in '\\\\.\\pipe\\'*) SSH_AUTH_SOCK=${q(options.pipeDir)}/"\${SSH_AUTH_SOCK#?????????}"; export SSH_AUTH_SOCK ;; esac\n` : '';
  await script(path.join(openSsh, 'ssh-add.exe'), `${logLine('windows-ssh-add')}\n${pipeToSocket}exec /usr/bin/ssh-add "$@"`);
  const env: NodeJS.ProcessEnv = {
    PATH: [openSsh, fakeBin, '/usr/bin', '/bin'].join(path.delimiter),
    SystemRoot: systemRoot,
  };
  return {
    root,
    execPath,
    systemRoot,
    env,
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}
