import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RepoTestResult } from '../../app/contract/fixes.js';
import { DEFAULT_SETTINGS } from '../../app/contract/schemas.js';
import { callHandler } from '../../app/service/handlers.js';
import { createStateStore, defaultState, RECENT_LIMIT, STATE_FILE_NAME } from '../../app/service/state-store.js';
import { timedOutReason } from '../../app/diagnose/catalogue.js';
import { startFakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { CLOUD_HOST, CLOUD_REMOTE, hostBlock } from '../support/ssh-scenario.js';
import { createTestService, type TestService } from './support/service.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { createAppStateStore } = await import('../../main/state.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, STATE_FILE_NAME);
const readJson = async () => JSON.parse(await readFile(file(), 'utf8')) as unknown;

describe('state store', () => {
  it('starts from defaults without a file and writes only on change', async () => {
    const store = createStateStore(dir);
    expect(await store.read()).toEqual(defaultState());
    expect(await readdir(dir)).toEqual([]);
    await store.updateSettings({ notifyOnChange: false });
    expect(await readJson()).toMatchObject({ version: 1, settings: { ...DEFAULT_SETTINGS, notifyOnChange: false } });
  });

  it('creates its folder on the first write (a first start)', async () => {
    const nested = path.join(dir, 'Bitbucket Push Doctor');
    await createStateStore(nested).touchRecent({ path: '/home/me/widgets', name: 'widgets' });
    expect((await createStateStore(nested).recent()).map((r) => r.name)).toEqual(['widgets']);
  });

  it('reads back what it wrote, in a new store (a new app start)', async () => {
    const first = createStateStore(dir, { now: () => new Date('2026-11-27T10:00:00Z') });
    await first.touchRecent({ path: '/home/me/widgets', name: 'widgets' });
    await first.setWindowSize({ width: 1000.4, height: 700 });
    const second = createStateStore(dir);
    expect(await second.read()).toEqual({
      version: 1,
      recent: [{ path: '/home/me/widgets', name: 'widgets', lastOpened: '2026-11-27T10:00:00.000Z', lastResult: null }],
      settings: DEFAULT_SETTINGS,
      window: { width: 1000, height: 700 },
      trusted: [],
    });
  });

  it('reads a file written before the newer settings and repository trust existed, with their defaults', async () => {
    const { trusted: _trusted, ...older } = defaultState();
    const { bitbucketHosts: _hosts, ...olderSettings } = DEFAULT_SETTINGS;
    await writeFile(file(), JSON.stringify({ ...older, settings: { ...olderSettings, retestIntervalMinutes: 30 } }));
    const recovered: unknown[] = [];
    const store = createStateStore(dir, { onRecovered: (info) => recovered.push(info) });
    expect(await store.read()).toEqual({ ...defaultState(), settings: { ...DEFAULT_SETTINGS, retestIntervalMinutes: 30 } });
    expect(recovered).toEqual([]);
  });

  it('remembers trusted repositories (newest first, one entry each), revokes one, clears the recent list', async () => {
    const command = { id: '0123456789abcdef', kind: 'ssh-command' as const, key: 'core.sshcommand', command: 'ssh -i ~/.ssh/work', file: '/home/me/a/.git/config' };
    const store = createStateStore(dir);
    await store.trust({ path: '/home/me/a', name: 'a', trustedAt: '2026-11-27T10:00:00.000Z', commands: [command] });
    await store.trust({ path: '/home/me/b', name: 'b', trustedAt: '2026-11-27T10:01:00.000Z', commands: [] });
    await store.trust({ path: '/home/me/a', name: 'a', trustedAt: '2026-11-27T10:02:00.000Z', commands: [command] });
    expect((await createStateStore(dir).trusted()).map((t) => [t.path, t.trustedAt])).toEqual([
      ['/home/me/a', '2026-11-27T10:02:00.000Z'],
      ['/home/me/b', '2026-11-27T10:01:00.000Z'],
    ]);
    expect((await store.revokeTrust('/home/me/a')).map((t) => t.path)).toEqual(['/home/me/b']);
    await store.touchRecent({ path: '/home/me/a', name: 'a' });
    expect(await store.clearRecent()).toEqual([]);
    expect(await createStateStore(dir).read()).toMatchObject({ recent: [], trusted: [{ path: '/home/me/b' }] });
  });

  it.each([
    ['not JSON', '{"version": 1, "recent": ['],
    ['JSON of the wrong shape', '{"version": 1, "recent": "all", "settings": {}, "window": null}'],
    ['a setting out of range', JSON.stringify({ ...defaultState(), settings: { ...DEFAULT_SETTINGS, probeTimeoutSeconds: 0 } })],
    ['a relative recent path', JSON.stringify({ ...defaultState(), recent: [{ path: 'x', name: 'x', lastOpened: '2026-01-01T00:00:00Z', lastResult: null }] })],
    ['a future version', JSON.stringify({ ...defaultState(), version: 2 })],
    ['an empty file', ''],
  ])('backs up a state file with %s and starts from defaults', async (_label, content) => {
    await writeFile(file(), content);
    const recovered: Array<{ backupPath: string; reason: string }> = [];
    const store = createStateStore(dir, { now: () => new Date('2026-11-27T10:00:00.123Z'), onRecovered: (info) => recovered.push(info) });

    expect(await store.read()).toEqual(defaultState());
    const backupPath = path.join(dir, `${STATE_FILE_NAME}.corrupt-2026-11-27T10-00-00-123Z`);
    expect(recovered).toEqual([{ backupPath, reason: expect.any(String) }]);
    expect(await readFile(backupPath, 'utf8')).toBe(content);
    expect(await readJson()).toEqual(defaultState());
    // And it keeps working.
    await store.touchRecent({ path: '/home/me/widgets', name: 'widgets' });
    expect((await createStateStore(dir).recent()).map((r) => r.path)).toEqual(['/home/me/widgets']);
  });

  it('keeps the most recent repositories first, without duplicates, at most RECENT_LIMIT', async () => {
    const store = createStateStore(dir);
    for (let i = 0; i < RECENT_LIMIT + 3; i++) await store.touchRecent({ path: `/repos/r${i}`, name: `r${i}` });
    await store.touchRecent({ path: '/repos/r5', name: 'r5' });
    const recent = await store.recent();
    expect(recent).toHaveLength(RECENT_LIMIT);
    expect(recent.slice(0, 3).map((r) => r.name)).toEqual(['r5', 'r12', 'r11']);
    expect(new Set(recent.map((r) => r.path)).size).toBe(RECENT_LIMIT);
  });

  it('records results only on recent repositories and keeps them when a repository is opened again', async () => {
    const store = createStateStore(dir);
    await store.touchRecent({ path: '/repos/a', name: 'a' });
    const result: RepoTestResult = { path: '/repos/a', status: 'failing', summary: 'Bitbucket refused the password', codes: ['https.auth-rejected'], testedAt: '2026-11-27T10:00:00.000Z' };
    await store.recordResults([result, { ...result, path: '/repos/unknown' }]);
    await store.touchRecent({ path: '/repos/a', name: 'a' });
    expect(await store.recent()).toEqual([expect.objectContaining({ path: '/repos/a', lastResult: result })]);
  });

  it('serialises concurrent changes: none is lost, the file is always whole', async () => {
    const store = createStateStore(dir);
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.touchRecent({ path: `/repos/c${i}`, name: `c${i}` })));
    expect((await createStateStore(dir).recent()).map((r) => r.name).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('ignores explicit undefined values in a settings change', async () => {
    const store = createStateStore(dir);
    expect(await store.updateSettings({ retestIntervalMinutes: undefined, notifyOnChange: false })).toEqual({ ...DEFAULT_SETTINGS, notifyOnChange: false });
  });

  it('tells subscribers about every change', async () => {
    const store = createStateStore(dir);
    const seen: number[] = [];
    const unsubscribe = store.subscribe((state) => seen.push(state.recent.length));
    await store.touchRecent({ path: '/repos/a', name: 'a' });
    await store.touchRecent({ path: '/repos/b', name: 'b' });
    unsubscribe();
    await store.removeRecent('/repos/a');
    expect(seen).toEqual([1, 2]);
  });
});

describe('main/state: the store in the user-data folder', () => {
  beforeEach(() => {
    electron.resetFakeElectron();
    electron.app.paths.userData = dir;
  });

  it("lives in app.getPath('userData') and recovers from a corrupt file with a log line", async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(file(), 'garbage');
    const log: string[] = [];
    const store = createAppStateStore((line) => log.push(line));
    expect(await store.read()).toEqual(defaultState());
    expect(log).toEqual([expect.stringMatching(/saved state was unusable \(it is not valid JSON\); it was moved to .*state\.json\.corrupt-/)]);
    expect((await readdir(dir)).some((name) => name.startsWith('state.json.corrupt-'))).toBe(true);
  });
});

describe('recent.* and settings.* handlers', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await createTestService();
  });
  afterEach(async () => {
    await service.cleanup();
  });

  it('changes settings within their ranges and keeps them', async () => {
    expect(await callHandler(service.handlers, 'settings.get', {})).toEqual({ ok: true, value: DEFAULT_SETTINGS });
    expect(await callHandler(service.handlers, 'settings.set', { retestIntervalMinutes: 30, probeTimeoutSeconds: 20 })).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, retestIntervalMinutes: 30, probeTimeoutSeconds: 20 } });
    expect(await service.handlers['settings.set']({ retestIntervalMinutes: 2 })).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('5 minutes or more') } });
    expect(await callHandler(service.handlers, 'settings.get', {})).toMatchObject({ ok: true, value: { retestIntervalMinutes: 30 } });
  });

  it('gives the engine the probe timeout of the settings: a probe of a silent server ends after it', { timeout: 15_000 }, async () => {
    // Bitbucket accepts the connection and never answers. With the default 15 s this test would time out.
    const silent = await startFakeBitbucketSsh({ mode: 'silent' });
    service.defer(() => silent.stop());
    await service.home.writeSshConfig(hostBlock(CLOUD_HOST, silent.port, null));
    const repo = await service.home.repo('widgets');
    await service.home.git(['remote', 'add', 'origin', CLOUD_REMOTE], repo);

    await callHandler(service.handlers, 'settings.set', { probeTimeoutSeconds: 5 });
    // ssh's own ConnectTimeout is one second under the probe timeout, so that its message comes first.
    expect(await callHandler(service.handlers, 'ssh.verify', { path: repo })).toMatchObject({
      ok: true,
      value: { ok: false, message: `Connection timed out during banner exchange: the server accepted the connection but never sent its SSH greeting: ${timedOutReason(4000)}` },
    });
  });

  it('lists and removes recent repositories', async () => {
    const repo = await service.home.repo('widgets');
    const opened = await callHandler(service.handlers, 'repo.open', { path: repo });
    expect(opened.ok).toBe(true);
    const root = opened.ok ? opened.value.path : '';
    expect(await callHandler(service.handlers, 'recent.list', {})).toMatchObject({ ok: true, value: [{ path: root, name: 'widgets', lastResult: null }] });
    expect(await callHandler(service.handlers, 'recent.remove', { path: root })).toEqual({ ok: true, value: [] });
    await callHandler(service.handlers, 'repo.open', { path: repo });
    await callHandler(service.handlers, 'repo.open', { path: await service.home.repo('gadgets') });
    expect(await callHandler(service.handlers, 'recent.list', {})).toMatchObject({ ok: true, value: [{ name: 'gadgets' }, { name: 'widgets' }] });
    expect(await callHandler(service.handlers, 'recent.clear', {})).toEqual({ ok: true, value: [] });
    expect(await service.store.recent()).toEqual([]);
  });

  it('keeps the declared Data Center servers, normalised and validated', async () => {
    expect(await callHandler(service.handlers, 'settings.set', { bitbucketHosts: ['git.corp.example', 'bb.corp.example:7990'] })).toMatchObject({ ok: true, value: { bitbucketHosts: ['git.corp.example', 'bb.corp.example:7990'] } });
    expect(await service.handlers['settings.set']({ bitbucketHosts: ['not a host'] })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await callHandler(service.handlers, 'settings.get', {})).toMatchObject({ ok: true, value: { bitbucketHosts: ['git.corp.example', 'bb.corp.example:7990'] } });
  });
});
