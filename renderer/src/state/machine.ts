/**
 * The guide as a state machine: what the user sees (screen and step) and every async operation's
 * state, with transitions as pure functions of (state, event). The store (./store.ts) performs the
 * calls to `window.pushDoctor` and feeds their results through these functions; tests drive them
 * directly. Nothing here holds a secret: tokens and passphrases live only in a form's local state
 * and are cleared after use.
 */
import type { AccountStatus, KeyAddResult } from '../../../app/contract/account.js';
import type { ClipboardWriteResult, ContractError, ExternalTarget, RecentRepo, RemoteSummary, RepoSummary, Result } from '../../../app/contract/channels.js';
import type { FixPlan, FixResult, JournalEntry, KeygenResult, SshVerifyResult, UndoResult } from '../../../app/contract/fixes.js';
import type { CheckStatus, DiagnoseProgress, DiagnoseReport, Finding, FixId } from '../../../app/contract/report.js';
import type { AccountPanel } from './account.js';
import type { SettingsPanel } from './settings.js';

// ─── Async operations ─────────────────────────────────────────────────────────────────────────────

export type Async<T> =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; value: T }
  | { status: 'failed'; error: ContractError };

export const IDLE = { status: 'idle' } as const;
export const RUNNING = { status: 'running' } as const;

export function settle<T>(result: Result<T>): Async<T> {
  return result.ok ? { status: 'done', value: result.value } : { status: 'failed', error: result.error };
}

export function failed(message: string, code: ContractError['code'] = 'invalid-request'): Async<never> {
  return { status: 'failed', error: { code, message } };
}

export function valueOf<T>(op: Async<T>): T | null {
  return op.status === 'done' ? op.value : null;
}

// ─── Screens and steps ────────────────────────────────────────────────────────────────────────────

export const HTTPS_STEPS = ['clear', 'token', 'save', 'verify'] as const;
export type HttpsStep = (typeof HTTPS_STEPS)[number];

export const SSH_STEPS = ['generate', 'copy', 'add', 'trust', 'configure', 'test', 'switch', 'verify'] as const;
export type SshStep = (typeof SSH_STEPS)[number];

export type Screen =
  | { name: 'start' }
  /** Before a diagnosis: the repository's own commands, and whether to trust it to run them. */
  | { name: 'trust' }
  | { name: 'diagnosis' }
  | { name: 'fix'; fixId: FixId }
  | { name: 'https'; step: HttpsStep }
  | { name: 'ssh'; step: SshStep }
  | { name: 'done' }
  /** Settings, over whatever screen the user was on (Back returns there). */
  | { name: 'settings'; returnTo: Screen }
  /** Connecting a Bitbucket account (optional), over the screen it was offered on; `site` preselects where. */
  | { name: 'account'; returnTo: Screen; site?: string }
  /** The fix ssh.add-key-to-account: the key ssh offers onto the linked account, then ssh -T. */
  | { name: 'account-key' };

/** The three phases of the step indicator. */
export type Phase = 'diagnose' | 'fix' | 'verify';

/** One line of the live check list. */
export interface CheckLine {
  id: string;
  remote: string | null;
  title: string;
  status: CheckStatus | 'running';
  summary: string | null;
}

export interface Diagnosis {
  /** The run whose progress and result count; anything else is stale. */
  runId: string | null;
  run: Async<DiagnoseReport>;
  checks: CheckLine[];
}

/** A wizard's progress for one repository: where the user is and what each finished step did. */
export interface WizardProgress<S extends string> {
  steps: readonly S[];
  at: S;
  /** The checked line of each finished step ("Created /home/jdoe/.ssh/id_ed25519"). */
  notes: Partial<Record<S, string>>;
}

/** What the guide remembers per repository, so the user can leave and return. Never a secret. */
export interface RepoGuide {
  /** The remote being fixed (from the finding), or null for the default. */
  remote: string | null;
  https: WizardProgress<HttpsStep> | null;
  ssh: (WizardProgress<SshStep> & { key: KeygenResult | null }) | null;
  /** Fixes applied in this session, oldest first, for the summary. */
  applied: FixResult[];
  /** The user answered the trust question for this repository in this session (trusted or not): not asked again on open. */
  trustAnswered: boolean;
}

/** Operations of the current repository; reset when another repository is opened. */
export interface Ops {
  plans: Partial<Record<FixId, Async<FixPlan>>>;
  applies: Partial<Record<FixId, Async<FixResult>>>;
  sshVerify: Async<SshVerifyResult>;
  copyKey: Async<{ copied: boolean }>;
  external: Async<{ opened: boolean; url: string }>;
  history: Async<JournalEntry[]>;
  undo: Async<UndoResult>;
  /** Copying the report: done, or the redacted text for the UI to show selected when the clipboard refused. */
  report: Async<ClipboardWriteResult>;
  /** Trusting the repository to run its own commands. */
  trust: Async<RepoSummary>;
  /** The account of the repository's remote (account.status with its path), and a key added to it (keys.add). */
  account: Async<AccountStatus>;
  keyAdd: Async<KeyAddResult>;
}

export interface GuideState {
  screen: Screen;
  recent: Async<RecentRepo[]>;
  /** Opening a folder (drop, choose, recent, second launch); its failure is shown on Start. */
  opening: Async<RepoSummary | null>;
  repo: RepoSummary | null;
  diagnosis: Diagnosis;
  ops: Ops;
  guides: Record<string, RepoGuide>;
  /** Fix titles as the engine words them (from findings and plans), for summaries and history. */
  fixTitles: Partial<Record<FixId, string>>;
  /** The latest message for the aria-live region. */
  announcement: string;
  settings: SettingsPanel;
  account: AccountPanel;
}

export function emptyOps(): Ops {
  return { plans: {}, applies: {}, sshVerify: IDLE, copyKey: IDLE, external: IDLE, history: IDLE, undo: IDLE, report: IDLE, trust: IDLE, account: IDLE, keyAdd: IDLE };
}

export function emptyGuide(): RepoGuide {
  return { remote: null, https: null, ssh: null, applied: [], trustAnswered: false };
}

export function initialState(): GuideState {
  return {
    screen: { name: 'start' },
    recent: IDLE,
    opening: IDLE,
    repo: null,
    diagnosis: { runId: null, run: IDLE, checks: [] },
    ops: emptyOps(),
    guides: {},
    fixTitles: {},
    announcement: '',
    settings: { values: IDLE, trusted: IDLE, failure: null },
    account: { sites: {}, link: IDLE, unlink: IDLE },
  };
}

// ─── Reading the state ────────────────────────────────────────────────────────────────────────────

/** The guide of the open repository (an empty one when none is stored yet). */
export function currentGuide(s: GuideState): RepoGuide {
  return (s.repo && s.guides[s.repo.path]) || emptyGuide();
}

/** The cause to lead with: the first error, else the first warning. */
export function topFinding(report: DiagnoseReport): Finding | null {
  return report.findings.find((f) => f.severity === 'error') ?? report.findings.find((f) => f.severity === 'warning') ?? null;
}

export function otherFindings(report: DiagnoseReport): Finding[] {
  const top = topFinding(report);
  return report.findings.filter((f) => f !== top);
}

export function phaseOf(s: GuideState): Phase {
  switch (s.screen.name) {
    case 'start':
    case 'trust':
      return 'diagnose';
    case 'settings':
    case 'account':
      return phaseOf({ ...s, screen: s.screen.returnTo });
    case 'account-key':
      return 'fix';
    case 'diagnosis':
      return currentGuide(s).applied.length > 0 ? 'verify' : 'diagnose';
    case 'fix':
      return 'fix';
    case 'https':
    case 'ssh':
      return s.screen.step === 'verify' ? 'verify' : 'fix';
    case 'done':
      return 'verify';
  }
}

/** True while an operation runs that leaving the screen would orphan. */
export function isBusy(s: GuideState): boolean {
  const ops = s.ops;
  return (
    s.opening.status === 'running' ||
    Object.values(ops.applies).some((a) => a?.status === 'running') ||
    ops.sshVerify.status === 'running' ||
    ops.undo.status === 'running' ||
    ops.trust.status === 'running' ||
    ops.keyAdd.status === 'running' ||
    s.account.link.status === 'running'
  );
}

/** A stable key per screen and step, for remounting (and so refocusing) the heading on change. */
export function screenKey(screen: Screen): string {
  switch (screen.name) {
    case 'fix':
      return `fix:${screen.fixId}`;
    case 'https':
    case 'ssh':
      return `${screen.name}:${screen.step}`;
    default:
      return screen.name;
  }
}

// ─── Routing fixes to flows ───────────────────────────────────────────────────────────────────────

const HTTPS_ENTRY: Partial<Record<FixId, HttpsStep>> = {
  'credential.clear': 'clear',
  'credential.save-token': 'token',
  'open.api-token-page': 'token',
};
const SSH_ENTRY: ReadonlySet<FixId> = new Set(['ssh.generate-key', 'remote.use-ssh']);

/** Which screen a fix opens: the HTTPS token guide, the SSH guide, adding a key to the account, or the generic describe → confirm → apply. */
export function routeForFix(fixId: FixId): 'https' | 'ssh' | 'account-key' | 'fix' {
  if (HTTPS_ENTRY[fixId]) return 'https';
  if (SSH_ENTRY.has(fixId)) return 'ssh';
  if (fixId === 'ssh.add-key-to-account') return 'account-key';
  return 'fix';
}

/** Clearing a stale credential comes first only when that is the fix the user picked. */
export function httpsStepsFor(fixId: FixId): readonly HttpsStep[] {
  return HTTPS_ENTRY[fixId] === 'clear' ? HTTPS_STEPS : HTTPS_STEPS.filter((s) => s !== 'clear');
}

export function nextStep<S extends string>(steps: readonly S[], at: S): S {
  const i = steps.indexOf(at);
  return steps[Math.min(i + 1, steps.length - 1)] ?? at;
}

export function previousStep<S extends string>(steps: readonly S[], at: S): S | null {
  const i = steps.indexOf(at);
  return i > 0 ? (steps[i - 1] ?? null) : null;
}

/** The remote being fixed: the one the guide names, else the repository's first. */
export function remoteOf(repo: RepoSummary | null, remote: string | null): RemoteSummary | null {
  if (!repo) return null;
  return (remote ? repo.remotes.find((r) => r.name === remote) : repo.remotes[0]) ?? null;
}

/** The SSH guide's last fix, as the engine decided it for the remote; without a remote, the host move (which then says there is nothing to move). */
export function switchFixOf(s: GuideState): FixId {
  return remoteOf(s.repo, currentGuide(s).remote)?.switchFix ?? 'remote.use-ssh-host';
}

/** open.* fixes are pages in the user's browser, opened through the shell's allow-listed targets. */
export function externalTargetFor(fixId: FixId, path: string, remote: string | null): ExternalTarget | null {
  switch (fixId) {
    case 'open.api-token-page':
      return { kind: 'api-token' };
    case 'open.ssh-keys-page':
      return { kind: 'ssh-keys' };
    case 'open.repository-page':
      return remote ? { kind: 'repository', path, remote } : { kind: 'repository', path };
    default:
      return null;
  }
}

// ─── Transitions ──────────────────────────────────────────────────────────────────────────────────

function withGuide(s: GuideState, change: (g: RepoGuide) => RepoGuide): GuideState {
  if (!s.repo) return s;
  return { ...s, guides: { ...s.guides, [s.repo.path]: change(currentGuide(s)) } };
}

export function announce(s: GuideState, announcement: string): GuideState {
  return { ...s, announcement };
}

export function openStarted(s: GuideState): GuideState {
  return { ...s, opening: RUNNING, announcement: 'Opening the folder…' };
}

/** A folder opened: show the diagnosis (the store starts it). A cancelled chooser changes nothing. */
export function openFinished(s: GuideState, result: Result<RepoSummary | null>): GuideState {
  if (!result.ok) return { ...s, opening: settle(result), screen: { name: 'start' }, announcement: result.error.message };
  if (result.value === null) return { ...s, opening: IDLE };
  const repo = result.value;
  // A repository that names commands of its own asks first (once per session, unless trusted).
  const ask = !repo.trusted && repo.repoCommands.length > 0 && !s.guides[repo.path]?.trustAnswered;
  return {
    ...s,
    opening: settle(result),
    repo,
    screen: { name: ask ? 'trust' : 'diagnosis' },
    ops: emptyOps(),
    diagnosis: { runId: null, run: IDLE, checks: [] },
    guides: s.guides[repo.path] ? s.guides : { ...s.guides, [repo.path]: emptyGuide() },
    announcement: `Opened ${repo.name}.`,
  };
}

/** A drop the guide can tell is wrong before asking the engine (no folder, several items). */
export function dropRejected(s: GuideState, message: string, code: ContractError['code'] = 'not-a-directory'): GuideState {
  return { ...s, opening: failed(message, code), screen: { name: 'start' }, announcement: message };
}

export function recentLoaded(s: GuideState, result: Result<RecentRepo[]>): GuideState {
  return { ...s, recent: settle(result) };
}

export function diagnosisStarted(s: GuideState, runId: string): GuideState {
  const name = s.repo?.name ?? 'the repository';
  return { ...s, diagnosis: { runId, run: RUNNING, checks: [] }, announcement: `Checking ${name}…` };
}

const STATUS_WORD: Record<CheckStatus, string> = { ok: 'OK', warning: 'warning', error: 'problem', skipped: 'skipped' };

function sameCheck(line: CheckLine, id: string, remote: string | null): boolean {
  return line.id === id && line.remote === remote;
}

export function progressReceived(s: GuideState, runId: string, progress: DiagnoseProgress): GuideState {
  if (runId !== s.diagnosis.runId || s.diagnosis.run.status !== 'running') return s;
  const checks = s.diagnosis.checks;
  if (progress.type === 'check-started') {
    const line: CheckLine = { id: progress.id, remote: progress.remote, title: progress.title, status: 'running', summary: null };
    const exists = checks.some((c) => sameCheck(c, progress.id, progress.remote));
    const next = exists ? checks.map((c) => (sameCheck(c, progress.id, progress.remote) ? line : c)) : [...checks, line];
    return { ...s, diagnosis: { ...s.diagnosis, checks: next }, announcement: `${progress.title}…` };
  }
  const { check } = progress;
  const line: CheckLine = { id: check.id, remote: check.remote, title: check.title, status: check.status, summary: check.summary };
  const exists = checks.some((c) => sameCheck(c, check.id, check.remote));
  const next = exists ? checks.map((c) => (sameCheck(c, check.id, check.remote) ? line : c)) : [...checks, line];
  return { ...s, diagnosis: { ...s.diagnosis, checks: next }, announcement: `${check.title}: ${STATUS_WORD[check.status]}.` };
}

function verdictSentence(report: DiagnoseReport): string {
  const top = topFinding(report);
  if (report.verdict === 'ok') return top ? `Push works. ${top.title}` : 'Push works.';
  return top ? `Found the cause: ${top.title}` : 'The checks could not tell what is wrong.';
}

export function diagnosisFinished(s: GuideState, runId: string, result: Result<DiagnoseReport>): GuideState {
  // A late answer for a run that was replaced or already cancelled changes nothing.
  if (runId !== s.diagnosis.runId || s.diagnosis.run.status !== 'running') return s;
  if (!result.ok) {
    const announcement = result.error.code === 'cancelled' ? 'Checks cancelled.' : result.error.message;
    // Checks still spinning when the run ends did not finish: say so instead of spinning forever.
    const checks = s.diagnosis.checks.map((c) => (c.status === 'running' ? { ...c, status: 'skipped' as const, summary: 'Did not finish.' } : c));
    return { ...s, diagnosis: { ...s.diagnosis, run: settle(result), checks }, announcement };
  }
  const report = result.value;
  const checks = report.checks.map((c) => ({ id: c.id, remote: c.remote, title: c.title, status: c.status, summary: c.summary }));
  const fixTitles = { ...s.fixTitles };
  for (const f of report.findings) for (const ref of f.fixes) fixTitles[ref.id] = ref.title;
  return { ...s, diagnosis: { ...s.diagnosis, run: settle(result), checks }, fixTitles, announcement: verdictSentence(report) };
}

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

export function planStarted(s: GuideState, fixId: FixId): GuideState {
  return { ...s, ops: { ...s.ops, plans: { ...s.ops.plans, [fixId]: RUNNING } } };
}

export function planFinished(s: GuideState, fixId: FixId, result: Result<FixPlan>): GuideState {
  const fixTitles = result.ok ? { ...s.fixTitles, [fixId]: result.value.title } : s.fixTitles;
  return { ...s, fixTitles, ops: { ...s.ops, plans: { ...s.ops.plans, [fixId]: settle(result) } } };
}

export function applyStarted(s: GuideState, fixId: FixId): GuideState {
  const title = s.fixTitles[fixId];
  return { ...s, ops: { ...s.ops, applies: { ...s.ops.applies, [fixId]: RUNNING } }, announcement: title ? `${title}…` : 'Working…' };
}

/** A fix the engine ran but did not apply ("Not applied: …"): a failure, with the engine's words. */
export function notApplied(result: Result<FixResult>): Result<FixResult> {
  return result.ok && !result.value.applied ? { ok: false, error: { code: 'failed', message: result.value.message } } : result;
}

/** A finished fix: remembered for the summary (and its key, for the SSH guide's next steps). */
export function applyFinished(s: GuideState, fixId: FixId, answer: Result<FixResult>): GuideState {
  const result = notApplied(answer);
  const next = { ...s, ops: { ...s.ops, applies: { ...s.ops.applies, [fixId]: settle(result) } } };
  if (!result.ok) return announce(next, result.error.message);
  const value = result.value;
  const withApplied = withGuide(next, (g) => ({
    ...g,
    applied: value.applied && value.changed.length > 0 ? [...g.applied, value] : g.applied,
    ssh: value.key && g.ssh ? { ...g.ssh, key: value.key } : g.ssh,
  }));
  return announce(withApplied, value.message);
}

export function opStarted<K extends Exclude<keyof Ops, 'plans' | 'applies'>>(s: GuideState, key: K): GuideState {
  return { ...s, ops: { ...s.ops, [key]: RUNNING } };
}

export function opFinished<K extends Exclude<keyof Ops, 'plans' | 'applies'>>(s: GuideState, key: K, value: Ops[K]): GuideState {
  return { ...s, ops: { ...s.ops, [key]: value } };
}

/** An undo removes the newest matching change from the session summary. */
export function undoFinished(s: GuideState, result: Result<UndoResult>): GuideState {
  const next = opFinished(s, 'undo', settle(result));
  if (!result.ok) return announce(next, result.error.message);
  const { fixId, undone, message } = result.value;
  const withSummary = undone
    ? withGuide(next, (g) => {
        const i = g.applied.map((a) => a.id).lastIndexOf(fixId as FixId);
        return i < 0 ? g : { ...g, applied: g.applied.filter((_, j) => j !== i) };
      })
    : next;
  return announce(withSummary, message);
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

const HTTPS_STEP_PLAN: Partial<Record<HttpsStep, FixId>> = {
  clear: 'credential.clear',
  token: 'open.api-token-page',
  save: 'credential.save-token',
};
const SSH_STEP_PLAN: Partial<Record<SshStep, FixId>> = {
  generate: 'ssh.generate-key',
  add: 'open.ssh-keys-page',
  trust: 'ssh.trust-host-keys',
  configure: 'ssh.configure-host',
};

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

// ─── Words ────────────────────────────────────────────────────────────────────────────────────────

/** What to try next after a failed request, by error code (the engine's message says what happened). */
export function hintFor(error: ContractError): string {
  switch (error.code) {
    case 'not-a-repo':
      return 'Drop the folder that contains your project (the one with the hidden .git folder), or pick it with Choose folder.';
    case 'not-a-directory':
      return 'Drop a folder, not a file: the folder your project lives in.';
    case 'not-found':
      return 'The folder may have moved or been deleted. Choose it again.';
    case 'several-items':
      return 'Drop one repository folder at a time.';
    case 'not-applicable':
      return 'Nothing to change here. Go back and pick another way.';
    case 'cancelled':
      return 'Run the checks again when you are ready.';
    case 'conflict':
      return 'Use a new key for this account, or remove the key where it is registered.';
    case 'invalid-request':
    case 'untrusted-sender':
      return 'Try again. If it keeps happening, restart Push Doctor.';
    case 'failed':
      return 'Try again. If it keeps failing, copy the report and send it to your support team.';
  }
}
