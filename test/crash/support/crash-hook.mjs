// The crash sweep's hook (test/crash): loaded into the real CLI with
// `node --import test/crash/support/crash-hook.mjs out/cli/push-doctor.mjs ...`, it receives every
// write point the engine passes (app/fix/write-points.ts) and
// - with PUSH_DOCTOR_CRASH_LOG=FILE appends one JSON line per point: {"point", "n", "target"};
// - with PUSH_DOCTOR_CRASH_AT=POINT:N SIGKILLs this process at the N-th time it reaches POINT
//   (after logging it), so the change at that point and everything after it never happens.
// The product never loads this file; without it the engine's points do nothing.
import { appendFileSync } from 'node:fs';

const log = process.env.PUSH_DOCTOR_CRASH_LOG;
const at = /^(.+):(\d+)$/.exec(process.env.PUSH_DOCTOR_CRASH_AT ?? '');
const seen = new Map();

globalThis[Symbol.for('push-doctor.write-point')] = (point, target) => {
  const n = (seen.get(point) ?? 0) + 1;
  seen.set(point, n);
  if (log) appendFileSync(log, `${JSON.stringify({ point, n, target })}\n`);
  if (at && at[1] === point && Number(at[2]) === n) process.kill(process.pid, 'SIGKILL');
};
