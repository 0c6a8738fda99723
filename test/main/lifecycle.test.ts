import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { REQUEST_CHANNELS } from '../../app/contract/channels.js';
import { callHandler } from '../../app/service/handlers.js';
import { engineServices } from '../../app/service/engine-wiring.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { folderFromArgv, startMainProcess } = await import('../../main/lifecycle.js');

describe('folderFromArgv', () => {
  it('takes the first argument after the executable that is not a switch, resolved against the launch folder', () => {
    expect(folderFromArgv(['/opt/push-doctor/push-doctor', 'widgets'], '/home/me/src', 1)).toBe('/home/me/src/widgets');
    expect(folderFromArgv(['/opt/push-doctor/push-doctor', '/abs/repo'], '/home/me', 1)).toBe('/abs/repo');
    expect(folderFromArgv(['push-doctor', '--allow-file-access-from-files', '--original-process-start-time=1', '.'], '/home/me/repo', 1)).toBe('/home/me/repo');
    expect(folderFromArgv(['electron', '.', 'widgets'], '/home/me', 2)).toBe('/home/me/widgets');
  });

  it('skips switches wherever they are, also before the app path when running from source', () => {
    expect(folderFromArgv(['/opt/electron', '--inspect=0', '--remote-debugging-port=0', '/src/push-doctor', '--user-data-dir=/tmp/x', 'widgets'], '/home/me', 2)).toBe('/home/me/widgets');
    expect(folderFromArgv(['/opt/electron', '--no-sandbox', '/src/push-doctor'], '/home/me', 2)).toBeNull();
  });

  it('takes a folder passed as a file:// URL (a Linux file manager with %U), and no other URL', () => {
    const folder = path.resolve('/home/me/src/my widgets');
    expect(pathToFileURL(folder).href).toMatch(/^file:\/\/\/.*my%20widgets$/);
    expect(folderFromArgv(['/opt/push-doctor/bitbucket-push-doctor', pathToFileURL(folder).href], '/', 1)).toBe(folder);
    expect(folderFromArgv(['/opt/push-doctor/bitbucket-push-doctor', 'https://bitbucket.org/acme/widgets'], '/home/me', 1)).toBeNull();
  });

  it('finds nothing when only the executable and switches are there', () => {
    expect(folderFromArgv(['/opt/push-doctor/push-doctor'], '/home/me', 1)).toBeNull();
    expect(folderFromArgv(['/opt/push-doctor/push-doctor', '--no-sandbox', '-psn_0_1234', ''], '/home/me', 1)).toBeNull();
    expect(folderFromArgv(['electron', '.'], '/home/me', 2)).toBeNull();
  });
});

describe('startMainProcess', () => {
  let userData: string;
  const paths = { preload: '/app/out/preload/index.cjs', rendererDir: '/app/out/renderer', devServerUrl: null, trayIcons: path.resolve('resources/tray') };
  const start = (argv: string[] = ['/opt/push-doctor/push-doctor']) => startMainProcess({ engine: engineServices(), paths, argv, cwd: '/home/me' });
  const window = () => electron.FakeBrowserWindow.instances[0]!;
  const sent = () => window().webContents.sent;

  beforeEach(async () => {
    electron.resetFakeElectron();
    userData = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-userdata-'));
    electron.app.paths.userData = userData;
  });
  afterEach(async () => {
    electron.app.emit('will-quit');
    await rm(userData, { recursive: true, force: true });
  });

  it('quits at once when another instance holds the lock', async () => {
    electron.app.lockAvailable = false;
    expect(await start()).toBeNull();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.FakeBrowserWindow.instances).toEqual([]);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('opens one secure window on the built page, registers every channel, shows a tray and hardens all web contents', async () => {
    const main = await start();
    expect(main).not.toBeNull();
    expect(electron.FakeBrowserWindow.instances).toHaveLength(1);
    // The built page over app:// (registered as a standard, secure scheme before ready), never file://.
    expect(window().loaded).toEqual({ url: 'app://push-doctor/index.html' });
    expect(electron.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect([...electron.protocol.handlers.keys()]).toEqual(['app']);
    expect(window().options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: paths.preload });
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(electron.FakeTray.instances).toHaveLength(1);
    expect(electron.session.defaultSession.headersListener).not.toBeNull();
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
  });

  it('keeps running in the tray when the window is closed, and shows it again from the tray', async () => {
    const main = (await start())!;
    window().close();
    expect(window().visible).toBe(false);
    electron.app.emit('window-all-closed');
    expect(electron.app.quitCalls).toBe(0);
    main.showWindow();
    expect(window().visible).toBe(true);
    expect(electron.FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('focuses the window on a second launch and asks the page to open the folder it names', async () => {
    await start();
    window().webContents.emit('did-finish-load');
    window().hide();
    electron.app.emit('second-instance', {}, ['/opt/push-doctor/push-doctor', '--some-chromium-switch', 'widgets'], '/home/me/src');
    expect(window().visible).toBe(true);
    expect(window().focused).toBe(true);
    expect(sent()).toEqual([{ channel: 'repo.requested', payload: { path: '/home/me/src/widgets' } }]);

    electron.app.emit('second-instance', {}, ['/opt/push-doctor/push-doctor'], '/home/me');
    expect(sent()).toHaveLength(1);
  });

  it('asks for the folder given on its own command line once the page has loaded', async () => {
    await start(['/opt/push-doctor/push-doctor', 'repo']);
    expect(sent()).toEqual([]);
    window().webContents.emit('did-finish-load');
    expect(sent()).toEqual([{ channel: 'repo.requested', payload: { path: '/home/me/repo' } }]);
  });

  it('opens a folder dropped on the macOS dock icon', async () => {
    await start();
    window().webContents.emit('did-finish-load');
    const event = electron.fakeEvent();
    electron.app.emit('open-file', event, '/Users/me/widgets');
    expect(event.defaultPrevented).toBe(true);
    expect(sent()).toEqual([{ channel: 'repo.requested', payload: { path: '/Users/me/widgets' } }]);
  });

  it("runs the engine with the environment resolved once at start (the login shell's), not the launcher's", async () => {
    const seen: EngineContext[] = [];
    const engine = engineServices();
    let resolutions = 0;
    const loginEnv = { HOME: userData, PATH: `/opt/homebrew/bin:/usr/bin:/bin`, SSH_AUTH_SOCK: '/tmp/agent-from-profile.sock' };
    const main = await startMainProcess({
      engine: { ...engine, history: (ctx) => (seen.push(ctx), engine.history(ctx)) },
      paths,
      argv: ['/opt/push-doctor/push-doctor'],
      userEnv: async () => (resolutions++, loginEnv),
    });
    await callHandler(main!.handlers, 'fix.history', {});
    await callHandler(main!.handlers, 'fix.history', {});
    expect(resolutions).toBe(1);
    expect(seen.map((ctx) => ctx.env)).toEqual([loginEnv, loginEnv]);
    expect(seen[0]!.homeDir).toBe(userData);
  });

  it('loads the dev server in development and then sends no CSP header', async () => {
    await startMainProcess({ engine: engineServices(), paths: { ...paths, devServerUrl: 'http://localhost:5173/' }, argv: ['electron'] });
    expect(window().loaded).toEqual({ url: 'http://localhost:5173/' });
    expect(electron.session.defaultSession.headersListener).toBeNull();
    expect(electron.protocol.handlers.size).toBe(0);
  });
});
