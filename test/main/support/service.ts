import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ContextOptions, EngineContext } from '../../../app/context.js';
import type { EventChannel, EventChannels } from '../../../app/contract/channels.js';
import type { EngineServices } from '../../../app/service/engine.js';
import { engineServices } from '../../../app/service/engine-wiring.js';
import { createService, type HandlerTable } from '../../../app/service/handlers.js';
import type { Retester } from '../../../app/service/retest.js';
import type { EventSink, MainServices } from '../../../app/service/main-services.js';
import { createStateStore, type StateStore } from '../../../app/service/state-store.js';
import { createHome, type TestHome } from '../../support/home.js';

/** Records what the handlers asked of the main process. */
export interface RecordingMain extends MainServices {
  copied: string[];
  opened: string[];
  /** What chooseFolder answers next (null: the user cancelled). */
  nextFolder: string | null;
}

export interface RecordedEvent {
  event: EventChannel;
  payload: EventChannels[EventChannel];
}

export interface TestService {
  home: TestHome;
  /** The repository created with `createTestService({ repo })` (its real path), or ''. */
  repo: string;
  stateDir: string;
  handlers: HandlerTable;
  store: StateStore;
  retester: Retester;
  main: RecordingMain;
  events: RecordedEvent[];
  /** Every engine context the service made (one per request or re-test): none means the engine was not reached. */
  contexts: EngineContext[];
  /** Runs `stop` at cleanup, before the home is removed (servers a test starts). */
  defer(stop: () => Promise<void>): void;
  cleanup(): Promise<void>;
}

/**
 * The real handler table on the real engine in a throwaway home, with a recording main process. `engine`
 * replaces it only where a test must produce a failure the real engine never has (see its callers).
 */
export interface TestServiceOptions {
  repo?: string;
  engine?: EngineServices;
  /** Serve this home instead of a new one (its owner removes it: cleanup leaves it). */
  home?: TestHome;
  /** Engine context options that replace the settings' (a probe timeout below the settings' minimum, Data Center hosts). */
  context?: Omit<ContextOptions, 'env'>;
  /** Changes each request's engine context (e.g. the account API seam). */
  adjustContext?: (ctx: EngineContext) => EngineContext;
}

export async function createTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const home = options.home ?? (await createHome('push-doctor-main-'));
  const repo = options.repo ? await realpath(await home.repo(options.repo)) : '';
  const stateDir = path.join(home.dir, 'user-data');
  const engine = options.engine ?? engineServices();
  const store = createStateStore(stateDir);
  const events: RecordedEvent[] = [];
  const contexts: EngineContext[] = [];
  const deferred: Array<() => Promise<void>> = [];
  const sink: EventSink = { emit: (event, payload) => events.push({ event, payload }) };
  const main: RecordingMain = {
    copied: [],
    opened: [],
    nextFolder: null,
    clipboard: { writeText: (text) => void main.copied.push(text) },
    openExternal: async (url) => void main.opened.push(url),
    chooseFolder: async () => main.nextFolder,
  };
  const createContext = ({ timeoutMs }: { timeoutMs: number }) => {
    const base = home.context({ timeoutMs, ...options.context });
    const ctx = options.adjustContext ? options.adjustContext(base) : base;
    contexts.push(ctx);
    return ctx;
  };
  const { handlers, retester } = createService({ engine, main, store, events: sink, createContext });
  return {
    home,
    repo,
    stateDir,
    handlers,
    store,
    retester,
    main,
    events,
    contexts,
    defer: (stop) => void deferred.push(stop),
    async cleanup() {
      retester.dispose();
      for (const stop of deferred.reverse()) await stop();
      if (!options.home) await home.cleanup();
    },
  };
}

/** A fresh test service for every test of the calling describe block, cleaned up after each. */
export function useTestService(options: { repo?: string }, receive: (service: TestService) => void): void {
  let current: TestService | undefined;
  beforeEach(async () => {
    current = await createTestService(options);
    receive(current);
  });
  afterEach(async () => {
    await current?.cleanup();
  });
}
