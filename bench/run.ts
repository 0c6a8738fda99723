/**
 * `npm run bench`: performance figures, printed (never asserted in tests).
 * - diagnosis vs the slowest single probe and vs the manual procedure, at 0/50/200 ms round trips,
 *   in-process and as a new `push-doctor diagnose` process
 * - the command line tool's cold start against `node -e 0`
 * - fleet-sized re-tests (`push-doctor test`, the tray's re-test) over 20 and 100 repositories
 * - key generation (plain and encrypted) and how long it blocks the main thread
 * - the whole SSH setup from nothing (key, host keys, ssh config, ssh -T, git push), per step
 * - the production renderer bundle (gzipped JavaScript; target ≤ 150 KB), from `npm run build`
 * BENCH_ONLY=diagnose,startup,fleet,keygen,ssh-path,bundle runs only the sections named.
 */
import { formatBundleMeasurement, measureRendererBundle } from '../scripts/bundle-size.js';
import { benchDiagnose } from './diagnose.js';
import { benchFleet, probeSummary } from './fleet.js';
import { benchKeygen } from './keygen.js';
import { benchSshPath } from './ssh-path.js';
import { benchStartup } from './startup.js';

const ms = (value: number) => `${Math.round(value)} ms`.padStart(8);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (section: string) => !only || only.includes(section);

if (wanted('diagnose')) {
  console.log(`Diagnosis (median of ${process.env.BENCH_RUNS ?? 5} runs; targets: at 200 ms diagnose ≤ 1.2 × floor and ≤ 0.5 × manual; at 50 ms diagnose and cli ≤ 1.3 × floor)`);
  console.log('setup  RTT     diagnose       cli     floor    manual  diag/floor  cli/floor  diag/manual  verdict');
  const rows = await benchDiagnose();
  for (const row of rows) {
    console.log(
      `${row.setup.padEnd(6)} ${`${row.rttMs} ms`.padEnd(6)} ${ms(row.diagnoseMs)}  ${ms(row.cliMs)}  ${ms(row.floorMs)}  ${ms(row.manualMs)}  ${ratio(row.diagnoseMs, row.floorMs).padStart(10)}  ${ratio(row.cliMs, row.floorMs).padStart(9)}  ${ratio(row.diagnoseMs, row.manualMs).padStart(11)}  ${row.verdict}`,
    );
  }
  for (const row of rows.filter((r) => r.rttMs === 50)) {
    const worst = Math.max(row.diagnoseMs, row.cliMs) / row.floorMs;
    console.log(`at 50 ms, ${row.setup}: diagnose ${ratio(row.diagnoseMs, row.floorMs)} × the slowest probe, push-doctor diagnose (new process) ${ratio(row.cliMs, row.floorMs)} ×: ${worst <= 1.3 ? 'within' : 'OVER'} the 1.3 × target`);
  }
}

if (wanted('startup')) {
  const start = await benchStartup();
  console.log(`\nCold start (median of ${start.runs}, alternating): node -e 0 ${ms(start.nodeMs)}; push-doctor diagnose --offline, first output ${ms(start.cliMs)}; ratio ${ratio(start.cliMs, start.nodeMs)}`);
}

if (wanted('fleet')) {
  console.log(`\nFleet re-tests against the fake Bitbucket: every time a real push-doctor test process (wall: median of ${process.env.BENCH_RUNS ?? 3}; singles: each repository alone, one after the other)`);
  console.log('repos  RTT       wall   slowest    sum of  wall/slowest  sum/wall  peak RSS  local only  probes, in flight  verdicts');
  console.log('                        single   singles');
  for (const row of await benchFleet()) {
    console.log(
      `${String(row.repos).padEnd(5)}  ${`${row.rttMs} ms`.padEnd(6)} ${ms(row.wallMs)}  ${ms(row.slowestSingleMs)}  ${ms(row.sumOfSinglesMs)}  ${ratio(row.wallMs, row.slowestSingleMs).padStart(12)}  ${ratio(row.sumOfSinglesMs, row.wallMs).padStart(8)}  ${`${Math.round(row.peakRssMb)} MB`.padStart(8)}  ${ms(row.localOnlyMs).padStart(10)}  ${probeSummary(row.stats)}; ≤ ${row.stats.peakPerServer} probes per server, ${row.stats.peakRepos} repositories  ${row.verdicts}`,
    );
  }
}

if (wanted('keygen')) {
  console.log('\nKey generation (ed25519, median of 5)');
  const keygen = await benchKeygen();
  for (const row of keygen.rows) {
    console.log(`${row.engine.padEnd(10)} ${row.encrypted ? 'encrypted' : 'plain    '}  ${ms(row.medianMs)}   longest main-thread stall ${row.maxStallMs} ms`);
  }
  console.log(`ssh2 encrypted ON the main thread (what the worker avoids): blocks ${keygen.mainThreadEncryptedMs} ms`);
}

if (wanted('ssh-path')) {
  console.log('\nSSH path from nothing against the local fake Bitbucket (median of 5)');
  for (const row of await benchSshPath()) console.log(`${row.step.padEnd(26)} ${ms(row.medianMs)}   (min ${row.minMs}, max ${row.maxMs})`);
}

if (wanted('bundle')) {
  console.log('\nRenderer bundle (out/renderer, run `npm run build` first)');
  console.log(formatBundleMeasurement(await measureRendererBundle()));
}
