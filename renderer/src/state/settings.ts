/**
 * The Settings screen's state and repository trust in the guide: pure transitions of the guide's
 * state (./guide-state.ts), fed by the store (./store.ts) with the answers of `settings.*`, `trust.*`
 * and `recent.*`.
 */
import type { RepoSummary, Result, Settings, TrustedRepo } from '../../../app/contract/channels.js';
import { normalizeBitbucketHost } from '../../../app/contract/hosts.js';
import { IDLE, RUNNING, settle, type Async } from './async-op.js';
import { currentGuide, type GuideState, type RepoGuide, type Screen } from './guide-state.js';
import { announce } from './transitions.js';

export interface SettingsPanel {
  values: Async<Settings>;
  trusted: Async<TrustedRepo[]>;
  /** The last change that did not save, with the engine's words; cleared by the next that does. */
  failure: string | null;
}

/** Re-test intervals offered, in minutes (0: never). */
export const RETEST_CHOICES = [0, 15, 30, 60, 120, 240, 480, 1440] as const;
/** Time limits for each check offered, in seconds. */
export const TIMEOUT_CHOICES = [10, 15, 30, 60, 120] as const;

export function intervalWords(minutes: number): string {
  if (minutes === 0) return 'Never';
  if (minutes === 1440) return 'Once a day';
  if (minutes % 60 === 0) return minutes === 60 ? 'Every hour' : `Every ${minutes / 60} hours`;
  return `Every ${minutes} minutes`;
}

function withPanel(s: GuideState, change: (p: SettingsPanel) => SettingsPanel): GuideState {
  return { ...s, settings: change(s.settings) };
}

function withGuideOf(s: GuideState, path: string, change: (g: RepoGuide) => RepoGuide): GuideState {
  const guide = s.repo?.path === path ? currentGuide(s) : s.guides[path];
  return guide ? { ...s, guides: { ...s.guides, [path]: change(guide) } } : s;
}

/** Opens Settings over the current screen (not over itself). */
export function settingsScreen(s: GuideState): Screen {
  return s.screen.name === 'settings' ? s.screen : { name: 'settings', returnTo: s.screen };
}

export function settingsLoaded(s: GuideState, result: Result<Settings>): GuideState {
  return withPanel(s, (p) => ({ ...p, values: settle(result) }));
}

export function trustedLoaded(s: GuideState, result: Result<TrustedRepo[]>): GuideState {
  return withPanel(s, (p) => ({ ...p, trusted: settle(result) }));
}

/** A change shows at once (a control does not flick back while it saves); `settingsSaved` settles it. */
export function settingsChanging(s: GuideState, patch: Partial<Settings>): GuideState {
  const current = s.settings.values;
  if (current.status !== 'done') return s;
  return withPanel(s, (p) => ({ ...p, values: { status: 'done', value: { ...current.value, ...patch } } }));
}

/** A change saved (the values the engine keeps now), or why not (the values as they were before it). */
export function settingsSaved(s: GuideState, before: Async<Settings>, result: Result<Settings>): GuideState {
  if (!result.ok) return announce(withPanel(s, (p) => ({ ...p, values: before, failure: result.error.message })), result.error.message);
  return announce(withPanel(s, (p) => ({ ...p, values: settle(result), failure: null })), 'Saved.');
}

/** What the user typed as a Data Center server, checked like main checks it: the host to save, or why not. */
export function hostToAdd(typed: string, current: readonly string[]): { host: string } | { error: string } {
  if (typed.trim() === '') return { error: 'Type the server’s host name, for example bitbucket.example.com.' };
  const host = normalizeBitbucketHost(typed);
  if (host === null) return { error: 'That is not a host name. Type it like bitbucket.example.com or bitbucket.example.com:7990.' };
  if (current.includes(host)) return { error: `${host} is already in the list.` };
  return { host };
}

/** A trust revoked: the list as it is now; the open repository asks again next time. */
export function trustRevoked(s: GuideState, path: string, result: Result<TrustedRepo[]>): GuideState {
  if (!result.ok) return announce(withPanel(s, (p) => ({ ...p, failure: result.error.message })), result.error.message);
  const revoked = withPanel(s, (p) => ({ ...p, trusted: settle(result), failure: null }));
  const repo = revoked.repo?.path === path ? { ...revoked.repo, trusted: false } : revoked.repo;
  const name = s.settings.trusted.status === 'done' ? s.settings.trusted.value.find((t) => t.path === path)?.name : undefined;
  return announce(withGuideOf({ ...revoked, repo }, path, (g) => ({ ...g, trustAnswered: false })), `${name ?? 'The repository'} is no longer trusted.`);
}

export function trustStarted(s: GuideState): GuideState {
  return { ...s, ops: { ...s.ops, trust: RUNNING } };
}

/** Trusted: the repository as main sees it now; the diagnosis follows. A refusal stays on the trust screen. */
export function trustGranted(s: GuideState, result: Result<RepoSummary>): GuideState {
  const next = { ...s, ops: { ...s.ops, trust: settle(result) } };
  if (!result.ok) return announce(next, result.error.message);
  const repo = result.value;
  const answered = withGuideOf({ ...next, repo }, repo.path, (g) => ({ ...g, trustAnswered: true }));
  return announce(answered, `${repo.name} is trusted to run its own commands.`);
}

/** The user chose to check without the repository's commands: not asked again this session. */
export function trustDeclined(s: GuideState): GuideState {
  if (!s.repo) return s;
  return withGuideOf({ ...s, ops: { ...s.ops, trust: IDLE } }, s.repo.path, (g) => ({ ...g, trustAnswered: true }));
}

/** The repository as main reads it again (its commands changed since they were shown). */
export function repoRefreshed(s: GuideState, result: Result<RepoSummary>): GuideState {
  return result.ok && s.repo?.path === result.value.path ? { ...s, repo: result.value } : s;
}
