/**
 * The guide's zustand store: the state of ./guide-state.ts plus the actions that talk to
 * `window.pushDoctor`. Each action calls the API and feeds the answer through a pure transition.
 * Secrets (token, passphrase) pass straight from a form to `fixApply` and are never stored.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExternalTarget, PushDoctorApi, Result, Settings } from '../../../app/contract/channels.js';
import type { FixInput, FixPlan, FixResult } from '../../../app/contract/fixes.js';
import type { FixId } from '../../../app/contract/report.js';
import { createAccountActions, type AccountActions } from './account-actions.js';
import { IDLE, settle } from './async-op.js';
import { currentGuide, initialState, type GuideState, type Screen } from './guide-state.js';
import { nextStep, type HttpsStep, type SshStep } from './guide-steps.js';
import { backFrom, entryEffect, fixStarted, screenShown, sshRestarted, stepNoted } from './navigation.js';
import { isBusy } from './selectors.js';
import {
  announce,
  applyFinished,
  applyStarted,
  diagnosisFinished,
  diagnosisStarted,
  dropRejected,
  openFinished,
  openStarted,
  opFinished,
  opStarted,
  planFinished,
  planStarted,
  progressReceived,
  recentLoaded,
  undoFinished,
} from './transitions.js';
import { repoRefreshed, settingsChanging, settingsLoaded, settingsSaved, settingsScreen, trustDeclined, trustedLoaded, trustGranted, trustRevoked, trustStarted } from './settings.js';

export interface GuideDeps {
  /** A fresh id for each diagnosis run (progress events carry it). */
  newRunId?: () => string;
}

export interface GuideActions extends AccountActions {
  /** Loads recent repositories and subscribes to engine events; returns the unsubscribe. */
  init(): () => void;
  openPath(path: string): Promise<void>;
  choose(): Promise<void>;
  drop(files: readonly File[]): Promise<void>;
  removeRecent(path: string): Promise<void>;
  runDiagnosis(): Promise<void>;
  cancelDiagnosis(): Promise<void>;
  /** Opens the flow of a fix offered by a finding. */
  startFix(fixId: FixId, remote: string | null): void;
  /** Shows a screen and asks the engine for what it needs (plan, diagnosis, history). */
  go(screen: Screen): void;
  back(): void;
  describe(fixId: FixId): Promise<FixPlan | null>;
  apply(fixId: FixId, input?: FixInput): Promise<FixResult | null>;
  /** The generic flow's last step: apply, then diagnose again. */
  applyAndRecheck(fixId: FixId, input?: FixInput): Promise<void>;
  /** Applies a wizard step's fix, records its checked line and moves on. */
  applyStep(flow: 'https' | 'ssh', step: HttpsStep | SshStep, fixId: FixId, input?: FixInput): Promise<boolean>;
  /** Finishes a wizard step without a fix (a page visited, a key copied, nothing to change). */
  completeStep(flow: 'https' | 'ssh', step: HttpsStep | SshStep, note: string | null): void;
  restartSsh(): void;
  recheck(): Promise<void>;
  openExternal(target: ExternalTarget): Promise<void>;
  copyPublicKey(): Promise<boolean>;
  /** Copies a key fingerprint (to compare with what Bitbucket shows). */
  copyFingerprint(fingerprint: string): Promise<boolean>;
  verifySsh(): Promise<void>;
  loadHistory(): Promise<void>;
  undo(): Promise<void>;
  /** True when the report reached the clipboard. */
  copyReport(): Promise<boolean>;
  /** Shows Settings over the current screen. */
  openSettings(): void;
  saveSettings(patch: Partial<Settings>): Promise<void>;
  clearRecent(): Promise<void>;
  revokeTrust(path: string): Promise<void>;
  /** Trusts the open repository to run the commands shown, then checks it. */
  trustAndCheck(): Promise<void>;
  /** Checks the open repository without running its own commands (the diagnosis says what it skipped). */
  checkWithoutTrust(): Promise<void>;
}

export type GuideStore = GuideState & GuideActions;

const UNREACHABLE = 'Push Doctor could not reach its engine.';

/** Every API call, with a rejected promise (a broken bridge) turned into an error value. */
async function call<T>(request: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await request();
  } catch {
    return { ok: false, error: { code: 'failed', message: UNREACHABLE } };
  }
}

function defaultRunId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `run-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function createGuideStore(api: PushDoctorApi, deps: GuideDeps = {}): StoreApi<GuideStore> {
  const newRunId = deps.newRunId ?? defaultRunId;

  return createStore<GuideStore>()((set, get) => {
    const update = (transition: (s: GuideState) => GuideState) => set((s) => transition(s));
    const repoPath = () => get().repo?.path ?? null;
    const remoteField = () => {
      const remote = currentGuide(get()).remote;
      return remote ? { remote } : {};
    };

    const loadRecent = async () => {
      const result = await call(() => api.recentList({}));
      update((s) => recentLoaded(s, result));
    };
    /** A repository just opened is checked at once, unless it first asks whether to trust its own commands. */
    const diagnoseOpened = async (opened: boolean) => {
      if (opened && get().screen.name === 'diagnosis') await get().runDiagnosis();
    };
    const loadSettings = async () => {
      const [values, trusted] = await Promise.all([call(() => api.settingsGet({})), call(() => api.trustList({}))]);
      update((s) => trustedLoaded(settingsLoaded(s, values), trusted));
    };

    const actions: GuideActions = {
      ...createAccountActions(api, get, update, call),

      init() {
        void loadRecent();
        const offProgress = api.on('diagnose.progress', ({ runId, progress }) => update((s) => progressReceived(s, runId, progress)));
        const offRequested = api.on('repo.requested', ({ path }) => void get().openPath(path));
        const offRetest = api.on('retest.finished', () => void loadRecent());
        return () => {
          offProgress();
          offRequested();
          offRetest();
        };
      },

      async openPath(path) {
        if (isBusy(get())) {
          update((s) => announce(s, 'Wait for the current step to finish, then open the folder again.'));
          return;
        }
        update(openStarted);
        const result = await call(() => api.repoOpen({ path }));
        update((s) => openFinished(s, result));
        await diagnoseOpened(result.ok);
      },

      async choose() {
        update(openStarted);
        const result = await call(() => api.repoChoose({}));
        update((s) => openFinished(s, result));
        await diagnoseOpened(result.ok && result.value !== null);
      },

      async drop(files) {
        const [first] = files;
        if (!first) {
          update((s) => dropRejected(s, 'That was not a folder from your computer. Drop a folder from your file manager, or use Choose folder.'));
          return;
        }
        if (files.length > 1) {
          update((s) => dropRejected(s, `You dropped ${files.length} items. Drop one repository folder at a time.`, 'several-items'));
          return;
        }
        const path = api.pathForDroppedFile(first);
        if (!path) {
          update((s) => dropRejected(s, 'Push Doctor could not tell where that item is on your computer. Use Choose folder instead.'));
          return;
        }
        if (isBusy(get())) {
          update((s) => announce(s, 'Wait for the current step to finish, then open the folder again.'));
          return;
        }
        // Main checks the dropped item again (exists, is a folder, inside a repository): never trust the page alone.
        update(openStarted);
        const result = await call(() => api.repoDrop({ paths: [path] }));
        update((s) => openFinished(s, result));
        await diagnoseOpened(result.ok);
      },

      async removeRecent(path) {
        const result = await call(() => api.recentRemove({ path }));
        update((s) => announce(recentLoaded(s, result), result.ok ? 'Removed from the recent list.' : result.error.message));
      },

      async runDiagnosis() {
        const path = repoPath();
        if (!path) return;
        const runId = newRunId();
        update((s) => diagnosisStarted(s, runId));
        const result = await call(() => api.diagnoseRun({ path, runId }));
        update((s) => diagnosisFinished(s, runId, result));
      },

      async cancelDiagnosis() {
        const { runId, run } = get().diagnosis;
        if (!runId || run.status !== 'running') return;
        await call(() => api.diagnoseCancel({ runId }));
        // Whatever the engine still sends for this run is ignored from here on.
        update((s) => diagnosisFinished(s, runId, { ok: false, error: { code: 'cancelled', message: 'Checks cancelled.' } }));
      },

      startFix(fixId, remote) {
        update((s) => fixStarted(s, fixId, remote));
        get().go(get().screen);
      },

      go(screen) {
        update((s) => screenShown(s, screen));
        const effect = entryEffect(get(), screen);
        if (effect.describe) void get().describe(effect.describe);
        if (effect.diagnose) void get().runDiagnosis();
        if (effect.history) void get().loadHistory();
        if (effect.recent) void loadRecent();
        if (effect.settings) void loadSettings();
      },

      back() {
        const s = get();
        if (s.screen.name === 'diagnosis' && s.diagnosis.run.status === 'running') {
          void get().cancelDiagnosis();
          return;
        }
        if (isBusy(s)) return;
        get().go(backFrom(s));
      },

      async describe(fixId) {
        const path = repoPath();
        if (!path) return null;
        update((s) => planStarted(s, fixId));
        const result = await call(() => api.fixDescribe({ path, fixId, ...remoteField() }));
        update((s) => planFinished(s, fixId, result));
        return result.ok ? result.value : null;
      },

      async apply(fixId, input) {
        const path = repoPath();
        if (!path) return null;
        update((s) => applyStarted(s, fixId));
        const result = await call(() => api.fixApply({ path, fixId, ...remoteField(), ...(input ? { input } : {}) }));
        update((s) => applyFinished(s, fixId, result));
        // Only a fix that applied moves a guide on (or re-runs the checks).
        return result.ok && result.value.applied ? result.value : null;
      },

      async applyAndRecheck(fixId, input) {
        const result = await get().apply(fixId, input);
        if (result) await get().recheck();
      },

      async applyStep(flow, step, fixId, input) {
        const result = await get().apply(fixId, input);
        if (!result) return false;
        get().completeStep(flow, step, result.message);
        return true;
      },

      completeStep(flow, step, note) {
        if (note) update((s) => stepNoted(s, flow, step, note));
        const guide = currentGuide(get());
        const wizard = flow === 'https' ? guide.https : guide.ssh;
        if (!wizard) return;
        const next = nextStep<HttpsStep | SshStep>(wizard.steps, step);
        if (next !== step) get().go(flow === 'https' ? { name: 'https', step: next as HttpsStep } : { name: 'ssh', step: next as SshStep });
      },

      restartSsh() {
        // Bitbucket's answer about the old key is not about the next one.
        update((s) => opFinished(sshRestarted(s), 'keyAdd', IDLE));
        get().go({ name: 'ssh', step: 'generate' });
      },

      async recheck() {
        get().go({ name: 'diagnosis' });
        await get().runDiagnosis();
      },

      async openExternal(target) {
        update((s) => opStarted(s, 'external'));
        const result = await call(() => api.externalOpen(target));
        update((s) => announce(opFinished(s, 'external', settle(result)), result.ok ? 'Opened the page in your browser.' : result.error.message));
      },

      async copyPublicKey() {
        const key = currentGuide(get()).ssh?.key;
        if (!key) return false;
        update((s) => opStarted(s, 'copyKey'));
        const result = await call(() => api.clipboardWrite({ kind: 'public-key', publicKeyPath: key.publicKeyPath }));
        const copied = result.ok && result.value.copied;
        update((s) => announce(opFinished(s, 'copyKey', settle(result)), copied ? 'Copied the public key.' : 'Could not copy. Select the key and copy it.'));
        return copied;
      },

      async copyFingerprint(fingerprint) {
        const result = await call(() => api.clipboardWrite({ kind: 'fingerprint', fingerprint }));
        const copied = result.ok && result.value.copied;
        update((s) => announce(s, copied ? 'Copied the fingerprint.' : result.ok ? 'Could not copy. Select the fingerprint and copy it.' : result.error.message));
        return copied;
      },

      async verifySsh() {
        const path = repoPath();
        if (!path) return;
        update((s) => opStarted(s, 'sshVerify'));
        const result = await call(() => api.sshVerify({ path, ...remoteField() }));
        update((s) => announce(opFinished(s, 'sshVerify', settle(result)), result.ok ? result.value.message : result.error.message));
        if (result.ok && result.value.ok) update((s) => stepNoted(s, 'ssh', 'test', `Bitbucket answered: ${result.value.message}`));
      },

      async loadHistory() {
        update((s) => opStarted(s, 'history'));
        const result = await call(() => api.fixHistory({}));
        update((s) => opFinished(s, 'history', settle(result)));
      },

      async undo() {
        update((s) => opStarted(s, 'undo'));
        const result = await call(() => api.fixUndo({}));
        update((s) => undoFinished(s, result));
        await get().loadHistory();
      },

      async copyReport() {
        const path = repoPath();
        if (!path) return false;
        update((s) => opStarted(s, 'report'));
        // Main makes the report from its last diagnosis, redacts it and writes the clipboard.
        const result = await call(() => api.clipboardWrite({ kind: 'report', path }));
        const copied = result.ok && result.value.copied;
        const words = !result.ok ? result.error.message : copied ? 'Copied the report.' : 'The report is shown below: select it and copy it.';
        update((s) => announce(opFinished(s, 'report', settle(result)), words));
        return copied;
      },

      openSettings() {
        get().go(settingsScreen(get()));
      },

      async saveSettings(patch) {
        const before = get().settings.values;
        update((s) => settingsChanging(s, patch));
        const result = await call(() => api.settingsSet(patch));
        update((s) => settingsSaved(s, before, result));
      },

      async clearRecent() {
        const result = await call(() => api.recentClear({}));
        update((s) => announce(recentLoaded(s, result), result.ok ? 'Cleared the list of recent repositories.' : result.error.message));
      },

      async revokeTrust(path) {
        const result = await call(() => api.trustRevoke({ path }));
        update((s) => trustRevoked(s, path, result));
      },

      async trustAndCheck() {
        const repo = get().repo;
        if (!repo || get().ops.trust.status === 'running') return;
        update(trustStarted);
        const result = await call(() => api.trustGrant({ path: repo.path, commandIds: repo.repoCommands.map((c) => c.id) }));
        update((s) => trustGranted(s, result));
        if (!result.ok) {
          // The commands may have changed since they were shown: show them as they are now.
          if (result.error.code === 'not-applicable') {
            const fresh = await call(() => api.repoOpen({ path: repo.path }));
            update((s) => repoRefreshed(s, fresh));
          }
          return;
        }
        await get().recheck();
      },

      async checkWithoutTrust() {
        update(trustDeclined);
        get().go({ name: 'diagnosis' });
        if (get().diagnosis.run.status !== 'done') await get().runDiagnosis();
      },
    };

    return { ...initialState(), ...actions };
  });
}
