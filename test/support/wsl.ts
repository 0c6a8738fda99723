import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { installGcmStandIn, type GcmStandIn } from './gcm-stand-in.js';
import type { TestHome } from './home.js';

/**
 * Real outputs recorded on WSL, with where they were recorded (public issue threads).
 */
export const RECORDED = {
  /** leoheck/kiri#28 (2021): `cat /proc/version` on WSL 2. */
  procVersionWsl2: 'Linux version 5.4.72-microsoft-standard-WSL2 (oe-user@oe-host) (gcc version 8.2.0 (GCC)) #1 SMP Wed Oct 28 23:40:43 UTC 2020\n',
  /** microsoft/WSL#1090 (2016): `cat /proc/version` on WSL 1. */
  procVersionWsl1: 'Linux version 3.4.0-Microsoft (Microsoft@Microsoft.com) (gcc version 4.7 (GCC) ) #1 SMP PREEMPT Wed Dec 31 14:42:53 PST 2014\n',
  /** microsoft/WSL#8361 (2022): a WSL 2 distribution running a self-built kernel: no "WSL2" in it. */
  procVersionWsl2Custom: 'Linux version 4.19.104-microsoft-standard (jkp@DESKTOP-DKG6ENQ) (gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)) #5 SMP Mon Jun 15 23:43:17 CEST 2020\n',
  /** microsoft/vscode-remote-release#8026 (2023): the WSL variables of a WSL 2 shell (`printenv`). */
  env: { WSL_DISTRO_NAME: 'alpine', WSL_INTEROP: '/run/WSL/8922_interop', WSLENV: '' },
  /** microsoft/WSL#8259 (2022): what cmd.exe says on stderr when started in a Linux folder. */
  cmdUncWarning: "'\\\\wsl.localhost\\Ubuntu\\home\\ubuntu'\r\nCMD.EXE was started with the above path as the current directory.\r\nUNC paths are not supported.  Defaulting to Windows directory.\r\n",
  /** microsoft/WSL#13449 (2025): the Windows profile folder as Windows prints it (`wslvar UserProfile`). */
  userProfile: 'C:\\Users\\username',
  /** GCM docs/wsl.md: the helper value for Git for Windows' GCM, as the guide writes it. */
  gcmHelperValue: '/mnt/c/Program\\ Files/Git/mingw64/bin/git-credential-manager.exe',
} as const;

export interface FakeWsl {
  /** Stands in for `/` (EngineContext.systemRoot). */
  root: string;
  /** The Windows profile as a WSL path (under root). */
  profile: string;
  /** Git for Windows' global config, which the Windows-side GCM reads. */
  windowsConfig: string;
  gcm: GcmStandIn | null;
  cleanup(): Promise<void>;
}

/**
 * Makes a test home look like a WSL 2 distribution to the engine, through the seams it reads WSL
 * by: `/proc/version` and the Windows drive under `root`, the WSL variables, and `cmd.exe` on PATH
 * (a script that answers like the real one: the UNC warning on stderr when started outside the
 * Windows drive, the profile on stdout with CRLF). With `gcm`, Git for Windows' GCM (a stand-in
 * that behaves like the Windows one, see gcm-stand-in.ts) is installed where Git for Windows puts it.
 */
export async function makeWsl(home: TestHome, options: { gcm?: boolean } = {}): Promise<FakeWsl> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'fake-wsl-'));
  await mkdir(path.join(root, 'proc'));
  await writeFile(path.join(root, 'proc', 'version'), RECORDED.procVersionWsl2);
  const drive = path.join(root, 'mnt', 'c');
  const profile = path.join(drive, 'Users', 'username');
  await mkdir(path.join(drive, 'Windows', 'System32'), { recursive: true });
  await mkdir(profile, { recursive: true });
  const windowsConfig = path.join(profile, '.gitconfig');
  await writeFile(windowsConfig, '[user]\n\tname = Test User\n');

  const bin = path.join(root, 'winbin');
  await mkdir(bin);
  const cmd = path.join(bin, 'cmd.exe');
  const warning = RECORDED.cmdUncWarning.replace(/'/g, "'\\''");
  await writeFile(
    cmd,
    `#!/bin/sh
case "$PWD" in '${drive}'*) ;; *) printf '%s' '${warning}' >&2;; esac
[ "$1 $2 $3" = '/d /c echo %USERPROFILE%' ] && printf '%s\\r\\n' '${RECORDED.userProfile}'
exit 0
`,
  );
  await chmod(cmd, 0o755);
  Object.assign(home.env, RECORDED.env);
  home.env.PATH = `${home.env.PATH}${path.delimiter}${bin}`;

  const gcm = options.gcm
    ? await installGcmStandIn(home, { program: path.join(drive, 'Program Files', 'Git', 'mingw64', 'bin', 'git-credential-manager.exe'), windows: { globalConfig: windowsConfig } })
    : null;
  return { root, profile, windowsConfig, gcm, cleanup: () => rm(root, { recursive: true, force: true }) };
}
