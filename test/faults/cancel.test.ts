import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { callHandler } from '../../app/service/handlers.js';
import { CLI } from '../support/cli.js';
import { processesWithHome } from '../main/support/processes.js';
import { createTestService } from '../main/support/service.js';
import { noProcessLeft } from './support/check-fault.js';
import { credentialHelperBed, endlessOutput, gitWrapperBed, httpsServerBed, sshCommandBed, sshServerBed, type FaultBed } from './support/beds.js';

/**
 * Cancelling is the other way a fault ends: the user gives up, or the CLI is interrupted. Whatever
 * the diagnosis was waiting for (a silent server, a dripping one, a helper, an ssh command or a git
 * that never finishes), it ends at once and leaves no process behind. The time limit here is far
 * longer than the test may run: only the cancellation can end these diagnoses in time.
 */
const HOUR_MS = 3_600_000;
const linuxOnly = process.platform !== 'linux' ? 'the process table is read from /proc' : null;

const hanging: Array<[name: string, make: () => Promise<FaultBed>]> = [
  ['HTTPS: a server that accepts and never answers', () => httpsServerBed({ behaviour: 'silent' })],
  ['HTTPS: a server that drips its answer a byte a second', () => httpsServerBed({ behaviour: 'drip', tls: true, drip: 'HTTP/1.1 200 OK\r\n\r\n' })],
  ['SSH: a server that drips its version line a byte a second', () => sshServerBed({ behaviour: 'drip', drip: 'SSH-2.0-OpenSSH_9.2\r\n' })],
  ['a credential helper that prints without end', () => credentialHelperBed(`!f() { ${endlessOutput('noise=$$')}; }; f`)],
  ['an ssh command that prints without end', () => sshCommandBed(() => endlessOutput('ssh noise $$'))],
  ['a git that prints without end', () => gitWrapperBed(() => endlessOutput('git noise $$'))],
];

async function withBed(make: () => Promise<FaultBed>, work: (bed: FaultBed) => Promise<void>): Promise<void> {
  const bed = await make();
  try {
    await work(bed);
  } finally {
    await bed.stop();
  }
}

/** Waits until the diagnosis has started programs that are still running. */
async function busy(bed: FaultBed, atLeast = 1): Promise<void> {
  await vi.waitFor(async () => expect((await processesWithHome(bed.home.dir)).length).toBeGreaterThanOrEqual(atLeast), { timeout: 15_000, interval: 50 });
}

describe.skipIf(linuxOnly).concurrent(`cancelling a diagnosis under a fault${linuxOnly ? ` (skipped: ${linuxOnly})` : ''}`, () => {
  it.for(hanging)('diagnose.cancel ends it at once: %s', async ([, make]) => {
    await withBed(make, async (bed) => {
      const service = await createTestService({ home: bed.home, context: { timeoutMs: HOUR_MS } });
      try {
        const running = callHandler(service.handlers, 'diagnose.run', { path: bed.repo, runId: 'stuck' });
        await busy(bed);
        const cancelledAt = performance.now();
        expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'stuck' })).toEqual({ ok: true, value: { cancelled: true } });
        expect(await running).toEqual({ ok: false, error: { code: 'cancelled', message: 'The diagnosis was cancelled.' } });
        expect(performance.now() - cancelledAt).toBeLessThan(3000);
        await noProcessLeft(bed);
      } finally {
        await service.cleanup();
      }
    });
  });

  it.for([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('an interrupted push-doctor (%s) ends its git and ssh first', async ([signal, status]) => {
    await withBed(
      () => httpsServerBed({ behaviour: 'silent' }),
      async (bed) => {
        const child = spawn(process.execPath, [CLI, 'diagnose', bed.repo, '--timeout', '600'], { env: bed.home.env, stdio: 'ignore' });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        // The CLI and the probes it started (each a git and its remote helper).
        await busy(bed, 3);
        child.kill(signal);
        expect(await exited).toBe(status);
        await noProcessLeft(bed);
      },
    );
  });
});
