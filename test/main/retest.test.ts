import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecentRepo } from '../../app/contract/channels.js';
import type { RepoTestResult } from '../../app/contract/fixes.js';
import { engineServices } from '../../app/service/engine-wiring.js';
import { callHandler } from '../../app/service/handlers.js';
import { stateChanges, trayState, type RetestEvent } from '../../app/service/retest.js';
import { PROCESS_LIST_UNAVAILABLE, processesWithHome } from './support/processes.js';
import { openServedRepos, type ServedRepos } from './support/served-repos.js';
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

describe('retest (real engine, store and scheduling; fake Bitbucket over HTTP)', () => {
  let service: TestService;
  let served: ServedRepos;
  /** [alpha, beta] */
  let repos: string[];
  beforeEach(async () => {
    service = await createTestService();
    served = await openServedRepos(service, ['alpha', 'beta']);
    repos = served.paths;
  });
  afterEach(async () => {
    vi.useRealTimers();
    await service.cleanup();
  });

  const finishedRuns = () => service.events.filter((e) => e.event === 'retest.finished').length;

  it('tests every recent repository, stores the results, emits retest.finished and reports changes', async () => {
    const seen: RetestEvent[] = [];
    service.retester.subscribe((event) => seen.push(event));
    // One result per recent repository, most recent first.
    expect(await callHandler(service.handlers, 'retest.run', {})).toMatchObject({ ok: true, value: [{ path: repos[1], status: 'ok' }, { path: repos[0], status: 'ok' }] });

    // alpha's account is gone: Bitbucket rejects the token saved for it.
    served.server.removeAccount(served.account('alpha').username);
    const second = await callHandler(service.handlers, 'retest.run', {});
    expect(second).toMatchObject({ ok: true, value: [{ path: repos[1], status: 'ok' }, { path: repos[0], status: 'failing', codes: ['https.token-refused'] }] });
    expect((await service.store.recent()).find((r) => r.path === repos[0])?.lastResult?.status).toBe('failing');
    expect(service.events.filter((e) => e.event === 'retest.finished')).toHaveLength(2);
    const finished = seen.filter((e) => e.type === 'finished');
    expect(finished.map((e) => e.type === 'finished' && e.changes.map((c) => [c.name, c.before, c.after]))).toEqual([[], [['alpha', 'ok', 'failing']]]);
  });

  it('shares one run between callers while it is going', async () => {
    const [a, b] = await Promise.all([service.retester.run(), service.retester.run()]);
    expect(a).toBe(b);
    expect(finishedRuns()).toBe(1);
    // One push check per repository reached Bitbucket: the engine ran once.
    expect(served.server.requests.filter((r) => r.service === 'git-receive-pack' && r.status === 200).map((r) => r.user).sort()).toEqual(['alpha-dev', 'beta-dev']);
    expect(service.retester.running).toBe(false);
  });

  it('stores a repository that can no longer be tested as an error, with the reason', async () => {
    await rm(repos[0]!, { recursive: true, force: true });
    expect(await callHandler(service.handlers, 'retest.run', {})).toMatchObject({
      ok: true,
      value: [{ path: repos[1], status: 'ok' }, { path: repos[0], status: 'error', summary: `${repos[0]} does not exist.` }],
    });
    expect((await service.store.recent()).find((r) => r.path === repos[0])?.lastResult).toMatchObject({ status: 'error', summary: `${repos[0]} does not exist.` });
  });

  it(`is cancelled when disposed (the app quits): every probe process is killed and nothing is stored${PROCESS_LIST_UNAVAILABLE ? ` (processes not checked: ${PROCESS_LIST_UNAVAILABLE})` : ''}`, async () => {
    // Bitbucket holds its answers far longer than this test may run: only the cancel ends the run.
    await callHandler(service.handlers, 'settings.set', { probeTimeoutSeconds: 120 });
    served.server.setDelay(60_000);
    const seen: RetestEvent[] = [];
    service.retester.subscribe((event) => seen.push(event));
    const running = callHandler(service.handlers, 'retest.run', {});
    await vi.waitFor(() => expect(served.server.peakInFlight).toBeGreaterThan(0), { timeout: 20_000 });
    if (!PROCESS_LIST_UNAVAILABLE) expect(await processesWithHome(service.home.dir)).not.toEqual([]);

    service.retester.dispose();
    expect(await running).toEqual({ ok: false, error: { code: 'cancelled', message: 'The re-test was cancelled.' } });
    if (!PROCESS_LIST_UNAVAILABLE) await vi.waitFor(async () => expect(await processesWithHome(service.home.dir)).toEqual([]));
    expect(seen.map((e) => e.type)).toEqual(['started', 'failed']);
    expect((await service.store.recent()).every((r) => r.lastResult === null)).toBe(true);
    expect(finishedRuns()).toBe(0);
  });

  it('re-tests periodically once the setting is on, and stops when it is turned off', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await service.retester.start();

    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(finishedRuns()).toBe(0);

    await callHandler(service.handlers, 'settings.set', { retestIntervalMinutes: 15 });
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await waitFor(() => finishedRuns() === 1 && !service.retester.running, 10_000);
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await waitFor(() => finishedRuns() === 2 && !service.retester.running, 10_000);

    await callHandler(service.handlers, 'settings.set', { retestIntervalMinutes: 0 });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(finishedRuns()).toBe(2);
  });
});

/**
 * The real testRepos never rejects: each repository it cannot test becomes a result with status
 * "error" (see above). Only to prove what the retester does when the engine itself fails, testRepos
 * is replaced by one that does.
 */
describe('retest when the engine fails', () => {
  it('reports the failure as a typed error and stores nothing', async () => {
    const service = await createTestService({ engine: { ...engineServices(), testRepos: () => Promise.reject(new Error('boom')) } });
    try {
      await callHandler(service.handlers, 'repo.open', { path: await service.home.repo('alpha') });
      const seen: RetestEvent[] = [];
      service.retester.subscribe((event) => seen.push(event));
      expect(await callHandler(service.handlers, 'retest.run', {})).toEqual({ ok: false, error: { code: 'failed', message: 'boom' } });
      expect(seen.map((e) => e.type)).toEqual(['started', 'failed']);
      expect((await service.store.recent()).every((r) => r.lastResult === null)).toBe(true);
      expect(service.events).toEqual([]);
    } finally {
      await service.cleanup();
    }
  });
});
