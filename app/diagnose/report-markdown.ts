import type { DiagnoseReport, Finding } from '../contract/report.js';
import { redact } from '../secrets/redact.js';

const MARK = { error: '✗', warning: '!', info: '✓' } as const;
const VERDICT = { ok: 'Pushing to Bitbucket works.', problems: 'Pushing to Bitbucket will fail.', unknown: 'Could not confirm that pushing works.' } as const;

/** Text inside a Markdown table cell or heading: no pipes or newlines that would break the layout. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A fenced block that its content cannot close. */
function fence(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.map((l) => (l.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${lines.join('\n')}\n${ticks}`;
}

function findingSection(f: Finding): string {
  const parts = [`### ${MARK[f.severity]} ${cell(f.title)}`, '', `Code \`${f.code}\`${f.remote ? `, remote \`${f.remote}\`` : ''}.`, '', f.detail];
  if (f.evidence.length) parts.push('', 'What Push Doctor saw:', '', fence(f.evidence));
  if (f.fixes.length) parts.push('', 'Fixes, recommended first:', '', ...f.fixes.map((fix) => `- ${fix.title} (\`push-doctor fix ${fix.id}\`)`));
  return parts.join('\n');
}

/**
 * A Markdown report of a diagnosis for a support ticket. The report is already redacted by the
 * engine; this pass masks anything secret-shaped once more, because the report leaves the machine.
 */
export function markdownReport(report: DiagnoseReport, generatedAt: Date = new Date()): string {
  const problems = report.findings.filter((f) => f.severity !== 'info');
  const good = report.findings.filter((f) => f.severity === 'info');
  const lines = [
    '# Bitbucket Push Doctor report',
    '',
    `- Repository: \`${report.path}\``,
    `- Result: **${VERDICT[report.verdict]}**`,
    `- Generated: ${generatedAt.toISOString()}`,
    '',
    '## Findings',
    '',
    ...(report.findings.length ? [...problems, ...good].map((f) => `${findingSection(f)}\n`) : ['No findings.', '']),
    '## Checks',
    '',
    '| Check | Remote | Result | Time | Summary |',
    '|---|---|---|---|---|',
    ...report.checks.map((c) => `| ${cell(c.title)} | ${c.remote ?? ''} | ${c.status} | ${c.durationMs} ms | ${cell(c.summary)} |`),
    '',
    'Secrets are never included: tokens are shown masked (first and last four characters), passwords not at all.',
    '',
  ];
  return redact(lines.join('\n'));
}
