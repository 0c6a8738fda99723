/**
 * `npm run bench`: performance figures, printed (never asserted in tests).
 * - diagnosis vs the slowest single probe and vs the manual procedure, at 0/50/200 ms round trips
 * - key generation (plain and encrypted) and how long it blocks the main thread
 * - the whole SSH setup from nothing (key, host keys, ssh config, ssh -T, git push), per step
 * - the production renderer bundle (gzipped JavaScript; target ≤ 150 KB), from `npm run build`
 */
import { formatBundleMeasurement, measureRendererBundle } from '../scripts/bundle-size.js';
import { benchDiagnose } from './diagnose.js';
import { benchKeygen } from './keygen.js';
import { benchSshPath } from './ssh-path.js';

const ms = (value: number) => `${Math.round(value)} ms`.padStart(8);

console.log(`Diagnosis (median of ${process.env.BENCH_RUNS ?? 5} runs; targets at 200 ms: diagnose ≤ 1.2 × floor, ≤ 0.5 × manual)`);
console.log('setup  RTT     diagnose     floor    manual  diag/floor  diag/manual  verdict');
for (const row of await benchDiagnose()) {
  console.log(
    `${row.setup.padEnd(6)} ${`${row.rttMs} ms`.padEnd(6)} ${ms(row.diagnoseMs)}  ${ms(row.floorMs)}  ${ms(row.manualMs)}  ${(row.diagnoseMs / row.floorMs).toFixed(2).padStart(10)}  ${(row.diagnoseMs / row.manualMs).toFixed(2).padStart(11)}  ${row.verdict}`,
  );
}

console.log('\nKey generation (ed25519, median of 5)');
const keygen = await benchKeygen();
for (const row of keygen.rows) {
  console.log(`${row.engine.padEnd(10)} ${row.encrypted ? 'encrypted' : 'plain    '}  ${ms(row.medianMs)}   longest main-thread stall ${row.maxStallMs} ms`);
}
console.log(`ssh2 encrypted ON the main thread (what the worker avoids): blocks ${keygen.mainThreadEncryptedMs} ms`);

console.log('\nSSH path from nothing against the local fake Bitbucket (median of 5)');
for (const row of await benchSshPath()) console.log(`${row.step.padEnd(26)} ${ms(row.medianMs)}   (min ${row.minMs}, max ${row.maxMs})`);

console.log('\nRenderer bundle (out/renderer, run `npm run build` first)');
console.log(formatBundleMeasurement(await measureRendererBundle()));
