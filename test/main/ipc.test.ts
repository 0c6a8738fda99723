import { realpath } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '../../app/contract/channels.js';
import type { HandlerTable } from '../../app/service/handlers.js';
import { createTestService, type TestService } from './support/service.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { isAppUrl, registerIpc } = await import('../../main/ipc.js');

const INDEX = 'app://push-doctor/index.html';
const APP_ORIGIN = { kind: 'app', indexUrl: INDEX } as const;

describe('isAppUrl', () => {
  it('accepts exactly our index.html (with any hash or query) or the dev server origin', () => {
    expect(isAppUrl(INDEX, APP_ORIGIN)).toBe(true);
    expect(isAppUrl(`${INDEX}#/diagnose?x=1`, APP_ORIGIN)).toBe(true);
    expect(isAppUrl('http://localhost:5173/index.html', { kind: 'dev', origin: 'http://localhost:5173' })).toBe(true);
  });

  it.each([
    'app://push-doctor/other.html',
    'app://push-doctor/assets/index.html',
    'app://evil/index.html',
    'app://push-doctor.evil/index.html',
    'app://push-doctor:8080/index.html',
    'App2://push-doctor/index.html',
    // The page used to come from file://: a file page is never ours now.
    'file:///opt/push-doctor/resources/app.asar/out/renderer/index.html',
    'file:///tmp/evil/index.html',
    'https://bitbucket.org/',
    'http://localhost:5173/',
    'about:blank',
    'data:text/html,hi',
    '',
  ])('refuses %s for the packaged app', (url) => {
    expect(isAppUrl(url, APP_ORIGIN)).toBe(false);
  });

  it('refuses other origins for the dev server', () => {
    const dev = { kind: 'dev', origin: 'http://localhost:5173' } as const;
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl(INDEX, dev)).toBe(false);
  });
});

describe('registerIpc', () => {
  let service: TestService;
  let window: InstanceType<typeof electron.FakeBrowserWindow>;
  let refused: string[];
  let handlers: HandlerTable;
  let called: string[];

  beforeEach(async () => {
    electron.resetFakeElectron();
    service = await createTestService();
    window = new electron.FakeBrowserWindow({ width: 900, height: 640 });
    window.webContents.mainFrame = new electron.FakeWebFrame(INDEX, null, 7, 3);
    refused = [];
    called = [];
    // The real handlers, wrapped to see whether a refused request ever reached them.
    handlers = Object.fromEntries(
      REQUEST_CHANNELS.map((channel) => [channel, (payload: unknown) => (called.push(channel), service.handlers[channel](payload))]),
    ) as unknown as HandlerTable;
    registerIpc(handlers, { window: () => window as never, appOrigin: APP_ORIGIN, onRefused: (channel, url) => refused.push(`${channel} ${url}`) });
  });
  afterEach(async () => {
    await service.cleanup();
  });

  const invoke = (channel: string, payload: unknown, event: object) => electron.ipcMain.handlers.get(channel)!(event, payload);
  const fromMainFrame = () => ({ sender: window.webContents, senderFrame: window.webContents.mainFrame });

  it('registers one handler per request channel, and removing them unregisters all', () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(() => registerIpc(handlers, { window: () => null, appOrigin: APP_ORIGIN })).toThrow(/second handler/);
  });

  it('serves our main frame through the validated handlers', async () => {
    const repo = await realpath(await service.home.repo('widgets'));
    expect(await invoke('repo.open', { path: repo }, fromMainFrame())).toMatchObject({ ok: true, value: { path: repo } });
    expect(await invoke('repo.open', { path: 'relative' }, fromMainFrame())).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await invoke('settings.get', { extra: 1 }, fromMainFrame())).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it.each([
    ['a frame showing another page', () => ({ sender: window.webContents, senderFrame: new electron.FakeWebFrame('https://evil.example/', null, 7, 3) })],
    ['a subframe', () => ({ sender: window.webContents, senderFrame: new electron.FakeWebFrame(INDEX, window.webContents.mainFrame, 7, 4) })],
    ['another frame of the same process', () => ({ sender: window.webContents, senderFrame: new electron.FakeWebFrame(INDEX, null, 7, 9) })],
    ['another web contents', () => ({ sender: new electron.FakeWebContents(), senderFrame: window.webContents.mainFrame })],
    ['a frame that is gone', () => ({ sender: window.webContents, senderFrame: null })],
    ['a local file', () => ({ sender: window.webContents, senderFrame: new electron.FakeWebFrame('file:///tmp/evil.html', null, 7, 3) })],
    ['another page of our origin', () => ({ sender: window.webContents, senderFrame: new electron.FakeWebFrame('app://push-doctor/assets/evil.html', null, 7, 3) })],
  ])('refuses %s without reaching the handler', async (_label, event) => {
    for (const channel of ['clipboard.write', 'external.open', 'settings.set']) {
      expect(await invoke(channel, {}, event())).toEqual({ ok: false, error: { code: 'untrusted-sender', message: 'This request did not come from the Push Doctor window.' } });
    }
    expect(called).toEqual([]);
    expect(refused).toHaveLength(3);
  });

  it('refuses everything once the window is destroyed', async () => {
    window.destroyed = true;
    expect(await invoke('recent.list', {}, fromMainFrame())).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(called).toEqual([]);
  });

  it('returns a typed error, never a stack, if a handler throws', async () => {
    electron.ipcMain.handlers.clear();
    const throwing = Object.fromEntries(REQUEST_CHANNELS.map((channel) => [channel, () => Promise.reject(new Error('kaboom\n    at secret (/app/main.js:1:1)'))])) as unknown as HandlerTable;
    registerIpc(throwing, { window: () => window as never, appOrigin: APP_ORIGIN });
    expect(await invoke('recent.list', {}, fromMainFrame())).toEqual({ ok: false, error: { code: 'failed', message: 'kaboom' } });
  });
});
