/**
 * The guide's state changed by what happens outside it: a folder opened, the engine's answers
 * (diagnosis progress and report, plans, fixes applied, undo) and announcements. Pure functions
 * of (state, event); moving between screens and steps is ./navigation.ts.
 */
import type { ContractError, RecentRepo, RepoSummary, Result } from '../../../app/contract/channels.js';
import type { FixPlan, FixResult, UndoResult } from '../../../app/contract/fixes.js';
import type { DiagnoseProgress, DiagnoseReport, FixId } from '../../../app/contract/report.js';
import { failed, IDLE, RUNNING, settle } from './async-op.js';
import { emptyGuide, emptyOps, withGuide, type CheckLine, type GuideState, type Ops } from './guide-state.js';
import { STATUS_WORD, verdictSentence } from './wording.js';

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
