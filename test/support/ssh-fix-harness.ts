import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { generateHostKeys, type FakeBitbucketSsh } from './bitbucket-ssh.js';
import { createHome, type TestHome } from './home.js';
import { startPublishedKeysServer, type PublishedKeysServer } from './published-host-keys.js';
import { startAgent, startCloudScenario, type CloudScenarioOptions } from './ssh-scenario.js';

/**
 * Per-test fixtures for the SSH fix tests: a throwaway home whose app state lives OUTSIDE it (so
 * the home can be compared byte for byte after undo; the CLI finds it through XDG_STATE_HOME), the
 * fake Bitbucket SSH server, a real ssh-agent, and the stand-in for Bitbucket's published host
 * key list. Everything started is stopped after each test.
 */
export interface SshFixHarness {
  readonly home: TestHome;
  /** The engine context of the home (its env is the home's env). */
  readonly ctx: EngineContext;
  /** XDG_STATE_HOME: the app's state folder is `<stateRoot>/push-doctor`. */
  readonly stateRoot: string;
  /** The user's files: the home without the agent's socket. */
  agentSocketPath(): string;
  /** A fake Cloud server holding acme/widgets and a repository pointing at it (see startCloudScenario). */
  cloud(options?: CloudScenarioOptions): ReturnType<typeof startCloudScenario>;
  /** A real ssh-agent on `<home>/agent.sock`. */
  agent(): ReturnType<typeof startAgent>;
  /** Serves `lines` as Bitbucket's published list and points the engine's seam at it. */
  publishHostKeys(lines: string[]): Promise<PublishedKeysServer>;
  /** The fake server's host keys, as Bitbucket's list writes them. */
  listOf(server: FakeBitbucketSsh): string[];
  onCleanup(cleanup: () => unknown): void;
}

export function useSshFixHarness(prefix: string): SshFixHarness {
  let home: TestHome;
  let ctx: EngineContext;
  let stateRoot: string;
  const cleanups: Array<() => unknown> = [];

  beforeAll(() => {
    generateHostKeys();
  });
  beforeEach(async () => {
    home = await createHome(prefix);
    stateRoot = await mkdtemp(path.join(os.tmpdir(), `${prefix}state-`));
    home.env.XDG_STATE_HOME = stateRoot;
    ctx = home.context();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await home.cleanup();
    await rm(stateRoot, { recursive: true, force: true });
  });

  return {
    get home() {
      return home;
    },
    get ctx() {
      return ctx;
    },
    get stateRoot() {
      return stateRoot;
    },
    agentSocketPath: () => path.join(home.dir, 'agent.sock'),
    async cloud(options = {}) {
      const scenario = await startCloudScenario(home, options);
      cleanups.push(() => scenario.server.stop());
      return scenario;
    },
    async agent() {
      const started = await startAgent(home);
      cleanups.push(() => started.stop());
      return started;
    },
    async publishHostKeys(lines) {
      const server = await startPublishedKeysServer(lines);
      cleanups.push(() => server.stop());
      ctx.publishedHostKeys = server.source;
      return server;
    },
    listOf: (server) => server.hostKeys.map((k) => `bitbucket.org ${k.line}`),
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
