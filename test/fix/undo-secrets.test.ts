import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { helperCall } from '../../app/fix/credential-io.js';
import { beginChange } from '../../app/fix/step-recorder.js';
import { undoLast } from '../../app/fix/undo.js';
import { HelperUndoSecretStore, newSecretRef, StateFolderUndoSecretStore, undoPlaceFor, undoSecretsDir } from '../../app/fix/undo-secrets.js';
import { revealSecret, Secret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';
import { homeGit } from '../support/https-home.js';
import { MACHINE } from '../support/machine.js';
import { modesUnder, snapshotTree, textUnder } from '../support/tree.js';

const TOKEN = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=ABCDEF12';
const NEW_TOKEN = 'ATATT3xFfGF0ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210=12345678';
const KEY = { protocol: 'https', host: 'bitbucket.org', username: 'jdoe' };

let home: TestHome;
let ctx: EngineContext;
let stateRoot: string;
beforeEach(async () => {
  home = await createHome('undo-secrets-');
  stateRoot = await mkdtemp(path.join(os.tmpdir(), 'undo-secrets-state-'));
  ctx = { ...home.context(), stateDir: path.join(stateRoot, 'push-doctor') };
});
afterEach(async () => {
  await homeGit(home, ['credential-cache', 'exit'], home.dir);
  await home.cleanup();
  await rm(stateRoot, { recursive: true, force: true });
});

/** Every state file but the undo-secret files. */
const journalAndBackups = () => textUnder(ctx.stateDir, { exclude: [undoSecretsDir(ctx.stateDir)] });

describe('where undo keeps a secret: as protected as where it was found', () => {
  it.each([
    ['store', 'state-folder'],
    ['store --file ~/.creds', 'state-folder'],
    ['libsecret', 'helper'],
    ['osxkeychain', 'helper'],
    ['wincred', 'helper'],
    ['manager', 'helper'],
    ['/mnt/c/Program\\ Files/Git/mingw64/bin/git-credential-manager.exe', 'helper'],
    ['cache --timeout 3600', 'helper'],
    ['!f() { echo password=x; }; f', 'keychain'],
    ['!gh auth git-credential', 'keychain'],
  ])('%s → %s', async (helper, place) => {
    const { UndoSecretStores } = await import('../../app/fix/undo-secrets.js');
    expect(new UndoSecretStores(ctx).placeFor(helper)).toBe(place);
    expect(undoPlaceFor('netrc')).toBe('state-folder');
  });
});

describe(`undo secrets without any keyring [${MACHINE.name}]`, () => {
  it('the state folder keeps each secret in its own 0600 file in a 0700 folder; a missing one is a clear error', async () => {
    const store = new StateFolderUndoSecretStore(ctx.stateDir);
    const ref = newSecretRef();
    await store.put(ref, new Secret(TOKEN));
    expect(revealSecret(await store.get(ref))).toBe(TOKEN);
    expect(await modesUnder(ctx.stateDir)).toEqual([
      ['undo-secrets', 'dir', 0o700],
      [`undo-secrets/${ref}`, 'file', 0o600],
    ]);
    await expect(store.put(ref, new Secret('another'))).rejects.toThrow(/EEXIST/);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(`the undo data ${ref} is no longer in Push Doctor's state folder (${undoSecretsDir(ctx.stateDir)})`);
    await expect(store.get('../journal.json')).rejects.toThrow(/not an undo reference/);
  });

  it("git's cache helper keeps its own undo copy under a name git never asks for", async () => {
    const store = new HelperUndoSecretStore(ctx, 'cache', home.dir);
    await helperCall(ctx, 'cache', 'store', KEY, new Secret(TOKEN));
    const ref = newSecretRef();
    await store.put(ref, new Secret(NEW_TOKEN));
    expect(revealSecret(await store.get(ref))).toBe(NEW_TOKEN);
    // What git asks for bitbucket.org is untouched.
    expect(revealSecret((await helperCall(ctx, 'cache', 'get', KEY)).password!)).toBe(TOKEN);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(`the credential helper "cache" did not return the undo data ${ref} (it is locked or unreachable, or the data was removed)`);
  });

  it('a helper that does not keep what it is given is an error, and nothing is left behind', async () => {
    const forgetful = '!f() { cat >/dev/null; }; f';
    await expect(new HelperUndoSecretStore(ctx, forgetful, home.dir).put(newSecretRef(), new Secret(TOKEN))).rejects.toThrow(/did not keep the undo copy/);
  });

  it("deleting a plain-text credentials file keeps its bytes in the state folder's 0600 file; undo restores them", async () => {
    const file = path.join(home.dir, '.git-credentials');
    await writeFile(file, `https://jdoe:${TOKEN}@bitbucket.org\nhttps://other:keepme@example.com\n`);
    await chmod(file, 0o600);
    const before = await snapshotTree(home.dir);
    const change = await beginChange(ctx, { fixId: 'credential.use-secure-helper', repo: null });
    await change.deleteFile(file, { sensitive: true });
    await change.commit();
    expect(await journalAndBackups()).not.toContain(TOKEN);
    expect(await journalAndBackups()).not.toContain('keepme');
    const kept = await readdir(undoSecretsDir(ctx.stateDir));
    expect(kept).toHaveLength(1);
    expect(Buffer.from(await readFile(path.join(undoSecretsDir(ctx.stateDir), kept[0]!), 'utf8'), 'base64').toString()).toContain(TOKEN);
    expect(await undoLast(ctx)).toMatchObject({ undone: true });
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(undoSecretsDir(ctx.stateDir))).toEqual([]);
  });

  it.each([
    ['a store file', () => `store --file=${path.join(home.dir, 'creds')}`, 'state-folder'],
    ["git's memory cache", () => 'cache', 'helper'],
  ])('%s: undo puts the old password back and refuses over a newer one', async (_name, helperOf, place) => {
    const helper = helperOf();
    await helperCall(ctx, helper, 'store', KEY, new Secret(TOKEN));
    const before = await snapshotTree(home.dir, { exclude: [path.join(home.dir, '.cache')] });

    const change = await beginChange(ctx, { fixId: 'credential.save-token', repo: null });
    await change.setCredential({ helper, key: KEY, password: new Secret(NEW_TOKEN) });
    await change.commit();
    expect(revealSecret((await helperCall(ctx, helper, 'get', KEY)).password!)).toBe(NEW_TOKEN);
    const journal = JSON.parse(await readFile(path.join(ctx.stateDir, 'journal.json'), 'utf8'));
    expect(journal.entries[0].steps[0]).toMatchObject({ kind: 'credential', keptIn: place });
    expect(await journalAndBackups()).not.toContain(TOKEN);
    expect(await journalAndBackups()).not.toContain(NEW_TOKEN);
    expect(await readdir(undoSecretsDir(ctx.stateDir)).catch(() => [])).toHaveLength(place === 'state-folder' ? 2 : 0);

    // The user saved yet another password since: undo must not clobber it.
    await helperCall(ctx, helper, 'store', KEY, new Secret('user-typed-later'));
    const refused = await undoLast(ctx);
    expect(refused.undone).toBe(false);
    expect(refused.message).toMatch(/^Not undone: saved credential jdoe@bitbucket.org \(helper .*\) was changed after/);
    expect(revealSecret((await helperCall(ctx, helper, 'get', KEY)).password!)).toBe('user-typed-later');

    await helperCall(ctx, helper, 'store', KEY, new Secret(NEW_TOKEN));
    expect(await undoLast(ctx)).toMatchObject({ undone: true, fixId: 'credential.save-token' });
    expect(revealSecret((await helperCall(ctx, helper, 'get', KEY)).password!)).toBe(TOKEN);
    expect(await snapshotTree(home.dir, { exclude: [path.join(home.dir, '.cache')] })).toEqual(before);
    expect(await readdir(undoSecretsDir(ctx.stateDir)).catch(() => [])).toEqual([]);
  });

  it('an undo secret no journal entry refers to (its process died before recording the step) is removed by the next run', async () => {
    const orphan = newSecretRef();
    await new StateFolderUndoSecretStore(ctx.stateDir).put(orphan, new Secret(TOKEN));
    const file = path.join(home.dir, '.git-credentials');
    await writeFile(file, `https://jdoe:${NEW_TOKEN}@bitbucket.org\n`, { mode: 0o600 });
    const change = await beginChange(ctx, { fixId: 'credential.clear', repo: null });
    await change.writeFile(file, '', { sensitive: true });
    await change.commit();
    // The orphan is gone; the secret the committed change needs is kept.
    const kept = await readdir(undoSecretsDir(ctx.stateDir));
    expect(kept).toHaveLength(1);
    expect(kept).not.toContain(orphan);
    expect(await undoLast(ctx)).toMatchObject({ undone: true });
  });

  it('erasing a credential is undone by saving it again', async () => {
    const helper = 'cache';
    await helperCall(ctx, helper, 'store', KEY, new Secret(TOKEN));
    const change = await beginChange(ctx, { fixId: 'credential.clear', repo: null });
    await change.setCredential({ helper, key: KEY, password: null });
    await change.commit();
    expect((await helperCall(ctx, helper, 'get', KEY)).password).toBeNull();
    await undoLast(ctx);
    expect(revealSecret((await helperCall(ctx, helper, 'get', KEY)).password!)).toBe(TOKEN);
  });
});

describe(`a helper undo cannot judge, with no keychain [${MACHINE.name}]`, () => {
  it('changes nothing and says in one sentence what to do; what the fix had changed before is rolled back byte for byte', async () => {
    const file = path.join(home.dir, 'custom-creds');
    await writeFile(file, `password=${TOKEN}\n`);
    const store = path.join(home.dir, '.git-credentials');
    await writeFile(store, `https://jdoe:${TOKEN}@bitbucket.org\n`, { mode: 0o600 });
    // A custom helper: answers from a file of its own, erases by emptying it.
    const helper = `!f() { cat >/dev/null; case "$1" in get) cat '${file}';; erase) : > '${file}';; esac; }; f`;
    const before = await snapshotTree(home.dir);
    const unusable = {
      name: 'system keychain',
      check: async () => ({ ok: false as const, reason: 'x' }),
      put: async () => Promise.reject(new Error('the system keychain is not usable: Platform failure: DBus error')),
      get: async () => Promise.reject(new Error('no')),
      delete: async () => {},
    };
    const change = await beginChange(ctx, { fixId: 'credential.clear', repo: null, keychain: unusable });
    // The fix first empties the plain-text file (kept for undo in the state folder), then meets the custom helper.
    await change.writeFile(store, '', { sensitive: true });
    const error = await change.setCredential({ helper, key: KEY, password: null }).catch((e: Error) => e);
    expect(String(error)).toMatch(
      /^Error: the credential helper "!f\(\) .*" is not one whose protection Push Doctor can judge, so the old credential would be kept for undo in the system keychain, which is not usable here \(the system keychain is not usable: Platform failure: DBus error\); change this credential with that helper's own tool$/,
    );
    expect(await change.rollback()).toEqual({ restored: [store], leftAlone: [] });
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect(await readdir(undoSecretsDir(ctx.stateDir))).toEqual([]);
  });
});
