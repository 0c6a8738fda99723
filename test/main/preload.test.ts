import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNELS, methodName, REQUEST_CHANNELS, type PushDoctorApi } from '../../app/contract/channels.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');

let api: PushDoctorApi;
beforeAll(async () => {
  electron.resetFakeElectron();
  await import('../../main/preload/index.js');
  api = electron.contextBridge.exposed.pushDoctor as PushDoctorApi;
});

describe('preload', () => {
  it('exposes exactly the domain API as window.pushDoctor: one method per channel, on, pathForDroppedFile', () => {
    expect(Object.keys(electron.contextBridge.exposed)).toEqual(['pushDoctor']);
    expect(Object.keys(api).sort()).toEqual([...REQUEST_CHANNELS.map(methodName), 'on', 'pathForDroppedFile'].sort());
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
  });

  it('sends each method to its own channel with the payload untouched', async () => {
    for (const channel of REQUEST_CHANNELS) {
      const method = (api as unknown as Record<string, (request: unknown) => Promise<unknown>>)[methodName(channel)]!;
      await method({ probe: channel });
    }
    expect(electron.ipcRenderer.invoked).toEqual(REQUEST_CHANNELS.map((channel) => ({ channel, payload: { probe: channel } })));
    expect(methodName('clipboard.write')).toBe('clipboardWrite');
  });

  it('delivers events to subscribers until they unsubscribe, and only known events', () => {
    const seen: unknown[] = [];
    const off = api.on('diagnose.progress', (payload) => seen.push(payload));
    electron.ipcRenderer.emit('diagnose.progress', {}, { runId: 'r', progress: { type: 'check-started', id: 'x', remote: null, title: 'X' } });
    off();
    electron.ipcRenderer.emit('diagnose.progress', {}, { runId: 'r2' });
    expect(seen).toEqual([{ runId: 'r', progress: { type: 'check-started', id: 'x', remote: null, title: 'X' } }]);
    expect(() => api.on('ipc.raw' as never, () => {})).toThrow(/Unknown event/);
    expect(EVENT_CHANNELS.every((event) => electron.ipcRenderer.listenerCount(event) === 1)).toBe(true);
  });

  it('keeps a folder requested before the page subscribed and hands it to the first subscriber', () => {
    electron.ipcRenderer.emit('repo.requested', {}, { path: '/home/me/widgets' });
    const seen: unknown[] = [];
    const off = api.on('repo.requested', (payload) => seen.push(payload));
    electron.ipcRenderer.emit('repo.requested', {}, { path: '/home/me/other' });
    off();
    expect(seen).toEqual([{ path: '/home/me/widgets' }, { path: '/home/me/other' }]);
  });

  it('resolves a dropped file to its path through webUtils, or null', () => {
    expect(api.pathForDroppedFile({ path: '/home/me/widgets' } as unknown as File)).toBe('/home/me/widgets');
    expect(api.pathForDroppedFile({} as unknown as File)).toBeNull();
  });

  it('bundles into one CommonJS file that requires nothing but electron (a sandboxed preload)', async () => {
    const result = await build({
      entryPoints: [path.resolve('main/preload/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/\bimport\(|from ["']node:/);
  });
});
