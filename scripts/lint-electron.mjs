// Electronegativity (offline) over the Electron main and preload code, and its CSP check over the
// renderer's page. Fails on any finding of high severity; all findings go to
// test-output/electronegativity.csv for review.
//
// The library is called directly instead of through its CLI: the CLI writes the CSV header and the
// rows with two racing asynchronous writes, which garbles the first row.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronegativity = require('@doyensec/electronegativity');
// The installed Electron version, so checks use its defaults (the tool cannot look it up offline).
const electronVersion = require('electron/package.json').version;

const scans = [
  { input: 'main', checks: [] },
  { input: 'renderer/index.html', checks: ['cspglobalcheck'] },
];

const quote = (value) => (value == null ? 'N/A' : `"${String(value).replace(/"/g, '""')}"`);
const rows = [];
let high = 0;
for (const scan of scans) {
  const result = await electronegativity(
    {
      input: path.resolve(scan.input),
      customScan: scan.checks,
      excludeFromScan: [],
      isRelative: true,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
  for (const issue of result.issues) {
    if (issue.severity.name === 'HIGH') high += 1;
    const base = scan.input.endsWith('.html') ? path.dirname(scan.input) : scan.input;
    const file = issue.file === 'N/A' ? scan.input : path.join(base, issue.file);
    rows.push([issue.id, issue.severity.name, issue.confidence.name, file, `${issue.location.line}:${issue.location.column}`, issue.sample, issue.description, issue.manualReview ? 'review' : '']);
    console.log(`${issue.severity.name.padEnd(6)} ${issue.confidence.name.padEnd(9)} ${issue.id} ${file}:${issue.location.line}`);
  }
}

mkdirSync('test-output', { recursive: true });
const header = 'issue,severity,confidence,file,location,sample,description,manual review';
writeFileSync('test-output/electronegativity.csv', `${[header, ...rows.map((row) => row.map(quote).join(','))].join('\n')}\n`);
console.log(`electronegativity: ${rows.length} finding(s), ${high} of high severity (test-output/electronegativity.csv)`);
// The same counts as a figures file, for `npm run figures`.
const bySeverity = (name) => rows.filter((row) => row[1] === name).length;
mkdirSync('test-output/figures', { recursive: true });
writeFileSync(
  'test-output/figures/electronegativity.json',
  `${JSON.stringify({ title: 'Electronegativity', figures: { findings: rows.length, high: high, medium: bySeverity('MEDIUM'), low: bySeverity('LOW') } }, null, 2)}\n`,
);
if (high > 0) process.exit(1);
