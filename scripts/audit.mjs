#!/usr/bin/env node
// `npm audit --omit=dev`: the known advisories of what ships (the app's and the CLI's runtime
// dependencies), written as a figures file (test-output/figures/npm-audit.json) for `npm run figures`.
// An advisory endpoint that cannot be reached (an offline machine, a registry mirror that only
// serves packages) is reported as such, never as "0 vulnerabilities". `--strict` fails on any high
// or critical advisory (the GitHub workflow, which can reach the endpoint, runs it so).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const strict = process.argv.includes('--strict');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000, shell: process.platform === 'win32' });

let report = null;
try {
  report = JSON.parse(result.stdout);
} catch {
  report = null;
}
const counts = report?.metadata?.vulnerabilities;
const figures = counts
  ? { reached: 'yes', dependencies: report.metadata.dependencies?.prod ?? report.metadata.dependencies?.total ?? 'unknown', ...counts }
  : { reached: 'no', reason: (report?.message ?? result.error?.message ?? (result.stderr.trim().split('\n').at(-1) || `exit code ${result.status}`)).slice(0, 200) };

mkdirSync('test-output/figures', { recursive: true });
writeFileSync('test-output/figures/npm-audit.json', `${JSON.stringify({ title: 'npm audit --omit=dev', figures }, null, 2)}\n`);
if (counts) {
  console.log(`npm audit --omit=dev: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  if (strict && (counts.high > 0 || counts.critical > 0)) process.exit(1);
} else {
  console.log(`npm audit --omit=dev: the advisory endpoint could not be reached (${figures.reason}); nothing was checked.`);
  if (strict) process.exit(1);
}
