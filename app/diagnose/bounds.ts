import type { CheckResult, Finding } from '../contract/report.js';

/**
 * Bounds on what a report carries. Evidence and summaries quote programs' output, and a broken
 * program can print megabytes on one line or a million lines: the report, the UI and a support
 * ticket need the start of it, not all of it. Bound after redacting: a cut must not split a secret
 * the redaction would have recognised whole. Pure.
 */
export const MAX_LINE_LENGTH = 500;
export const MAX_EVIDENCE_LINES = 40;

/** The text cut to `max` characters, saying how much was left out. */
export function clipLine(text: string, max = MAX_LINE_LENGTH): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** At most MAX_EVIDENCE_LINES lines, each clipped, and a last line counting what was left out. */
export function boundEvidence(lines: readonly string[]): string[] {
  const kept = lines.slice(0, MAX_EVIDENCE_LINES).map((line) => clipLine(line));
  if (lines.length > MAX_EVIDENCE_LINES) kept.push(`… ${lines.length - MAX_EVIDENCE_LINES} more lines`);
  return kept;
}

export function boundFinding(f: Finding): Finding {
  return { ...f, title: clipLine(f.title, 2 * MAX_LINE_LENGTH), detail: clipLine(f.detail, 4 * MAX_LINE_LENGTH), evidence: boundEvidence(f.evidence) };
}

export function boundCheck(c: CheckResult): CheckResult {
  return { ...c, summary: clipLine(c.summary) };
}
