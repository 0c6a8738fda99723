import { describe, expect, it } from 'vitest';
import type { DiagnoseReport } from '../../app/contract/report.js';
import { finding } from '../../app/diagnose/catalogue.js';
import { markdownReport } from '../../app/diagnose/report-markdown.js';

const report: DiagnoseReport = {
  schemaVersion: 1,
  path: '/home/jdoe/widgets',
  verdict: 'problems',
  findings: [
    finding('https.app-password', {
      remote: 'origin',
      params: { masked: 'ATBB…2C1F' },
      // evidence that (wrongly) still carries a raw token and a fence of its own
      evidence: ['remote: App passwords are deprecated', 'https://jdoe:ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz012345=ABCD1234@bitbucket.org', '```'],
    }),
    finding('https.ok', { remote: 'upstream' }),
  ],
  checks: [{ id: 'https.write', status: 'error', durationMs: 412, remote: 'origin', title: 'Push access | HTTPS', summary: 'HTTP 410' }],
};

describe('markdownReport', () => {
  const md = markdownReport(report, new Date('2026-11-27T10:00:00Z'));

  it('has the verdict, each finding with its evidence and fixes, and the checks table', () => {
    expect(md).toContain('- Result: **Pushing to Bitbucket will fail.**');
    expect(md).toContain('### ✗ Your computer is still sending an app password (ATBB…2C1F).');
    expect(md).toContain('- Remove the old saved password for Bitbucket (`push-doctor fix credential.clear`)');
    expect(md).toContain('| Push access \\| HTTPS | origin | error | 412 ms | HTTP 410 |');
    // problems before good news
    expect(md.indexOf('### ✗')).toBeLessThan(md.indexOf('### ✓'));
  });

  it('masks secrets the engine missed and cannot be broken out of by evidence', () => {
    expect(md).not.toContain('abcdefghijklmnop');
    expect(md).toContain('ATAT…1234');
    expect(md).toMatch(/````\n[\s\S]*```\n````/);
  });
});
