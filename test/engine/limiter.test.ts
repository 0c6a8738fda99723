import { describe, expect, it } from 'vitest';
import { createSharedProbes, type ProbeKey } from '../../app/diagnose/shared-probes.js';
import { CancelledError, createKeyedLimiter, createLimiter } from '../../app/exec/limiter.js';
import { oncePerRun, readOnlyRun } from '../../app/exec/once-per-run.js';
import { Secret } from '../../app/secrets/secret.js';

/** A task that finishes when the test says so. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('limiter', () => {
  it('runs at most `size` tasks at once, the others in the order they came', async () => {
    const limiter = createLimiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const order: number[] = [];
    const runs = gates.map((g, i) =>
      limiter.run(async () => {
        order.push(i);
        await g.promise;
        return i;
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    expect(limiter.active).toBe(2);
    gates[1]!.open();
    await tick();
    expect(order).toEqual([0, 1, 2]);
    // A newcomer while tasks wait queues behind them: a finished task hands its place on directly.
    const late = limiter.run(async () => 'late');
    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all([...runs, late])).toEqual([0, 1, 2, 3, 'late']);
    expect(limiter.peak).toBe(2);
    expect(limiter.active).toBe(0);
  });

  it('passes a failure to its caller and frees the place', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('never starts a task whose run was cancelled before its turn', async () => {
    const limiter = createLimiter(1);
    const busy = gate();
    const first = limiter.run(() => busy.promise);
    const controller = new AbortController();
    let started = false;
    const waiting = limiter.run(async () => {
      started = true;
    }, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    await expect(limiter.run(async () => 1, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    busy.open();
    await first;
    expect(started).toBe(false);
    // The cancelled tasks held no place.
    expect(await limiter.run(async () => 'free')).toBe('free');
    expect(limiter.active).toBe(0);
  });

  it('refuses a size below one', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });

  it('keyed: limits each key on its own', async () => {
    const limiter = createKeyedLimiter(1);
    const a = gate();
    const b = gate();
    const seen: string[] = [];
    const runs = [limiter.run('a', async () => (seen.push('a1'), a.promise)), limiter.run('a', async () => seen.push('a2')), limiter.run('b', async () => (seen.push('b1'), b.promise))];
    await tick();
    expect(seen).toEqual(['a1', 'b1']);
    a.open();
    b.open();
    await Promise.all(runs);
    expect(seen).toEqual(['a1', 'b1', 'a2']);
    expect(limiter.peak).toBe(1);
  });
});

describe('shared probes', () => {
  const key = (parts: string[], secret?: string): ProbeKey => ({ kind: 'https.read', server: '127.0.0.1:1', parts, secrets: secret === undefined ? [] : [new Secret(secret)] });

  it('runs one probe per key and hands its result to every caller', async () => {
    const shared = createSharedProbes();
    let runs = 0;
    const probe = async () => ++runs;
    const results = await Promise.all([shared.probe(key(['origin', 'u']), probe), shared.probe(key(['origin', 'u']), probe), shared.probe(key(['origin', 'v']), probe)]);
    expect(results).toEqual([1, 1, 2]);
    expect(shared.stats()).toMatchObject({ run: { 'https.read': 2 }, shared: { 'https.read': 1 } });
  });

  it('shares between equal credentials only, whatever object holds them', async () => {
    const shared = createSharedProbes();
    let runs = 0;
    const probe = async () => ++runs;
    expect(await shared.probe(key(['origin'], 'ATATT-one'), probe)).toBe(1);
    expect(await shared.probe(key(['origin'], 'ATATT-one'), probe)).toBe(1);
    expect(await shared.probe(key(['origin'], 'ATATT-two'), probe)).toBe(2);
    expect(await shared.probe(key(['origin']), probe)).toBe(3);
    // Fields cannot run into each other: ["ab", "c"] is not ["a", "bc"].
    expect(await shared.probe(key(['ab', 'c']), probe)).toBe(4);
    expect(await shared.probe(key(['a', 'bc']), probe)).toBe(5);
  });

  it("compares the repositories' own settings only between repositories that send the same request", async () => {
    const shared = createSharedProbes();
    const read: string[] = [];
    const withSettings = (parts: string[], repo: string, settings: string): ProbeKey => ({ ...key(parts), settings: async () => (read.push(repo), settings) });
    let runs = 0;
    const probe = async () => ++runs;
    expect(await shared.probe(withSettings(['alone'], 'a', 'x'), probe)).toBe(1);
    expect(read).toEqual([]);
    expect(await shared.probe(withSettings(['pair'], 'b', 'x'), probe)).toBe(2);
    // The same request from a repository with other settings (a proxy, an extra header): its own probe.
    expect(await shared.probe(withSettings(['pair'], 'c', 'y'), probe)).toBe(3);
    // ... and with the same settings as one before: that one's result.
    expect(await Promise.all([shared.probe(withSettings(['pair'], 'd', 'y'), probe), shared.probe(withSettings(['pair'], 'e', 'x'), probe)])).toEqual([3, 2]);
    expect(read.sort()).toEqual(['b', 'c', 'd', 'e']);
    expect(shared.stats()).toMatchObject({ run: { 'https.read': 3 }, shared: { 'https.read': 2 } });
  });

  it('keeps no secret in clear: the figures and the object hold only counts and digests', async () => {
    const shared = createSharedProbes();
    const secret = 'ATATT3xFfGF0PlantedSecretForTheSharedProbeKey0123=ABCD';
    await shared.probe(key(['https://jdoe@bitbucket.org/acme/widgets.git'], secret), async () => 'ok');
    expect(JSON.stringify(shared.stats())).not.toContain(secret);
    expect(JSON.stringify(shared.stats())).not.toContain('jdoe');
  });

  it('limits the probes in flight per server, not across servers', async () => {
    const shared = createSharedProbes({ probesPerServer: 1 });
    const g = gate();
    const started: string[] = [];
    const probe = (name: string, wait?: Promise<void>) => async () => {
      started.push(name);
      await wait;
      return name;
    };
    const a1 = shared.probe({ kind: 'k', server: 'a:1', parts: ['1'] }, probe('a1', g.promise));
    const a2 = shared.probe({ kind: 'k', server: 'a:1', parts: ['2'] }, probe('a2'));
    const b1 = shared.probe({ kind: 'k', server: 'b:1', parts: ['1'] }, probe('b1'));
    await b1;
    expect(started).toEqual(['a1', 'b1']);
    g.open();
    expect(await Promise.all([a1, a2])).toEqual(['a1', 'a2']);
    expect(shared.stats().peakPerServer).toBe(1);
  });
});

describe('once per run', () => {
  it('asks an environment-only question once in a read-only run, and every time anywhere else', async () => {
    const ctx = { name: 'a context' };
    let asked = 0;
    const ask = async () => ++asked;
    // A context that may change files (a fix): ssh -G must be asked again after the change.
    expect([await oncePerRun(ctx, ['ssh -G', 'h'], ask), await oncePerRun(ctx, ['ssh -G', 'h'], ask)]).toEqual([1, 2]);
    const run = readOnlyRun(ctx);
    expect(run).toMatchObject(ctx);
    expect(await Promise.all([oncePerRun(run, ['ssh -G', 'h'], ask), oncePerRun(run, ['ssh -G', 'h'], ask), oncePerRun(run, ['ssh -G', 'other'], ask)])).toEqual([3, 3, 4]);
    // A copy of the run (a diagnosis adds its signal) remembers the same answers.
    expect(await oncePerRun({ ...run, signal: new AbortController().signal }, ['ssh -G', 'h'], ask)).toBe(3);
    // Another run starts afresh.
    expect(await oncePerRun(readOnlyRun(ctx), ['ssh -G', 'h'], ask)).toBe(5);
  });
});
