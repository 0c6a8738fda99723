import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecentRepo } from '../../app/contract/channels.js';
import type { RepoTestResult } from '../../app/contract/fixes.js';
import { callHandler } from '../../app/service/handlers.js';
import { stateChanges, trayState, type RetestEvent } from '../../app/service/retest.js';
import { createTestService, type TestService } from './support/service.js';
import { waitFor } from './support/wait.js';

const result = (path: string, status: RepoTestResult['status']): RepoTestResult => ({ path, status, summary: status, codes: [], testedAt: '2026-11-27T10:00:00.000Z' });
const recent = (path: string, status: RepoTestResult['status'] | null): RecentRepo => ({ path, name: path.slice(1), lastOpened: '2026-11-27T09:00:00.000Z', lastResult: status ? result(path, status) : null });

describe('trayState and stateChanges', () => {
  it('is untested until something was tested, failing if any tested repository fails, ok otherwise', () => {
    expect(trayState([])).toBe('untested');
    expect(trayState([recent('/a', null)])).toBe('untested');
    expect(trayState([recent('/a', 'ok'), recent('/b', null)])).toBe('ok');
    expect(trayState([recent('/a', 'ok'), recent('/b', 'failing')])).toBe('failing');
    expect(trayState([recent('/a', 'error')])).toBe('failing');
  });

  it('reports repositories whose status changed, not first tests or unchanged ones', () => {
    const before = [recent('/a', 'ok'), recent('/b', 'failing'), recent('/c', null)];
    const changes = stateChanges(before, [result('/a', 'failing'), result('/b', 'failing'), result('/c', 'ok')]);
    expect(changes).toEqual([{ path: '/a', name: 'a', before: 'ok', after: 'failing', result: result('/a', 'failing') }]);
  });
});

describe('retest (real store and scheduling, engine double)', () => {
  let service: TestService;
  let repos: string[];
  beforeEach(async () => {
    service = await createTestService();
    repos = [];
    for (const name of ['alpha', 'beta']) {
      const opened = await callHandler(service.handlers, 'repo.open', { path: await service.home.repo(name) });
      if (opened.ok) repos.push(opened.value.path);
    }
  });
  afterEach(async () => {
    vi.useRealTimers();
    await service.cleanup();
  });

  it('tests every recent repository, stores the results, emits retest.finished and reports changes', async () => {
    const seen: RetestEvent[] = [];
    service.retester.subscribe((event) => seen.push(event));
    expect(await callHandler(service.handlers, 'retest.run', {})).toMatchObject({ ok: true, value: [{ status: 'ok' }, { status: 'ok' }] });
    expect(service.engine.calls.filter((c) => c.method === 'testRepos').map((c) => c.args[1])).toEqual([[repos[1], repos[0]]]);

    service.engine.statuses.set(repos[0]!, 'failing');
    const second = await callHandler(service.handlers, 'retest.run', {});
    expect(second).toMatchObject({ ok: true });
    expect((await service.store.recent()).find((r) => r.path === repos[0])?.lastResult?.status).toBe('failing');
    expect(service.events.filter((e) => e.event === 'retest.finished')).toHaveLength(2);
    const finished = seen.filter((e) => e.type === 'finished');
    expect(finished.map((e) => e.type === 'finished' && e.changes.map((c) => [c.name, c.before, c.after]))).toEqual([[], [['alpha', 'ok', 'failing']]]);
  });

  it('shares one run between callers while it is going', async () => {
    const [a, b] = await Promise.all([service.retester.run(), service.retester.run()]);
    expect(a).toBe(b);
    expect(service.engine.calls.filter((c) => c.method === 'testRepos')).toHaveLength(1);
    expect(service.retester.running).toBe(false);
  });

  it('reports an engine failure as a typed error and stores nothing', async () => {
    service.engine.failures.set('testRepos', new Error('boom'));
    expect(await callHandler(service.handlers, 'retest.run', {})).toEqual({ ok: false, error: { code: 'failed', message: 'boom' } });
    expect((await service.store.recent()).every((r) => r.lastResult === null)).toBe(true);
  });

  it('re-tests periodically once the setting is on, and stops when it is turned off', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await service.retester.start();
    const runs = () => service.engine.calls.filter((c) => c.method === 'testRepos').length;

    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(runs()).toBe(0);

    await callHandler(service.handlers, 'settings.set', { retestIntervalMinutes: 15 });
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await waitFor(() => runs() === 1 && !service.retester.running);
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await waitFor(() => runs() === 2 && !service.retester.running);

    await callHandler(service.handlers, 'settings.set', { retestIntervalMinutes: 0 });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(runs()).toBe(2);
  });
});
