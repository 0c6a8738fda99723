/** Words and dates the way the guide shows them: absolute dates, a word next to every status icon. */
import type { RecentRepo } from '../../../app/contract/channels.js';
import type { CheckStatus, Severity } from '../../../app/contract/report.js';

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const MOMENT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "2026-07-28" → "28 July 2026" (a calendar day, so no time zone shift). */
export function formatDay(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  if (!y || !m || !d) return isoDay;
  return DAY.format(new Date(Date.UTC(y, m - 1, d)));
}

/** An ISO timestamp in the user's time zone: "27 November 2026 at 14:03". */
export function formatMoment(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : MOMENT.format(date);
}

export type Tone = 'ok' | 'warning' | 'error' | 'neutral' | 'running';

export interface StatusWords {
  tone: Tone;
  icon: string;
  word: string;
}

export function checkStatusWords(status: CheckStatus | 'running'): StatusWords {
  switch (status) {
    case 'running':
      return { tone: 'running', icon: '', word: 'Checking' };
    case 'ok':
      return { tone: 'ok', icon: '✓', word: 'OK' };
    case 'warning':
      return { tone: 'warning', icon: '!', word: 'Warning' };
    case 'error':
      return { tone: 'error', icon: '✗', word: 'Problem' };
    case 'skipped':
      return { tone: 'neutral', icon: '–', word: 'Skipped' };
  }
}

export function severityWords(severity: Severity): StatusWords {
  switch (severity) {
    case 'error':
      return { tone: 'error', icon: '✗', word: 'Problem' };
    case 'warning':
      return { tone: 'warning', icon: '!', word: 'Warning' };
    case 'info':
      return { tone: 'neutral', icon: 'i', word: 'Note' };
  }
}

export function recentResultWords(result: NonNullable<RecentRepo['lastResult']>): StatusWords {
  switch (result.status) {
    case 'ok':
      return { tone: 'ok', icon: '✓', word: 'OK' };
    case 'failing':
      return { tone: 'error', icon: '✗', word: 'Failing' };
    case 'error':
      return { tone: 'warning', icon: '!', word: 'Could not check' };
  }
}
