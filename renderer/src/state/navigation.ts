/**
 * Moving through the guide: opening a fix's flow, the wizards' steps, Back, and what entering a
 * screen asks the engine for. Pure functions of (state, event).
 */
import type { FixId } from '../../../app/contract/report.js';
import { IDLE } from './async-op.js';
import { currentGuide, withGuide, type GuideState, type Screen } from './guide-state.js';
import { HTTPS_ENTRY, HTTPS_STEP_PLAN, HTTPS_STEPS, httpsStepsFor, previousStep, routeForFix, SSH_STEP_PLAN, SSH_STEPS, type HttpsStep, type SshStep } from './guide-steps.js';
import { switchFixOf } from './selectors.js';

/** Opens the flow of a fix. The SSH and HTTPS guides resume where the user left them in this repository. */
export function fixStarted(s: GuideState, fixId: FixId, remote: string | null): GuideState {
  const route = routeForFix(fixId);
  const base = withGuide(s, (g) => ({ ...g, remote }));
  if (route === 'fix') return { ...base, screen: { name: 'fix', fixId } };
  if (route === 'account-key') return { ...base, screen: { name: 'account-key' } };
  if (route === 'https') {
    const steps = httpsStepsFor(fixId);
    const entry = HTTPS_ENTRY[fixId] ?? 'token';
    const withWizard = withGuide(base, (g) => ({ ...g, https: { steps, at: entry, notes: g.https?.notes ?? {} } }));
    return { ...withWizard, screen: { name: 'https', step: entry } };
  }
  const ssh = currentGuide(base).ssh ?? { steps: SSH_STEPS, at: 'generate' as SshStep, notes: {}, key: null };
  const withWizard = withGuide(base, (g) => ({ ...g, ssh }));
  return { ...withWizard, screen: { name: 'ssh', step: ssh.at } };
}

/** Moves a wizard to a step (forward after a finished step, or back to retry one). */
export function stepEntered(s: GuideState, flow: 'https' | 'ssh', step: HttpsStep | SshStep): GuideState {
  if (flow === 'https') {
    const at = step as HttpsStep;
    return { ...withGuide(s, (g) => ({ ...g, https: g.https ? { ...g.https, at } : { steps: HTTPS_STEPS, at, notes: {} } })), screen: { name: 'https', step: at } };
  }
  const at = step as SshStep;
  return {
    ...withGuide(s, (g) => ({ ...g, ssh: g.ssh ? { ...g.ssh, at } : { steps: SSH_STEPS, at, notes: {}, key: null } })),
    screen: { name: 'ssh', step: at },
  };
}

/** Records the checked line of a finished wizard step. */
export function stepNoted(s: GuideState, flow: 'https' | 'ssh', step: HttpsStep | SshStep, note: string): GuideState {
  return withGuide(s, (g) => {
    if (flow === 'https' && g.https) return { ...g, https: { ...g.https, notes: { ...g.https.notes, [step]: note } } };
    if (flow === 'ssh' && g.ssh) return { ...g, ssh: { ...g.ssh, notes: { ...g.ssh.notes, [step]: note } } };
    return g;
  });
}

/** Starts the SSH guide over (the key already made stays on disk; the guide forgets its notes). */
export function sshRestarted(s: GuideState): GuideState {
  return { ...withGuide(s, (g) => ({ ...g, ssh: { steps: SSH_STEPS, at: 'generate', notes: {}, key: null } })), screen: { name: 'ssh', step: 'generate' } };
}

/** Where Back (and Escape) goes from each screen and step. */
export function backFrom(s: GuideState): Screen {
  const screen = s.screen;
  const guide = currentGuide(s);
  switch (screen.name) {
    case 'start':
      return screen;
    case 'settings':
    case 'account':
      return screen.returnTo;
    case 'account-key':
      return { name: 'diagnosis' };
    case 'trust':
    case 'diagnosis':
      return { name: 'start' };
    case 'fix':
    case 'done':
      return { name: 'diagnosis' };
    case 'https': {
      const prev = guide.https ? previousStep(guide.https.steps, screen.step) : null;
      return prev ? { name: 'https', step: prev } : { name: 'diagnosis' };
    }
    case 'ssh': {
      const prev = previousStep(SSH_STEPS, screen.step);
      return prev ? { name: 'ssh', step: prev } : { name: 'diagnosis' };
    }
  }
}

/** What entering a screen asks the engine for: the plan to show, a fresh diagnosis, the history. */
export interface EntryEffect {
  describe?: FixId;
  diagnose?: boolean;
  history?: boolean;
  recent?: boolean;
  /** Settings and the trusted repositories, for the Settings screen. */
  settings?: boolean;
}

export function entryEffect(s: GuideState, screen: Screen): EntryEffect {
  switch (screen.name) {
    case 'start':
      return { recent: true };
    case 'settings':
      return { settings: true, recent: true };
    case 'account':
      return { settings: true };
    case 'account-key':
      return { describe: 'ssh.add-key-to-account' };
    case 'trust':
    case 'diagnosis':
      return {};
    case 'fix':
      return { describe: screen.fixId };
    case 'done':
      return { history: true };
    case 'https': {
      if (screen.step === 'verify') return { diagnose: true };
      const describe = HTTPS_STEP_PLAN[screen.step];
      return describe ? { describe } : {};
    }
    case 'ssh': {
      if (screen.step === 'verify') return { diagnose: true };
      if (screen.step === 'switch') return { describe: switchFixOf(s) };
      const describe = SSH_STEP_PLAN[screen.step];
      return describe ? { describe } : {};
    }
  }
}

/** Shows a screen. "Opened the page" and "Copied" belong to the step they happened on. */
export function screenShown(s: GuideState, screen: Screen): GuideState {
  const fresh = { ...s, ops: { ...s.ops, external: IDLE, copyKey: IDLE } };
  if (screen.name === 'https' || screen.name === 'ssh') return stepEntered(fresh, screen.name, screen.step);
  return { ...fresh, screen };
}
