/**
 * The crash sweep's seam cannot fire in the product: the bundled CLI reads no crash variable, and
 * with the sweep's variables set but without its hook loaded, push-doctor runs to the end.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runPushDoctor } from '../support/cli.js';
import { createHome, type TestHome } from '../support/home.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome('crash-seam-');
});
afterEach(async () => {
  await home.cleanup();
});

describe('the write-point seam in the product', () => {
  it('the bundled CLI never reads a crash variable; only the hook the sweep loads with --import does', async () => {
    // The bundle is push-doctor.mjs and the chunks its commands load when they run (scripts/build-cli.mjs).
    const chunks = path.join(path.dirname(CLI), 'chunks');
    const files = [CLI, ...(await readdir(chunks)).filter((name) => name.endsWith('.mjs')).map((name) => path.join(chunks, name))];
    const bundle = (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
    expect(bundle).not.toContain('PUSH_DOCTOR_CRASH');
    expect(bundle).toContain("Symbol.for(\"push-doctor.write-point\")");
  });

  it('with the crash variables set but no hook, push-doctor keygen runs to the end and leaves its key', async () => {
    const file = path.join(home.dir, 'keys', 'id_ed25519');
    const run = await runPushDoctor(['keygen', '--file', file, '--json'], { env: { ...home.env, PUSH_DOCTOR_CRASH_AT: 'lock.take:1', PUSH_DOCTOR_CRASH_LOG: path.join(home.dir, 'log') } });
    expect(run.code, run.stderr).toBe(0);
    expect((await stat(file)).isFile()).toBe(true);
    await expect(stat(path.join(home.dir, 'log'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
