import type { EngineContext } from '../context.js';
import type { RecentRepo } from '../contract/channels.js';
import type { RepoTestResult } from '../contract/fixes.js';
import type { DiagnoseReport } from '../contract/report.js';
import { reportResult } from '../diagnose/test-repos.js';
import type { EngineServices } from './engine.js';
import { ServiceError } from './errors.js';
import type { EventSink } from './main-services.js';
import type { StateStore } from './state-store.js';
import { withAppState } from './trust.js';

export type TrayState = 'ok' | 'failing' | 'untested';

/** The tray's summary of the recent repositories: failing if any fails, ok if every tested one works. */
export function trayState(recent: readonly RecentRepo[]): TrayState {
  const tested = recent.filter((repo) => repo.lastResult !== null);
  if (tested.length === 0) return 'untested';
  return tested.some((repo) => repo.lastResult!.status !== 'ok') ? 'failing' : 'ok';
}

/**
 * A diagnosis as a test result, summarised like the re-test does (so the recent list and the tray
 * say the same whichever ran last); null when it says nothing about pushing.
 */
export function resultFromReport(report: DiagnoseReport, testedAt: Date): RepoTestResult | null {
  return report.verdict === 'unknown' ? null : reportResult(report, testedAt.toISOString());
}

/** A repository whose state differs from its previous test. */
export interface StateChange {
  path: string;
  name: string;
  before: RepoTestResult['status'];
  after: RepoTestResult['status'];
  result: RepoTestResult;
}

/** Repositories that were tested before and whose status is different now. */
export function stateChanges(previous: readonly RecentRepo[], results: readonly RepoTestResult[]): StateChange[] {
  const changes: StateChange[] = [];
  for (const result of results) {
    const repo = previous.find((r) => r.path === result.path);
    const before = repo?.lastResult?.status;
    if (repo && before && before !== result.status) changes.push({ path: repo.path, name: repo.name, before, after: result.status, result });
  }
  return changes;
}

export type RetestEvent = { type: 'started' } | { type: 'finished'; results: RepoTestResult[]; changes: StateChange[] } | { type: 'failed'; error: unknown };

export interface RetestDeps {
  engine: Pick<EngineServices, 'testRepos'>;
  store: StateStore;
  events: EventSink;
  createContext(options: { timeoutMs: number }): EngineContext;
}

export interface Retester {
  /** Tests every recent repository; while one run is going, callers share it. */
  run(): Promise<RepoTestResult[]>;
  readonly running: boolean;
  subscribe(listener: (event: RetestEvent) => void): () => void;
  /** Re-tests every `minutes` (0 stops); follows the retestIntervalMinutes setting once `start` ran. */
  schedule(minutes: number): void;
  /** Schedules from the current settings and follows their changes. */
  start(): Promise<void>;
  dispose(): void;
}

/**
 * The background re-test behind the tray and `retest.run`. It never blocks: the engine's test runs
 * git and ssh as child processes. Results go to the store (so the recent list and the tray show
 * them), to the UI as a `retest.finished` event, and to subscribers with the repositories whose state
 * changed (the tray turns those into notifications).
 */
export function createRetester(deps: RetestDeps): Retester {
  const listeners = new Set<(event: RetestEvent) => void>();
  let current: Promise<RepoTestResult[]> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let intervalMinutes = 0;
  let unsubscribeStore: (() => void) | null = null;

  const notify = (event: RetestEvent) => {
    for (const listener of listeners) listener(event);
  };

  /** Cancels the run going on (dispose: the app quits): its git and ssh processes are killed. */
  let cancelCurrent: AbortController | null = null;

  async function runOnce(): Promise<{ results: RepoTestResult[]; changes: StateChange[] }> {
    const controller = new AbortController();
    cancelCurrent = controller;
    const state = await deps.store.read();
    const recent = state.recent;
    // The same trust as a diagnosis from the window: an untrusted repository's commands never run here.
    const ctx = () => withAppState(deps.createContext({ timeoutMs: state.settings.probeTimeoutSeconds * 1000 }), state);
    // Every recent repository at once, through the engine's pool and shared probes.
    const results = recent.length === 0 ? [] : await deps.engine.testRepos(ctx(), recent.map((r) => r.path), { signal: controller.signal });
    if (controller.signal.aborted) throw new ServiceError('cancelled', 'The re-test was cancelled.');
    const changes = stateChanges(recent, results);
    await deps.store.recordResults(results);
    deps.events.emit('retest.finished', { results });
    return { results, changes };
  }

  const retester: Retester = {
    run() {
      if (current) return current;
      // `running` is true for the 'started' listeners and false again for the 'finished' ones.
      current = runOnce().then(
        ({ results, changes }) => {
          current = null;
          cancelCurrent = null;
          notify({ type: 'finished', results, changes });
          return results;
        },
        (error: unknown) => {
          current = null;
          cancelCurrent = null;
          notify({ type: 'failed', error });
          throw error;
        },
      );
      notify({ type: 'started' });
      return current;
    },
    get running() {
      return current !== null;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    schedule(minutes) {
      if (minutes === intervalMinutes && (timer !== null) === minutes > 0) return;
      if (timer) clearInterval(timer);
      timer = null;
      intervalMinutes = minutes;
      if (minutes <= 0) return;
      // A failed periodic run is reported to subscribers; it must not become an unhandled rejection.
      timer = setInterval(() => void retester.run().catch(() => {}), minutes * 60_000);
      timer.unref?.();
    },
    async start() {
      unsubscribeStore ??= deps.store.subscribe((state) => retester.schedule(state.settings.retestIntervalMinutes));
      retester.schedule((await deps.store.settings()).retestIntervalMinutes);
    },
    dispose() {
      cancelCurrent?.abort();
      unsubscribeStore?.();
      unsubscribeStore = null;
      if (timer) clearInterval(timer);
      timer = null;
      intervalMinutes = 0;
    },
  };
  return retester;
}
