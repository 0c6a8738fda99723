#!/usr/bin/env node
// Prints every figures file the test run wrote (test-output/**/*.json with a "title" and "figures"),
// so that CI logs show them: fault cases, fuzz runs, and what other suites add. `--summary` leaves
// out the per-row lines. A figures file is
// { "title": "...", "figures": { "name": number|string, ... }, "rows"?: [{ "name": "...", "value": ... }] }.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'test-output');

async function jsonFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? jsonFiles(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : [])));
  return nested.flat().sort();
}

const summaryOnly = process.argv.includes('--summary');
let printed = 0;
for (const file of await jsonFiles(root)) {
  let data;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    continue;
  }
  if (!data || typeof data.title !== 'string' || typeof data.figures !== 'object' || data.figures === null) continue;
  const headline = Object.entries(data.figures).map(([name, value]) => `${name} ${value}`).join(', ');
  console.log(`${data.title}: ${headline}  (${path.relative(process.cwd(), file)})`);
  for (const row of Array.isArray(data.rows) && !summaryOnly ? data.rows : []) console.log(`  ${row.name}: ${row.value}`);
  printed++;
}
if (printed === 0) console.log(`No figures under ${path.relative(process.cwd(), root) || '.'}: run npm test first.`);
