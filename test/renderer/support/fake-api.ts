/**
 * An in-memory `PushDoctorApi` for the component tests: answers with realistic contract values from
 * a scenario, emits progress events for diagnoses, and records every call (the secrets a form sends
 * included, so tests can check they went to the API and nowhere else).
 */
import type { AccountStatus, KeyAddResult } from '../../../app/contract/account.js';
import type { ContractError, EventChannel, EventChannels, PushDoctorApi, RecentRepo, RepoSummary, Result, Settings, TrustedRepo } from '../../../app/contract/channels.js';
import { DEFAULT_SETTINGS } from '../../../app/contract/schemas.js';
import type { FixPlan, FixResult, JournalEntry, SshVerifyResult, UndoResult } from '../../../app/contract/fixes.js';
import type { DiagnoseReport, FixId } from '../../../app/contract/report.js';

export interface Scenario {
  /** Folders that are repositories. */
  repos?: RepoSummary[];
  /** Paths that are files (repo.open answers not-a-directory). */
  files?: string[];
  /** What the folder chooser returns (null: the user cancelled). */
  chosen?: string | null;
  /** Successive diagnosis reports per repository path; the last one repeats. */
  reports?: Record<string, DiagnoseReport[]>;
  plans?: Partial<Record<FixId, FixPlan>>;
  /** Successive results per fix; the last one repeats. */
  results?: Partial<Record<FixId, Array<Result<FixResult>>>>;
  sshVerify?: SshVerifyResult[];
  recent?: RecentRepo[];
  history?: JournalEntry[];
  undo?: UndoResult;
  /** The report main would copy for the repository (none: no diagnosis to report yet). */
  markdown?: string;
  /** The system clipboard refuses every write (main answers with the text to show instead). */
  clipboardRefuses?: boolean;
  /** diagnoseRun announces every check, then waits for `finishDiagnosis()` or a cancel. */
  holdDiagnosis?: boolean;
  /** Calls of these methods wait for `release(method)` before answering. */
  holds?: Array<keyof PushDoctorApi>;
  settings?: Settings;
  trusted?: TrustedRepo[];
  account?: AccountScenario;
}

/** The Bitbucket account as the engine would answer for it. Default: nothing linked anywhere. */
export interface AccountScenario {
  /** account.status per site; a site not listed has no link (keychain: no entry). */
  statuses?: Record<string, AccountStatus>;
  /** The site a repository's remote belongs to (account.status with a path). Default bitbucket.org. */
  repoSite?: string;
  /** account.link accepts exactly this token (and then answers `linkedAs`); any other is refused. */
  validToken?: string;
  linkedAs?: AccountStatus;
  /** Successive keys.add answers; the last one repeats. */
  keyAdd?: Array<Result<KeyAddResult>>;
}

const KEYRING_NONE = (site: string) => `No Bitbucket account is linked for ${site} on this computer (the system keychain holds none).`;

function notLinkedStatus(site: string): AccountStatus {
  const unknown = { status: 'unknown' as const, missing: [], detail: 'not linked' };
  return { site, kind: site === 'bitbucket.org' ? 'cloud' : 'datacenter', linked: false, source: null, keyring: 'none', login: null, username: null, displayName: null, tokenValid: null, grantedScopes: null, scopes: { push: unknown, sshKeys: unknown }, message: KEYRING_NONE(site) };
}

export interface Call {
  method: keyof PushDoctorApi;
  request: unknown;
}

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
function err(code: ContractError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
function nth<T>(list: T[] | undefined, i: number): T | undefined {
  return list && list.length > 0 ? list[Math.min(i, list.length - 1)] : undefined;
}
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface FakeApi {
  api: PushDoctorApi;
  calls: Call[];
  callsOf(method: keyof PushDoctorApi): unknown[];
  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void;
  /** A File whose path the fake preload knows (as webUtils.getPathForFile would). */
  fileAt(path: string, name?: string): File;
  /** Lets a held diagnosis finish. */
  finishDiagnosis(): void;
  /** Makes every later call reject, as a broken bridge would. */
  breakBridge(): void;
  /** Lets the held calls of a method answer. */
  release(method: keyof PushDoctorApi): void;
  /** The repository as the engine reads it from now on (its config changed). */
  replaceRepo(summary: RepoSummary): void;
  /** What the engine keeps now. */
  settings(): Settings;
  trusted(): TrustedRepo[];
}

export function createFakeApi(scenario: Scenario = {}): FakeApi {
  const calls: Call[] = [];
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const paths = new WeakMap<File, string>();
  const counters = new Map<string, number>();
  let recent = [...(scenario.recent ?? [])];
  let history = [...(scenario.history ?? [])];
  let repos = [...(scenario.repos ?? [])];
  let settings: Settings = scenario.settings ?? { ...DEFAULT_SETTINGS, notifyOnChange: false };
  let trusted = [...(scenario.trusted ?? [])];
  const statuses: Record<string, AccountStatus> = { ...(scenario.account?.statuses ?? {}) };
  const statusOf = (site: string) => statuses[site] ?? notLinkedStatus(site);
  let release: (() => void) | null = null;
  const cancelled = new Set<string>();
  let broken = false;
  const held = new Map<keyof PushDoctorApi, Array<() => void>>();

  const count = (key: string) => {
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    return n;
  };
  const emit = <E extends EventChannel>(event: E, payload: EventChannels[E]) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: EventChannels[E]) => void)(payload);
  };
  const record = async <T>(method: keyof PushDoctorApi, request: unknown, answer: () => Promise<Result<T>> | Result<T>): Promise<Result<T>> => {
    calls.push({ method, request });
    if (broken) throw new Error('bridge closed');
    await tick();
    if (scenario.holds?.includes(method)) await new Promise<void>((resolve) => held.set(method, [...(held.get(method) ?? []), resolve]));
    return answer();
  };
  const repo = (path: string) => repos.find((r) => r.path === path);

  const open = (path: string): Result<RepoSummary> => {
    const found = repo(path);
    if (found) return ok(found);
    if (scenario.files?.includes(path)) return err('not-a-directory', `${path} is a file, not a folder.`);
    return err('not-a-repo', `${path} is not inside a git repository.`);
  };

  const api: PushDoctorApi = {
    repoOpen: ({ path }) => record('repoOpen', { path }, () => open(path)),
    repoDrop: ({ paths }) =>
      record('repoDrop', { paths }, () => {
        if (paths.length !== 1) return err('several-items', `You dropped ${paths.length} items. Drop one repository folder at a time.`);
        return paths[0] ? open(paths[0]) : err('not-found', 'That item has no place on your computer.');
      }),
    repoChoose: (request) =>
      record('repoChoose', request, () => {
        if (scenario.chosen === undefined || scenario.chosen === null) return ok(null);
        const found = repo(scenario.chosen);
        return found ? ok(found) : err('not-a-repo', `${scenario.chosen} is not inside a git repository.`);
      }),
    diagnoseRun: (request) =>
      record('diagnoseRun', request, async () => {
        const report = nth(scenario.reports?.[request.path], count(`diagnose:${request.path}`));
        if (!report) return err('failed', 'The diagnosis could not run.');
        for (const c of report.checks) emit('diagnose.progress', { runId: request.runId, progress: { type: 'check-started', id: c.id, remote: c.remote, title: c.title } });
        if (scenario.holdDiagnosis) {
          await new Promise<void>((resolve) => (release = resolve));
          if (cancelled.has(request.runId)) return err('cancelled', 'The diagnosis was cancelled.');
        }
        for (const c of report.checks) {
          await tick();
          emit('diagnose.progress', { runId: request.runId, progress: { type: 'check-finished', check: c } });
        }
        return ok(report);
      }),
    diagnoseCancel: (request) =>
      record('diagnoseCancel', request, () => {
        cancelled.add(request.runId);
        release?.();
        return ok({ cancelled: true });
      }),
    fixDescribe: (request) =>
      record('fixDescribe', request, () => {
        const plan = scenario.plans?.[request.fixId];
        return plan ? ok(plan) : err('not-applicable', 'This fix does not apply to this repository.');
      }),
    fixApply: (request) =>
      record('fixApply', request, () => {
        const result = nth(scenario.results?.[request.fixId], count(`apply:${request.fixId}`));
        if (!result) return err('failed', 'The fix could not be applied.');
        if (result.ok && result.value.applied) {
          history = [...history, { id: `j-${history.length + 100}`, fixId: request.fixId, appliedAt: new Date().toISOString(), repo: request.path, changed: result.value.changed }];
        }
        return result;
      }),
    fixUndo: (request) =>
      record('fixUndo', request, () => {
        const last = history.at(-1);
        if (!last) return ok({ undone: false, fixId: null, restored: [], message: 'There is nothing to undo.' });
        history = history.slice(0, -1);
        return ok(scenario.undo ?? { undone: true, fixId: last.fixId, restored: last.changed, message: `Undid: ${last.fixId}. Restored what it replaced.` });
      }),
    fixHistory: (request) => record('fixHistory', request, () => ok(history)),
    sshVerify: (request) =>
      record('sshVerify', request, () => {
        const result = nth(scenario.sshVerify, count('sshVerify'));
        return result ? ok(result) : err('failed', 'ssh could not be run.');
      }),
    clipboardWrite: (request) =>
      record('clipboardWrite', request, () => {
        const text = request.kind === 'report' ? scenario.markdown : request.kind === 'fingerprint' ? request.fingerprint : 'ssh-ed25519 AAAA… (the key file)';
        if (text === undefined) return err('not-found', 'Run a diagnosis of this repository first.');
        return ok(scenario.clipboardRefuses ? { copied: false as const, text } : { copied: true as const });
      }),
    externalOpen: (request) =>
      record('externalOpen', request, () => {
        const url =
          request.kind === 'api-token'
            ? 'https://id.atlassian.com/manage-profile/security/api-tokens'
            : request.kind === 'ssh-keys'
              ? 'https://bitbucket.org/account/settings/ssh-keys/'
              : request.kind === 'url'
                ? request.url
                : 'https://bitbucket.org/acme/widgets';
        return ok({ opened: true, url });
      }),
    recentList: (request) => record('recentList', request, () => ok(recent)),
    recentRemove: (request) =>
      record('recentRemove', request, () => {
        recent = recent.filter((r) => r.path !== request.path);
        return ok(recent);
      }),
    recentClear: (request) =>
      record('recentClear', request, () => {
        recent = [];
        return ok(recent);
      }),
    settingsGet: (request) => record('settingsGet', request, () => ok(settings)),
    settingsSet: (request) =>
      record('settingsSet', request, () => {
        if (request.retestIntervalMinutes !== undefined && request.retestIntervalMinutes > 0 && request.retestIntervalMinutes < 5) return err('invalid-request', 'Invalid settings.set request: retestIntervalMinutes: Re-test every 5 minutes or more, or 0 for never.');
        settings = { ...settings, ...request };
        return ok(settings);
      }),
    trustList: (request) => record('trustList', request, () => ok(trusted)),
    trustGrant: (request) =>
      record('trustGrant', request, () => {
        const found = repo(request.path);
        if (!found || found.repoCommands.length === 0) return err('not-applicable', 'This repository names no commands of its own: there is nothing to trust.');
        const current = found.repoCommands.map((c) => c.id);
        if (current.length !== request.commandIds.length || !current.every((id) => request.commandIds.includes(id))) {
          return err('not-applicable', "This repository's own commands changed since they were shown. Look at them again before you trust it.");
        }
        trusted = [{ path: found.path, name: found.name, trustedAt: new Date().toISOString(), commands: found.repoCommands }, ...trusted.filter((t) => t.path !== found.path)];
        const summary = { ...found, trusted: true };
        repos = repos.map((r) => (r.path === found.path ? summary : r));
        return ok(summary);
      }),
    trustRevoke: (request) =>
      record('trustRevoke', request, () => {
        trusted = trusted.filter((t) => t.path !== request.path);
        repos = repos.map((r) => (r.path === request.path && r.repoCommands.length > 0 ? { ...r, trusted: false } : r));
        return ok(trusted);
      }),
    retestRun: (request) => record('retestRun', request, () => ok([])),
    accountStatus: (request) => record('accountStatus', request, () => ok(statusOf(request.site ?? (request.path ? (scenario.account?.repoSite ?? 'bitbucket.org') : 'bitbucket.org')))),
    accountLink: (request) =>
      record('accountLink', request, () => {
        const site = request.kind === 'cloud' ? 'bitbucket.org' : request.server.replace(/^https:\/\//, '').replace(/\/.*$/, '');
        if (statusOf(site).keyring === 'unavailable') return err('failed', `Not linked: ${statusOf(site).message}`);
        if (!scenario.account?.validToken || request.token !== scenario.account.validToken) {
          return err('failed', 'Not linked: Bitbucket refused the token for this email: the email is not the token\'s Atlassian account, or the token is revoked, expired, or was created without scopes. Nothing was stored.');
        }
        const status = scenario.account.linkedAs ?? { ...notLinkedStatus(site), linked: true, keyring: 'found', source: 'keyring', login: request.kind === 'cloud' ? request.email : request.username, tokenValid: true, message: `Linked ${site}.` };
        statuses[site] = status;
        return ok(status);
      }),
    accountUnlink: (request) =>
      record('accountUnlink', request, () => {
        const site = request.site ?? 'bitbucket.org';
        const was = statusOf(site).linked;
        statuses[site] = notLinkedStatus(site);
        return ok({ site, unlinked: was, message: was ? `Unlinked ${site}: the token was removed from the system keychain.` : `No account was linked for ${site}; nothing to remove.` });
      }),
    keysList: (request) => record('keysList', request, () => err('not-applicable', 'No Bitbucket account is linked.')),
    keysAdd: (request) =>
      record('keysAdd', request, () => {
        const site = request.site ?? (request.path ? (scenario.account?.repoSite ?? 'bitbucket.org') : 'bitbucket.org');
        if (!statusOf(site).linked) return err('not-applicable', KEYRING_NONE(site));
        return nth(scenario.account?.keyAdd, count('keysAdd')) ?? err('failed', 'The key could not be added.');
      }),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    pathForDroppedFile: (file) => paths.get(file) ?? null,
  };

  return {
    api,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.request),
    emit,
    fileAt(path, name = path.split('/').pop() ?? 'item') {
      const file = new File([''], name);
      paths.set(file, path);
      return file;
    },
    finishDiagnosis() {
      release?.();
    },
    breakBridge() {
      broken = true;
    },
    release(method) {
      for (const resolve of held.get(method) ?? []) resolve();
      held.delete(method);
    },
    replaceRepo(summary) {
      repos = [...repos.filter((r) => r.path !== summary.path), summary];
    },
    settings: () => settings,
    trusted: () => trusted,
  };
}
