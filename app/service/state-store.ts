import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecentRepo, Settings } from '../contract/channels.js';
import { REPO_COMMAND_KINDS, type RepoCommand, type TrustedRepo } from '../contract/trust.js';
import type { RepoTestResult } from '../contract/fixes.js';
import { DEFAULT_SETTINGS, isAbsolutePath, settingsSchema } from '../contract/schemas.js';
import { removeStaleTemps, writeFileAtomic } from '../fix/atomic-write.js';

export const STATE_FILE_NAME = 'state.json';
export const RECENT_LIMIT = 10;
/** Repositories remembered as trusted; the oldest trust is dropped beyond this (it is asked for again). */
export const TRUSTED_LIMIT = 100;

export interface WindowSize {
  width: number;
  height: number;
}

/** Everything the app remembers between runs. */
export interface AppState {
  version: 1;
  recent: RecentRepo[];
  settings: Settings;
  window: WindowSize | null;
  /** Repositories the user trusted to run their own commands, newest first. */
  trusted: TrustedRepo[];
}

const isoDate = z.string().max(64).refine((value) => !Number.isNaN(Date.parse(value)), { error: 'not a date' });

const repoTestResultSchema: z.ZodType<RepoTestResult> = z.strictObject({
  path: z.string().max(4096),
  status: z.enum(['ok', 'failing', 'error']),
  summary: z.string().max(2000),
  codes: z.array(z.string().max(100)).max(100),
  testedAt: isoDate,
});

const recentRepoSchema: z.ZodType<RecentRepo> = z.strictObject({
  path: z.string().min(1).max(4096).refine(isAbsolutePath),
  name: z.string().max(1000),
  lastOpened: isoDate,
  lastResult: repoTestResultSchema.nullable(),
});

const repoCommandSchema: z.ZodType<RepoCommand> = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  kind: z.enum(REPO_COMMAND_KINDS),
  key: z.string().max(1000),
  command: z.string().max(10_000),
  file: z.string().max(4096).nullable(),
});

const trustedRepoSchema: z.ZodType<TrustedRepo> = z.strictObject({
  path: z.string().min(1).max(4096).refine(isAbsolutePath),
  name: z.string().max(1000),
  trustedAt: isoDate,
  commands: z.array(repoCommandSchema).max(200),
});

const appStateSchema: z.ZodType<AppState> = z.strictObject({
  version: z.literal(1),
  recent: z.array(recentRepoSchema).max(RECENT_LIMIT),
  settings: settingsSchema,
  window: z.strictObject({ width: z.int().min(200).max(20_000), height: z.int().min(200).max(20_000) }).nullable(),
  // A state file written before repository trust existed trusts nothing.
  trusted: z.array(trustedRepoSchema).max(TRUSTED_LIMIT).default([]),
});

export function defaultState(): AppState {
  return { version: 1, recent: [], settings: { ...DEFAULT_SETTINGS }, window: null, trusted: [] };
}

export interface StateStoreOptions {
  now?: () => Date;
  /** Told when a corrupt or invalid state file was moved aside and replaced by defaults. */
  onRecovered?: (info: { backupPath: string; reason: string }) => void;
}

/** Recent repositories, settings and the window size, kept in one JSON file. */
export interface StateStore {
  read(): Promise<AppState>;
  recent(): Promise<RecentRepo[]>;
  settings(): Promise<Settings>;
  /** Puts the repository first in the recent list (keeping its last result). */
  touchRecent(repo: { path: string; name: string }): Promise<RecentRepo[]>;
  removeRecent(repoPath: string): Promise<RecentRepo[]>;
  clearRecent(): Promise<RecentRepo[]>;
  /** Stores test results on the recent repositories they are for (others are ignored). */
  recordResults(results: readonly RepoTestResult[]): Promise<RecentRepo[]>;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  trusted(): Promise<TrustedRepo[]>;
  /** Remembers that the repository may run these commands (replacing an earlier trust of it). */
  trust(repo: TrustedRepo): Promise<TrustedRepo[]>;
  revokeTrust(repoPath: string): Promise<TrustedRepo[]>;
  setWindowSize(size: WindowSize): Promise<void>;
  /** Called after every change; returns an unsubscribe function. */
  subscribe(listener: (state: AppState) => void): () => void;
}

/**
 * A state store on disk in `dir` (the app's user-data folder). The file is validated on read: a
 * file that is not JSON or does not match the schema is renamed aside (state.json.corrupt-<time>)
 * and replaced by defaults, so a damaged file never stops the app. Writes are atomic and serialised.
 */
export function createStateStore(dir: string, options: StateStoreOptions = {}): StateStore {
  const file = path.join(dir, STATE_FILE_NAME);
  const now = options.now ?? (() => new Date());
  const listeners = new Set<(state: AppState) => void>();
  let loading: Promise<AppState> | null = null;
  /** Changes run one after another: each reads the state the previous one left. */
  let queue: Promise<unknown> = Promise.resolve();

  const load = () => (loading ??= loadState(file, now, options.onRecovered));

  function update(change: (state: AppState) => AppState): Promise<AppState> {
    const task = queue.then(async () => {
      const next = change(await load());
      // Memory first: if the disk refuses the write, this session still works (the caller sees the error).
      loading = Promise.resolve(next);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
      for (const listener of listeners) listener(next);
      return next;
    });
    queue = task.catch(() => {});
    return task;
  }

  return {
    read: load,
    recent: async () => (await load()).recent,
    settings: async () => (await load()).settings,
    async touchRecent(repo) {
      const state = await update((s) => {
        const existing = s.recent.find((r) => r.path === repo.path);
        const entry: RecentRepo = { path: repo.path, name: repo.name, lastOpened: now().toISOString(), lastResult: existing?.lastResult ?? null };
        return { ...s, recent: [entry, ...s.recent.filter((r) => r.path !== repo.path)].slice(0, RECENT_LIMIT) };
      });
      return state.recent;
    },
    async removeRecent(repoPath) {
      return (await update((s) => ({ ...s, recent: s.recent.filter((r) => r.path !== repoPath) }))).recent;
    },
    async clearRecent() {
      return (await update((s) => ({ ...s, recent: [] }))).recent;
    },
    trusted: async () => (await load()).trusted,
    async trust(repo) {
      return (await update((s) => ({ ...s, trusted: [repo, ...s.trusted.filter((t) => t.path !== repo.path)].slice(0, TRUSTED_LIMIT) }))).trusted;
    },
    async revokeTrust(repoPath) {
      return (await update((s) => ({ ...s, trusted: s.trusted.filter((t) => t.path !== repoPath) }))).trusted;
    },
    async recordResults(results) {
      const byPath = new Map(results.map((r) => [r.path, r]));
      const state = await update((s) => ({ ...s, recent: s.recent.map((r) => ({ ...r, lastResult: byPath.get(r.path) ?? r.lastResult })) }));
      return state.recent;
    },
    async updateSettings(patch) {
      // An explicit `undefined` (structured clone keeps them) must not erase a setting.
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      return (await update((s) => ({ ...s, settings: { ...s.settings, ...defined } }))).settings;
    },
    async setWindowSize(size) {
      await update((s) => ({ ...s, window: { width: Math.round(size.width), height: Math.round(size.height) } }));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function loadState(file: string, now: () => Date, onRecovered: StateStoreOptions['onRecovered']): Promise<AppState> {
  // A write killed before its rename left the old file whole and a temp file beside it: remove that.
  await removeStaleTemps(file).catch(() => []);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultState();
    return recover(file, now, `it could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, onRecovered);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return recover(file, now, 'it is not valid JSON', onRecovered);
  }
  const parsed = appStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return recover(file, now, `it does not match the expected shape (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'})`, onRecovered);
  }
  return parsed.data;
}

async function recover(file: string, now: () => Date, reason: string, onRecovered: StateStoreOptions['onRecovered']): Promise<AppState> {
  const backupPath = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(file, backupPath);
  } catch {
    // Could not move it aside (gone, or a folder): defaults still apply, the next write replaces it.
  }
  const state = defaultState();
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`).catch(() => {});
  onRecovered?.({ backupPath, reason });
  return state;
}
