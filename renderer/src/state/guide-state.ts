/**
 * The guide as a state machine, its state: what the user sees (screen and step) and every async
 * operation's state. Transitions are pure functions of (state, event) (./transitions.ts,
 * ./navigation.ts); the store (./store.ts) performs the calls to `window.pushDoctor` and feeds
 * their results through them; tests drive them directly. Nothing here holds a secret: tokens and
 * passphrases live only in a form's local state and are cleared after use.
 */
import type { AccountStatus, KeyAddResult } from '../../../app/contract/account.js';
import type { ClipboardWriteResult, RecentRepo, RepoSummary } from '../../../app/contract/channels.js';
import type { FixPlan, FixResult, JournalEntry, KeygenResult, SshVerifyResult, UndoResult } from '../../../app/contract/fixes.js';
import type { CheckStatus, DiagnoseReport, FixId } from '../../../app/contract/report.js';
import type { AccountPanel } from './account.js';
import { IDLE, type Async } from './async-op.js';
import type { HttpsStep, SshStep } from './guide-steps.js';
import type { SettingsPanel } from './settings.js';

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

/** The guide of the open repository (an empty one when none is stored yet). */
export function currentGuide(s: GuideState): RepoGuide {
  return (s.repo && s.guides[s.repo.path]) || emptyGuide();
}

/** The state with the open repository's guide changed (unchanged when no repository is open). */
export function withGuide(s: GuideState, change: (g: RepoGuide) => RepoGuide): GuideState {
  if (!s.repo) return s;
  return { ...s, guides: { ...s.guides, [s.repo.path]: change(currentGuide(s)) } };
}
