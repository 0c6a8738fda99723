import { describeAccountKeyStep, removeByHand } from '../account/journal-step.js';
import type { JournalEntry } from '../contract/fixes.js';
import { formatDay } from '../contract/dates.js';
import type { AccountKeyStep, Step } from './journal-steps.js';
import type { StoredEntry } from './journal-store.js';
import type { UndoSecretPlace } from './undo-secrets.js';

/* What the journal tells the user: each step in one line, an entry as the history shows it, and the sentences of undo. */

/** One step, in one line for the user (the path, the saved credential, the key and where it is). */
export function describeStep(step: Step): string {
  if (step.kind === 'credential') return `saved credential ${step.username}@${step.host} (helper ${step.helper})`;
  if (step.kind === 'agent-key') return `ssh-agent ${step.socket}: key ${step.fingerprint}`;
  if (step.kind === 'acl') return `${step.path} (who may use it)`;
  if (step.kind === 'account-key') return describeAccountKeyStep(step);
  return step.path;
}

/** An entry as the contract shows it (history, a fix's result). */
export function toJournalEntry(entry: StoredEntry): JournalEntry {
  return { id: entry.id, fixId: entry.fixId, appliedAt: entry.appliedAt, repo: entry.repo, changed: entry.steps.map(describeStep) };
}

/** What undo could not put back: folders still holding files, keys on the Bitbucket account it may not delete. */
export function leftAloneMessage(entry: StoredEntry, leftAlone: string[]): string {
  if (!leftAlone.length) return '';
  const accountKeys = entry.steps.filter((s): s is AccountKeyStep => s.kind === 'account-key' && leftAlone.includes(describeAccountKeyStep(s)));
  const others = leftAlone.filter((line) => !accountKeys.some((s) => describeAccountKeyStep(s) === line));
  const parts = [
    ...(others.length ? [` Left in place (not empty): ${others.join(', ')}.`] : []),
    ...accountKeys.map((s) => ` The ${describeAccountKeyStep(s)} could not be deleted (the linked token needs the delete scope, or Bitbucket could not be reached): ${removeByHand(s)}.`),
  ];
  return parts.join('');
}

/** One sentence: why the old credential could not be kept for undo, and what to do instead. */
export function cannotKeep(place: UndoSecretPlace, helper: string, error: unknown): string {
  const why = errorText(error);
  if (place === 'keychain') {
    return `the credential helper "${helper}" is not one whose protection Push Doctor can judge, so the old credential would be kept for undo in the system keychain, which is not usable here (${why}); change this credential with that helper's own tool`;
  }
  return `could not keep the old credential for undo: ${why}`;
}

/** An error's message, without its final period, for a sentence of ours. */
export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

/** "27 November 2026, 22:57" in the machine's time zone: absolute, readable, never relative. */
export function readableTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
  return `${formatDay(`${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`)}, ${time}`;
}
