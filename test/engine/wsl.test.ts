import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { nonInteractiveEnv } from '../../app/exec/env.js';
import {
  automountRoot,
  detectWsl,
  findWindowsGcm,
  helperValueForPath,
  isWindowsProgram,
  windowsPathOf,
  windowsProfile,
  wslPathOf,
  wslVersionFrom,
  type Wsl,
} from '../../app/platform/wsl.js';
import { createHome, type TestHome } from '../support/home.js';
import { makeWsl, RECORDED, type FakeWsl } from '../support/wsl.js';

describe('recognising WSL from what the kernel and WSL say (recorded outputs)', () => {
  it.each([
    ['WSL 2 kernel (leoheck/kiri#28)', RECORDED.procVersionWsl2, {}, 2],
    ['WSL 1 (microsoft/WSL#1090)', RECORDED.procVersionWsl1, {}, 1],
    ['WSL 2 with a self-built kernel, told by WSL_INTEROP (microsoft/WSL#8361, vscode-remote-release#8026)', RECORDED.procVersionWsl2Custom, RECORDED.env, 2],
    ['WSL variables without /proc', null, { WSL_DISTRO_NAME: 'Ubuntu' }, 2],
    ['Debian on a server', 'Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)\n', {}, null],
  ] as const)('%s', (_name, procVersion, env, expected) => {
    expect(wslVersionFrom(procVersion, env)).toBe(expected);
  });

  it("this machine's own /proc/version is not WSL", async () => {
    const own = await readFile('/proc/version', 'utf8').catch(() => null);
    expect(wslVersionFrom(own, {})).toBeNull();
  });

  it('reads where Windows drives are mounted from /etc/wsl.conf', () => {
    expect(automountRoot(null)).toBe('/mnt/');
    expect(automountRoot('[boot]\nsystemd=true\n')).toBe('/mnt/');
    expect(automountRoot('[automount]\nenabled = true\nroot = /windir/ # custom\noptions = "metadata"\n')).toBe('/windir/');
    expect(automountRoot('[interop]\nroot = /nope\n[automount]\nroot=/\n')).toBe('/');
  });

  it('converts paths between Windows and WSL like wslpath, and writes a helper path as GCM\'s guide does', () => {
    const wsl: Wsl = { version: 2, distro: 'Ubuntu', mountRoot: '/mnt/' };
    expect(wslPathOf(wsl, RECORDED.userProfile)).toBe('/mnt/c/Users/username');
    expect(wslPathOf(wsl, 'D:\\')).toBe('/mnt/d');
    expect(wslPathOf(wsl, '\\\\wsl.localhost\\Ubuntu\\home')).toBeNull();
    expect(windowsPathOf(wsl, '/mnt/c/Users/username/.ssh/id_ed25519')).toBe('C:\\Users\\username\\.ssh\\id_ed25519');
    expect(windowsPathOf(wsl, '/home/jdoe/.ssh')).toBeNull();
    expect(helperValueForPath('/mnt/c/Program Files/Git/mingw64/bin/git-credential-manager.exe')).toBe(RECORDED.gcmHelperValue);
    expect(helperValueForPath('/mnt/c/Program Files (x86)/Git Credential Manager/git-credential-manager.exe')).toBe('/mnt/c/Program\\ Files\\ \\(x86\\)/Git\\ Credential\\ Manager/git-credential-manager.exe');
    expect(isWindowsProgram(wsl, '/mnt/c/Program Files/Git/mingw64/bin/git-credential-manager.exe')).toBe(true);
    expect(isWindowsProgram(wsl, '/usr/bin/git-credential-manager')).toBe(false);
  });

  it('shares GCM_INTERACTIVE with Windows programs through WSLENV only on WSL, keeping what WSLENV had', () => {
    expect(nonInteractiveEnv({ ...RECORDED.env }).WSLENV).toBe('GCM_INTERACTIVE');
    expect(nonInteractiveEnv({ WSL_DISTRO_NAME: 'Ubuntu', WSLENV: 'GIT_EXEC_PATH/wp:USERPROFILE/p' }).WSLENV).toBe('GIT_EXEC_PATH/wp:USERPROFILE/p:GCM_INTERACTIVE');
    expect(nonInteractiveEnv({ WSL_DISTRO_NAME: 'Ubuntu', WSLENV: 'GCM_INTERACTIVE/u' }).WSLENV).toBe('GCM_INTERACTIVE/u');
    expect(nonInteractiveEnv({ HOME: '/root' }).WSLENV).toBeUndefined();
  });
});

/** The stand-ins for cmd.exe and GCM are sh scripts; the engine on WSL is the engine on Linux, which the context says wherever this runs. */
const windows = process.platform === 'win32' ? "the stand-ins for WSL's cmd.exe and Git Credential Manager are sh scripts, which Windows cannot start" : null;

describe.skipIf(windows)(`WSL through the seams the engine reads it by${windows ? ` (skipped: ${windows})` : ''}`, () => {
  let home: TestHome;
  let wsl: FakeWsl;
  let ctx: EngineContext;
  beforeEach(async () => {
    home = await createHome('wsl-');
    wsl = await makeWsl(home, { gcm: true });
    ctx = { ...home.context(), platform: 'linux', systemRoot: wsl.root };
  });
  afterEach(async () => {
    await wsl.cleanup();
    await home.cleanup();
  });

  it('is WSL 2; finds the Windows profile (cmd.exe started on the Windows drive) and Git for Windows\' GCM', async () => {
    const found = await detectWsl(ctx);
    expect(found).toEqual({ version: 2, distro: 'alpine', mountRoot: `${path.join(wsl.root, 'mnt')}/` });
    expect(await windowsProfile(ctx, found!)).toBe(wsl.profile);
    expect(await findWindowsGcm(ctx, found!)).toBe(wsl.gcm!.program);
    // Not on WSL: nothing of this runs.
    expect(await detectWsl({ ...ctx, env: { ...home.env, WSL_DISTRO_NAME: undefined, WSL_INTEROP: undefined }, systemRoot: path.join(wsl.root, 'nowhere') })).toBeNull();
    expect(await detectWsl({ ...ctx, platform: 'darwin' })).toBeNull();
  });

  it('without interop (no cmd.exe), the profile is unknown rather than guessed', async () => {
    const noInterop = { ...ctx, env: { ...ctx.env, PATH: process.env.PATH } };
    expect(await windowsProfile(noInterop, (await detectWsl(noInterop))!)).toBeNull();
  });
});
