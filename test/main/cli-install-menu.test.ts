import { chmod, mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineServices } from '../../app/service/engine-wiring.js';
import { skipNote, type PlatformSkip } from '../support/platform.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { startMainProcess } = await import('../../main/lifecycle.js');

/**
 * The tray's "Install command line tool…" through the real shell: main hands the login shell's HOME
 * and PATH and the launcher to app/cli/install.ts and shows its words in a message box.
 */
const linuxOnly: PlatformSkip = {
  skip: process.platform !== 'linux',
  reason: `skipped on ${process.platform}: there the app links into /usr/local/bin when writable (macOS) or links nothing (Windows); app/cli/install.ts is tested for both`,
};

describe.skipIf(linuxOnly.skip)(`Install command line tool… in the tray${skipNote(linuxOnly)}`, () => {
  let root: string;
  let home: string;
  let launcher: string;

  beforeEach(async () => {
    electron.resetFakeElectron();
    root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-install-menu-'));
    home = path.join(root, 'home');
    await mkdir(home);
    electron.app.paths.userData = path.join(root, 'user-data');
    launcher = path.join(root, 'opt', 'Bitbucket Push Doctor', 'resources', 'cli', 'push-doctor');
    await mkdir(path.dirname(launcher), { recursive: true });
    await writeFile(launcher, '#!/bin/sh\n');
    await chmod(launcher, 0o755);
  });
  afterEach(async () => {
    electron.app.emit('will-quit');
    await rm(root, { recursive: true, force: true });
  });

  const start = (cliLauncher: string | null) =>
    startMainProcess({
      engine: engineServices(),
      paths: { preload: '/app/out/preload/index.cjs', rendererDir: '/app/out/renderer', devServerUrl: null, trayIcons: path.resolve('resources/tray') },
      argv: ['/opt/Bitbucket Push Doctor/bitbucket-push-doctor'],
      // The login shell's environment: its HOME and PATH decide where the link goes and whether a terminal finds it.
      userEnv: async () => ({ HOME: home, PATH: `/usr/bin:/bin:${home}/.local/bin` }),
      cliLauncher,
    });
  const clickInstall = () => {
    const menu = electron.FakeTray.instances[0]!.contextMenu!.template as MenuItemConstructorOptions[];
    (menu.find((item) => item.label === 'Install command line tool…')!.click as () => void)();
  };

  it("links push-doctor in the login shell's ~/.local/bin to the app's launcher and says it is ready", async () => {
    await start(launcher);
    clickInstall();
    await vi.waitFor(() => expect(electron.dialog.messageBoxes).toHaveLength(1));
    expect(await readlink(path.join(home, '.local', 'bin', 'push-doctor'))).toBe(launcher);
    expect(electron.dialog.messageBoxes[0]).toEqual({
      type: 'info',
      title: 'Command line tool',
      message: `push-doctor is installed in ${path.join(home, '.local', 'bin')}.`,
      detail: 'Open a new terminal and run: push-doctor diagnose',
      buttons: ['OK'],
    });
  });

  it('from source, explains that it installs only from the installed app, and links nothing', async () => {
    await start(null);
    clickInstall();
    await vi.waitFor(() => expect(electron.dialog.messageBoxes).toHaveLength(1));
    expect(electron.dialog.messageBoxes[0]).toMatchObject({ type: 'warning', message: 'The command line tool is installed only from the installed app.' });
    await expect(readlink(path.join(home, '.local', 'bin', 'push-doctor'))).rejects.toThrow();
  });
});
