import type { CheckResult, CheckStatus, DiagnoseReport, Finding, FixRef } from '../contract/report.js';
import type { Style } from './style.js';

const CHECK_MARK: Record<CheckStatus, string> = { ok: '✓', warning: '!', error: '✗', skipped: '-' };
const SEVERITY_MARK = { error: '✗', warning: '!', info: '✓' } as const;

/** A path as the user would type it in a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command that applies a fix, as printed beside a finding. */
export function fixCommand(fix: FixRef, repoPath: string, remote: string | null): string {
  const parts = ['push-doctor', 'fix', fix.id, shellQuote(repoPath)];
  if (remote && remote !== 'origin') parts.push('--remote', shellQuote(remote));
  if (fix.needsInput) parts.push('--input-stdin');
  return parts.join(' ');
}

/**
 * Human output in the manner of `gh auth status`: one line per check with ✓ / ! / ✗, then each
 * problem with its cause, the evidence, and the command that fixes it.
 */
export function formatReport(report: DiagnoseReport, style: Style): string {
  const out: string[] = [];
  const mark = (status: CheckStatus) => {
    const symbol = CHECK_MARK[status];
    return status === 'ok' ? style.ok(symbol) : status === 'warning' ? style.warn(symbol) : status === 'error' ? style.error(symbol) : style.dim(symbol);
  };

  out.push(style.bold(report.path));
  for (const [remote, checks] of groupByRemote(report.checks)) {
    if (remote !== null) out.push('', style.bold(remote));
    for (const check of checks) out.push(`  ${mark(check.status)} ${check.title}: ${check.status === 'skipped' ? style.dim(check.summary) : check.summary}`);
  }

  const problems = report.findings.filter((f) => f.severity !== 'info');
  const good = report.findings.filter((f) => f.severity === 'info');
  for (const f of [...problems, ...good]) out.push('', ...formatFinding(f, report.path, style));

  out.push('', summaryLine(report, style));
  return `${out.join('\n')}\n`;
}

function formatFinding(f: Finding, repoPath: string, style: Style): string[] {
  const symbol = SEVERITY_MARK[f.severity];
  const head = f.severity === 'error' ? style.error(symbol) : f.severity === 'warning' ? style.warn(symbol) : style.ok(symbol);
  const lines = [`${head} ${style.bold(f.title)}${f.remote ? style.dim(` [${f.remote}]`) : ''}`];
  if (f.severity === 'info') return lines;
  lines.push(`  ${f.detail}`);
  for (const line of f.evidence) lines.push(style.dim(`    │ ${line}`));
  f.fixes.forEach((fix, index) => {
    const label = index === 0 ? '  - To fix: ' : '    or:     ';
    lines.push(`${label}${fixCommand(fix, repoPath, f.remote)}  ${style.dim(`(${fix.title})`)}`);
  });
  lines.push(style.dim(`  code: ${f.code}`));
  return lines;
}

function groupByRemote(checks: readonly CheckResult[]): Map<string | null, CheckResult[]> {
  const groups = new Map<string | null, CheckResult[]>();
  for (const check of checks) {
    const list = groups.get(check.remote) ?? [];
    list.push(check);
    groups.set(check.remote, list);
  }
  return groups;
}

function summaryLine(report: DiagnoseReport, style: Style): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const counts = [errors && `${errors} problem${errors === 1 ? '' : 's'}`, warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`].filter(Boolean).join(', ');
  if (report.verdict === 'ok') return style.ok(`✓ Pushing to Bitbucket works.${warnings ? ` (${counts})` : ''}`);
  if (report.verdict === 'problems') return style.error(`✗ Pushing to Bitbucket will fail: ${counts}.`);
  return style.warn(`! Could not confirm that pushing works${counts ? ` (${counts})` : ''}.`);
}
