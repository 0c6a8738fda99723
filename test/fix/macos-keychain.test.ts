/**
 * The macOS login keychain, for real: where undo keeps what a fix removes (@napi-rs/keyring), and the
 * osxkeychain credential helper git on a Mac ships. Runs only on macOS (the CI matrix's macos-latest).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseSecureHelper } from '../../app/fix/secure-helper.js';
import { KeyringUndoSecretStore, newSecretRef } from '../../app/fix/undo-secrets.js';
import { revealSecret, Secret } from '../../app/secrets/secret.js';
import { createHome } from '../support/home.js';

const NOT_DARWIN = process.platform !== 'darwin' ? "needs macOS: the user's login keychain and git's osxkeychain helper" : null;

describe.skipIf(NOT_DARWIN !== null)(`the macOS keychain${NOT_DARWIN ? ` (skipped: ${NOT_DARWIN})` : ''}`, () => {
  it('keeps, returns and deletes an undo secret through @napi-rs/keyring', async () => {
    // A service of its own, so nothing of a real user's Push Doctor is touched.
    const store = new KeyringUndoSecretStore(`push-doctor-undo-test-${randomBytes(4).toString('hex')}`);
    expect(await store.check()).toEqual({ ok: true });
    const ref = newSecretRef();
    const value = `ATBB${randomBytes(16).toString('hex')}`;
    await store.put(ref, new Secret(value));
    expect(revealSecret(await store.get(ref))).toBe(value);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(/no longer in the system keychain/);
  });

  it("chooses git's osxkeychain helper, which the Mac's git ships in its exec path", async () => {
    const home = await createHome('macos-keychain-');
    try {
      expect(await chooseSecureHelper(home.context())).toMatchObject({ ok: true, helper: 'osxkeychain', note: null });
    } finally {
      await home.cleanup();
    }
  });
});
