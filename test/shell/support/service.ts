import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { EventChannel, EventChannels } from '../../../app/contract/channels.js';
import type { EngineServices } from '../../../app/service/engine.js';
import { createHandlers, type HandlerTable } from '../../../app/service/handlers.js';
import { createRetester, type Retester } from '../../../app/service/retest.js';
import type { EventSink, ShellServices } from '../../../app/service/shell-services.js';
import { createStateStore, type StateStore } from '../../../app/service/state-store.js';
import { createHome, type TestHome } from '../../support/home.js';
import { createEngineDouble, type EngineDouble } from './engine-double.js';

/** Records what the handlers asked of the desktop. */
export interface RecordingShell extends ShellServices {
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
  /** The engine double (also when `engine` was passed, to keep the type simple: then it is unused). */
  engine: EngineDouble;
  store: StateStore;
  retester: Retester;
  shell: RecordingShell;
  events: RecordedEvent[];
  cleanup(): Promise<void>;
}

/** The real handler table in a throwaway home, with the engine double and a recording shell. */
export async function createTestService(options: { repo?: string; engine?: EngineServices } = {}): Promise<TestService> {
  const home = await createHome('push-doctor-shell-');
  const repo = options.repo ? await realpath(await home.repo(options.repo)) : '';
  const stateDir = path.join(home.dir, 'user-data');
  const engine = createEngineDouble();
  const store = createStateStore(stateDir);
  const events: RecordedEvent[] = [];
  const sink: EventSink = { emit: (event, payload) => events.push({ event, payload }) };
  const shell: RecordingShell = {
    copied: [],
    opened: [],
    nextFolder: null,
    clipboard: { writeText: (text) => void shell.copied.push(text) },
    openExternal: async (url) => void shell.opened.push(url),
    chooseFolder: async () => shell.nextFolder,
  };
  const createContext = ({ timeoutMs }: { timeoutMs: number }) => home.context({ timeoutMs });
  const used = options.engine ?? engine;
  const retester = createRetester({ engine: used, store, events: sink, createContext });
  const handlers = createHandlers({ engine: used, shell, store, events: sink, createContext, retester });
  return {
    home,
    repo,
    stateDir,
    handlers,
    engine,
    store,
    retester,
    shell,
    events,
    async cleanup() {
      retester.dispose();
      await home.cleanup();
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
