/** The guide's own words: announcements of checks and verdicts, and what to try next after a failed request. */
import type { ContractError } from '../../../app/contract/channels.js';
import type { CheckStatus, DiagnoseReport } from '../../../app/contract/report.js';
import { topFinding } from './selectors.js';

/** The word a check's status is announced with. */
export const STATUS_WORD: Record<CheckStatus, string> = { ok: 'OK', warning: 'warning', error: 'problem', skipped: 'skipped' };

/** The announcement of a finished diagnosis: the verdict and the cause to lead with. */
export function verdictSentence(report: DiagnoseReport): string {
  const top = topFinding(report);
  if (report.verdict === 'ok') return top ? `Push works. ${top.title}` : 'Push works.';
  return top ? `Found the cause: ${top.title}` : 'The checks could not tell what is wrong.';
}

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
