/** Words and dates the way the guide shows them: absolute dates, a word next to every status icon. */
import type { RecentRepo } from '../../../app/contract/channels.js';
import type { CheckStatus, Severity } from '../../../app/contract/report.js';

export { formatDay, formatMoment } from '../../../app/contract/dates.js';

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
