/**
 * Undo with a real Secret Service (a private gnome-keyring): the system keychain (@napi-rs/keyring)
 * that undo falls back on for helpers it cannot judge and that earlier versions used, and a locked
 * keyring. Desktop only: the headless machine has no keyring by design (it runs the rest of the
 * undo tests, undo-secrets.test.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { writeJournal } from '../../app/fix/journal-store.js';
import { ensurePrivateDir, sha256, statePaths } from '../../app/fix/state-dir.js';
import { beginChange } from '../../app/fix/step-recorder.js';
import { HelperUndoSecretStore, KeyringUndoSecretStore, newSecretRef } from '../../app/fix/undo-secrets.js';
import { undoLast } from '../../app/fix/undo.js';
import { revealSecret, Secret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';
import { startKeyring, type TestKeyring } from '../support/keyring.js';
import { MACHINE, onMachine } from '../support/machine.js';
import { snapshotTree } from '../support/tree.js';

const TOKEN = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=ABCDEF12';
const NEW_TOKEN = 'ATATT3xFfGF0ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210=12345678';
const KEY = { protocol: 'https', host: 'bitbucket.org', username: 'jdoe' };

let home: TestHome;
let ctx: EngineContext;
let stateRoot: string;
beforeEach(async () => {
  home = await createHome('undo-keychain-');
  stateRoot = await mkdtemp(path.join(os.tmpdir(), 'undo-keychain-state-'));
  ctx = { ...home.context(), stateDir: path.join(stateRoot, 'push-doctor') };
});
afterEach(async () => {
  await home.cleanup();
  await rm(stateRoot, { recursive: true, force: true });
});

describe.skipIf(MACHINE.unavailable !== null)(onMachine('undo secrets in a real Secret Service (private gnome-keyring)'), () => {
  let keyring: TestKeyring;
  const store = new KeyringUndoSecretStore('push-doctor-undo-test');

  beforeAll(async () => {
    if (!MACHINE.unavailable) keyring = await startKeyring(undefined, { inProcess: true });
  });
  afterAll(async () => {
    await keyring?.stop();
  });

  it('the system keychain stores, reads back and deletes; a missing item is a clear error', async () => {
    expect(await store.check()).toEqual({ ok: true });
    const ref = newSecretRef();
    await store.put(ref, new Secret(TOKEN));
    expect(revealSecret(await store.get(ref))).toBe(TOKEN);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(`the undo data ${ref} is no longer in the system keychain`);
  });

  it('undo of an entry written by an earlier version (its secrets in the system keychain) still works', async () => {
    const file = path.join(home.dir, '.git-credentials');
    const original = `https://jdoe:${TOKEN}@bitbucket.org\n`;
    const ref = newSecretRef();
    await store.put(ref, new Secret(Buffer.from(original).toString('base64')));
    await ensurePrivateDir(ctx.stateDir);
    const entry = {
      id: '20261101T000000Z-abcd1234',
      fixId: 'credential.clear' as const,
      appliedAt: '2026-11-01T00:00:00.000Z',
      repo: null,
      state: 'committed' as const,
      pid: 1,
      steps: [{ kind: 'file' as const, path: file, before: { exists: true as const, mode: 0o600, sha256: sha256(original) }, backup: { in: 'secret-store' as const, ref }, after: { exists: false as const } }],
    };
    await writeJournal(statePaths(ctx), { version: 1, entries: [entry] });
    expect(await undoLast(ctx, { keychain: store })).toMatchObject({ undone: true });
    expect(await readFile(file, 'utf8')).toBe(original);
    await expect(store.get(ref)).rejects.toThrow(/no longer in the system keychain/);
  });

  it('the libsecret helper keeps its undo copy in the keyring itself; a locked keyring is reported, and undo then refuses and changes nothing', async () => {
    const withKeyring = { ...ctx, env: { ...ctx.env, ...keyring.env } };
    const ref = newSecretRef();
    await new HelperUndoSecretStore(withKeyring, 'libsecret', home.dir).put(ref, new Secret('kept'));
    const change = await beginChange(withKeyring, { fixId: 'credential.save-token', repo: null });
    await change.setCredential({ helper: 'libsecret', key: KEY, password: new Secret(NEW_TOKEN) });
    await change.commit();
    const before = await snapshotTree(home.dir);

    // secret-tool exits non-zero here (no prompter to confirm), but the collection is locked.
    await promisify(execFile)('secret-tool', ['lock', '--collection=login'], { env: keyring.env }).catch(() => {});
    const health = await store.check();
    expect(health.ok).toBe(false);
    expect(health.ok ? '' : health.reason).toMatch(/system keychain (is not usable|did not return)/);
    const refused = await undoLast(withKeyring);
    expect(refused.undone).toBe(false);
    expect(refused.message).toMatch(/^Not undone: cannot check saved credential jdoe@bitbucket.org \(helper libsecret\) \(the credential helper "libsecret" did not return the undo data undo-\S+ \(it is locked or unreachable, or the data was removed\).*\)\. Nothing was changed\.$/);
    expect(await snapshotTree(home.dir)).toEqual(before);
  });
});
