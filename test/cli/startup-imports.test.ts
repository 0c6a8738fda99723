import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * What `push-doctor diagnose` and `push-doctor test` load at start (their cold start is in
 * `npm run bench`): the modules reachable by static imports from the command, through esbuild's own
 * view of the bundle. zod (validation for the journal and the app's state) and the fix journal cost
 * tens of milliseconds to load and a diagnosis never writes: they must stay behind the commands
 * that need them, and so must Node's TLS stack (the account's REST calls load it when they are made).
 * @napi-rs/keyring is only ever loaded on demand (a dynamic import).
 */
async function staticallyLoaded(command: string): Promise<{ modules: Set<string>; packages: Set<string> }> {
  const entry = `app/cli/commands/${command}.ts`;
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, metafile: true, outdir: path.join('out', 'startup-check'), logLevel: 'silent' });
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  const modules = new Set([entry]);
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    for (const imported of inputs[queue.shift()!]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else if (!modules.has(imported.path)) {
        modules.add(imported.path);
        queue.push(imported.path);
      }
    }
  }
  return { modules, packages };
}

describe('what the read-only commands load at start', () => {
  for (const command of ['diagnose', 'test']) {
    it(`push-doctor ${command}: no zod, no fix journal, no TLS stack, no keyring until asked`, async () => {
      const { modules, packages } = await staticallyLoaded(command);
      // No npm package at all, and not Node's TLS stack (about 20 ms): only a request to Bitbucket's API needs it.
      expect([...packages].filter((p) => !p.startsWith('node:') || /^node:(https|tls|http2)$/.test(p))).toEqual([]);
      // The journal's modules: the recorder, undo, crash recovery, the steps and the journal file.
      const journal = /app\/fix\/(journal-|step-recorder|step-undoer|crash-recovery|undo\.ts)/;
      expect([...modules].filter((m) => journal.test(m) || /app\/keys\/|app\/contract\/schemas/.test(m))).toEqual([]);
      expect(modules.has('app/diagnose/diagnose.ts')).toBe(true);
    });
  }
});
