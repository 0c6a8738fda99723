import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { helperCall } from '../../app/fix/credential-io.js';
import { beginChange, undoLast } from '../../app/fix/journal.js';
import { KeyringUndoSecretStore, newSecretRef } from '../../app/fix/undo-secrets.js';
import { revealSecret, Secret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';
import { keyringUnavailableReason, startKeyring, type TestKeyring } from '../support/keyring.js';
import { snapshotTree } from '../support/tree.js';

const unavailable = keyringUnavailableReason();
if (unavailable) console.warn(`undo secret store tests skipped: ${unavailable}`);

const TOKEN = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=ABCDEF12';
const NEW_TOKEN = 'ATATT3xFfGF0ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210=12345678';

/** Every byte of every file under a folder, to prove no secret was written there. */
async function allBytes(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(path.join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

describe.skipIf(unavailable !== null)('undo secrets in a real Secret Service (private gnome-keyring)', () => {
  let keyring: TestKeyring;
  let home: TestHome;
  let ctx: EngineContext;
  let stateRoot: string;
  const store = new KeyringUndoSecretStore('push-doctor-undo-test');

  beforeAll(async () => {
    keyring = await startKeyring(undefined, { inProcess: true });
  });
  afterAll(async () => {
    await keyring?.stop();
  });
  beforeEach(async () => {
    home = await createHome('undo-secrets-');
    stateRoot = await mkdtemp(path.join(os.tmpdir(), 'undo-secrets-state-'));
    ctx = { ...home.context(), stateDir: path.join(stateRoot, 'push-doctor') };
  });
  afterEach(async () => {
    await home.cleanup();
    await rm(stateRoot, { recursive: true, force: true });
  });

  it('stores, reads back and deletes; a missing item is a clear error', async () => {
    expect(await store.check()).toEqual({ ok: true });
    const ref = newSecretRef();
    await store.put(ref, new Secret(TOKEN));
    expect(revealSecret(await store.get(ref))).toBe(TOKEN);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(`the undo data ${ref} is no longer in the system keychain`);
  });

  it('keeps the bytes of a deleted plain-text credentials file in the keychain, not on disk, and undo restores them', async () => {
    const file = path.join(home.dir, '.git-credentials');
    await writeFile(file, `https://jdoe:${TOKEN}@bitbucket.org\nhttps://other:keepme@example.com\n`);
    await chmod(file, 0o600);
    const before = await snapshotTree(home.dir);
    const change = await beginChange(ctx, { fixId: 'credential.use-secure-helper', repo: null, secretStore: store });
    await change.deleteFile(file, { sensitive: true });
    await change.commit();
    expect(await allBytes(ctx.stateDir)).not.toContain(TOKEN);
    expect(await allBytes(ctx.stateDir)).not.toContain('keepme');
    expect(await undoLast(ctx, { secretStore: store })).toMatchObject({ undone: true });
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('records a credential helper change; undo puts the old password back and refuses over a newer one', async () => {
    const helper = `store --file=${path.join(home.dir, 'creds')}`;
    const key = { protocol: 'https', host: 'bitbucket.org', username: 'jdoe' };
    await helperCall(ctx, helper, 'store', key, new Secret(TOKEN));
    const before = await snapshotTree(home.dir);

    const change = await beginChange(ctx, { fixId: 'credential.save-token', repo: null, secretStore: store });
    await change.setCredential({ helper, key, password: new Secret(NEW_TOKEN) });
    await change.commit();
    expect(revealSecret((await helperCall(ctx, helper, 'get', key)).password!)).toBe(NEW_TOKEN);
    const journal = await allBytes(ctx.stateDir);
    expect(journal).not.toContain(TOKEN);
    expect(journal).not.toContain(NEW_TOKEN);

    // The user saved yet another password since: undo must not clobber it.
    await helperCall(ctx, helper, 'store', key, new Secret('user-typed-later'));
    const refused = await undoLast(ctx, { secretStore: store });
    expect(refused.undone).toBe(false);
    expect(refused.message).toMatch(/^Not undone: saved credential jdoe@bitbucket.org \(helper store --file=.*\) was changed after/);
    expect(revealSecret((await helperCall(ctx, helper, 'get', key)).password!)).toBe('user-typed-later');

    await helperCall(ctx, helper, 'store', key, new Secret(NEW_TOKEN));
    expect(await undoLast(ctx, { secretStore: store })).toMatchObject({ undone: true, fixId: 'credential.save-token' });
    expect(revealSecret((await helperCall(ctx, helper, 'get', key)).password!)).toBe(TOKEN);
    expect(await snapshotTree(home.dir)).toEqual(before);
  });

  it('erasing a credential is undone by saving it again', async () => {
    const helper = `store --file=${path.join(home.dir, 'creds')}`;
    const key = { protocol: 'https', host: 'bitbucket.org', username: 'jdoe' };
    await helperCall(ctx, helper, 'store', key, new Secret(TOKEN));
    const change = await beginChange(ctx, { fixId: 'credential.clear', repo: null, secretStore: store });
    await change.setCredential({ helper, key, password: null });
    await change.commit();
    expect((await helperCall(ctx, helper, 'get', key)).password).toBeNull();
    await undoLast(ctx, { secretStore: store });
    expect(revealSecret((await helperCall(ctx, helper, 'get', key)).password!)).toBe(TOKEN);
  });

  it('a locked keyring is reported, not mistaken for an empty one; undo then refuses and changes nothing', async () => {
    const ref = newSecretRef();
    await store.put(ref, new Secret('kept'));
    const helper = `store --file=${path.join(home.dir, 'creds')}`;
    const key = { protocol: 'https', host: 'bitbucket.org', username: 'jdoe' };
    const change = await beginChange(ctx, { fixId: 'credential.save-token', repo: null, secretStore: store });
    await change.setCredential({ helper, key, password: new Secret(NEW_TOKEN) });
    await change.commit();
    const before = await snapshotTree(home.dir);

    // secret-tool exits non-zero here (no prompter to confirm), but the collection is locked.
    await promisify(execFile)('secret-tool', ['lock', '--collection=login'], { env: keyring.env }).catch(() => {});
    const health = await store.check();
    expect(health.ok).toBe(false);
    expect(health.ok ? '' : health.reason).toMatch(/system keychain (is not usable|did not return)/);
    await expect(store.get(ref)).rejects.toThrow(/system keychain/);
    const refused = await undoLast(ctx, { secretStore: store });
    expect(refused.undone).toBe(false);
    expect(refused.message).toMatch(/^Not undone: cannot check saved credential jdoe@bitbucket.org .*\(the system keychain is not usable: .*\)\. Nothing was changed\.$/);
    expect(await snapshotTree(home.dir)).toEqual(before);
  });
});
