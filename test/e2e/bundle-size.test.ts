import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatBundleMeasurement, measureRendererBundle, RENDERER_JS_BUDGET_BYTES } from '../../scripts/bundle-size.js';
import { ensureRendererBuilt, RENDERER_OUT } from '../../scripts/preview/renderer-build.js';

describe('measureRendererBundle', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-bundle-'));
    await mkdir(path.join(dir, 'assets'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('adds up the gzipped JavaScript of assets/ (not CSS) and compares it with the budget', async () => {
    const a = `export const a = ${JSON.stringify('x'.repeat(5000))};\n`;
    const b = Array.from({ length: 300 }, (_, i) => `function f${i}(v){return v*${i}+${(i * 7919) % 1000}}`).join('\n');
    await writeFile(path.join(dir, 'assets', 'index-1.js'), a);
    await writeFile(path.join(dir, 'assets', 'vendor-2.js'), b);
    await writeFile(path.join(dir, 'assets', 'index-3.css'), 'body{}'.repeat(10_000));
    const m = await measureRendererBundle(dir);
    expect(m.files.map((f) => f.name)).toEqual(['index-1.js', 'vendor-2.js']);
    expect(m.totalBytes).toBe(a.length + b.length);
    expect(m.totalGzipBytes).toBe(gzipSync(a).length + gzipSync(b).length);
    expect(m.totalGzipBytes).toBeLessThan(m.totalBytes);
    expect(m).toMatchObject({ budgetBytes: RENDERER_JS_BUDGET_BYTES, withinBudget: true });
    expect(formatBundleMeasurement(m)).toMatch(/^Renderer JavaScript: [\d.]+ KB gzipped \(budget 150\.0 KB: within\)/);
  });

  it('says when the bundle is over budget, and refuses an empty folder', async () => {
    // Random bytes do not compress: 160 KB of them stay over 150 KB gzipped.
    const { randomBytes } = await import('node:crypto');
    await writeFile(path.join(dir, 'assets', 'big.js'), randomBytes(160 * 1024).toString('latin1'));
    const m = await measureRendererBundle(dir);
    expect(m.withinBudget).toBe(false);
    expect(formatBundleMeasurement(m)).toContain('OVER');
    await rm(path.join(dir, 'assets', 'big.js'));
    await expect(measureRendererBundle(dir)).rejects.toThrow(/no JavaScript/);
  });
});

describe('the real renderer bundle (out/renderer, as the app ships it)', () => {
  beforeAll(() => ensureRendererBuilt(), 120_000);

  it('stays within its budget of 150 KB of gzipped JavaScript', async () => {
    const m = await measureRendererBundle(RENDERER_OUT);
    // What the page loads: index.html names the entry script, which is measured.
    const html = await readFile(path.join(RENDERER_OUT, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.?\/?assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(m.files.map((f) => f.name)).toContain(entry);
    expect(m.totalGzipBytes, formatBundleMeasurement(m)).toBeLessThanOrEqual(RENDERER_JS_BUDGET_BYTES);
  });
});
