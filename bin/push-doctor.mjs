#!/usr/bin/env node
// The push-doctor command. The engine is compiled by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../out/cli/push-doctor.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('push-doctor: not built yet; run `npm run build:cli` in the project folder.\n');
  process.exit(2);
}
await import(entry.href);
