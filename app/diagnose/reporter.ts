import type { CheckResult, CheckStatus, DiagnoseProgress } from '../contract/report.js';
import { boundCheck } from './bounds.js';

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what the check found. */
  summary: string;
}

/**
 * Records checks as they run: each check is announced when it starts and reported with its
 * duration when it ends, so the CLI and the UI can show progress. A check that throws is reported
 * as an error, never propagated: one broken check must not lose the others' results.
 */
export class CheckReporter {
  readonly results: CheckResult[] = [];

  constructor(private readonly onProgress: (event: DiagnoseProgress) => void = () => {}) {}

  async check(id: string, remote: string | null, title: string, body: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
    this.onProgress({ type: 'check-started', id, remote, title });
    const started = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = await body();
    } catch (error) {
      outcome = { status: 'error', summary: `internal error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const result: CheckResult = { id, status: outcome.status, durationMs: Math.round(performance.now() - started), remote, title, summary: outcome.summary };
    this.results.push(result);
    this.onProgress({ type: 'check-finished', check: boundCheck(result) });
    return outcome;
  }

  /** Records a check that did not run (offline, not applicable), so the report says so. */
  skip(id: string, remote: string | null, title: string, summary: string): void {
    const result: CheckResult = { id, status: 'skipped', durationMs: 0, remote, title, summary };
    this.results.push(result);
    this.onProgress({ type: 'check-finished', check: boundCheck(result) });
  }
}
