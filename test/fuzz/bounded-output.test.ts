import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedOutput, MAX_OUTPUT, run } from '../../app/exec/run.js';

/**
 * A command's output is kept within a byte budget: its start and its end, because programs print
 * why they failed last. Whatever the chunks, the kept text is exactly the first and the last bytes.
 */
describe('fuzz: the output kept of a command', () => {
  it('is the whole output when it fits, else its first half and last half of the budget', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\n'), maxLength: 64 }), { maxLength: 40 }), fc.integer({ min: 2, max: 200 }), (chunks, limit) => {
        const kept = new BoundedOutput(limit);
        for (const chunk of chunks) kept.add(Buffer.from(chunk));
        const all = chunks.join('');
        const text = kept.text();
        if (all.length <= limit) {
          expect(text).toBe(all);
          return;
        }
        const half = Math.floor(limit / 2);
        const gap = `\n[… ${all.length - limit} bytes of output left out …]\n`;
        expect(text).toBe(all.slice(0, half) + gap + all.slice(all.length - (limit - half)));
      }),
      { numRuns: 2000 },
    );
  });

  it.skipIf(process.platform === 'win32')(`keeps the last words of a command that prints 20 MB first${process.platform === 'win32' ? ' (skipped: it runs sh, head and tr)' : ''}`, async () => {
    const result = await run('sh', ['-c', "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo 'fatal: the real reason'"], { env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBeLessThan(MAX_OUTPUT + 100);
    expect(result.stdout.startsWith('xxxx')).toBe(true);
    expect(result.stdout).toMatch(/\[… \d+ bytes of output left out …\]/);
    expect(result.stdout.endsWith('\nfatal: the real reason\n')).toBe(true);
  });
});
