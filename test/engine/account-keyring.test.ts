import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemAccountKeyring } from '../../app/account/keyring.js';
import type { AccountLink } from '../../app/account/link.js';
import { resolveAccount } from '../../app/account/resolve.js';
import { Secret, revealSecret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';
import { keyringUnavailableReason, lockKeyring, startKeyring, type TestKeyring } from '../support/keyring.js';
import { fakeApiToken } from '../support/bitbucket-api.js';

/**
 * The account link in a real Secret Service: gnome-keyring on a private D-Bus session, which this
 * test process is pointed at (the native keyring library connects with the process's own
 * environment, once per process: the no-keyring cases live in account-no-keyring.test.ts).
 */
const reason = keyringUnavailableReason();

describe.skipIf(reason)(`account link in the Secret Service${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let keyring: TestKeyring;
  let home: TestHome;
  beforeAll(async () => {
    home = await createHome('account-keyring-');
    keyring = await startKeyring(home.env, { inProcess: true });
    Object.assign(home.env, keyring.env);
  });
  afterAll(async () => {
    await keyring?.stop();
    await home?.cleanup();
  });

  it('stores, reads back and deletes a Cloud link and a Data Center link side by side; "none" once deleted', async () => {
    const ctx = home.context();
    const store = new SystemAccountKeyring(ctx);
    const token = fakeApiToken('keyring');
    const cloud: AccountLink = { kind: 'cloud', email: 'jdoe@example.com', token: new Secret(token) };
    const dc: AccountLink = { kind: 'datacenter', baseUrl: 'https://git.example.com:8443/bitbucket', username: 'jdoe', token: new Secret('BBDC-0123456789012345678901234567890123456789') };
    expect(await store.write(cloud)).toEqual({ ok: true });
    expect(await store.write(dc)).toEqual({ ok: true });
    const read = await store.read('bitbucket.org');
    expect(read.state).toBe('found');
    if (read.state === 'found' && read.link.kind === 'cloud') {
      expect(read.link.email).toBe('jdoe@example.com');
      expect(revealSecret(read.link.token)).toBe(token);
    }
    expect(await store.read('git.example.com:8443')).toMatchObject({ state: 'found', link: { kind: 'datacenter', baseUrl: 'https://git.example.com:8443/bitbucket', username: 'jdoe' } });
    expect(await store.delete('bitbucket.org')).toEqual({ ok: true, deleted: true });
    expect(await store.delete('bitbucket.org')).toEqual({ ok: true, deleted: false });
    expect(await store.read('bitbucket.org')).toEqual({ state: 'none', sentence: 'No Bitbucket account is linked for bitbucket.org on this computer (the system keychain holds none).' });
    // secret-tool sees the item: the same store every Secret Service client uses.
    const found = spawnSync('secret-tool', ['search', '--all', 'service', 'push-doctor-account'], { env: { ...process.env, ...keyring.env }, encoding: 'utf8' });
    expect(`${found.stdout}${found.stderr}`).toContain('attribute.username = git.example.com:8443');
    await store.delete('git.example.com:8443');
  });

  it('resolveAccount reads the keychain and registers the token with the run (no output can show it)', async () => {
    const ctx = home.context();
    const token = fakeApiToken('resolve');
    await new SystemAccountKeyring(ctx).write({ kind: 'cloud', email: 'jdoe@example.com', token: new Secret(token) });
    const resolved = await resolveAccount(ctx);
    expect(resolved).toMatchObject({ ok: true, source: 'keyring', link: { kind: 'cloud', email: 'jdoe@example.com' } });
    expect(ctx.secrets.redact(`token=${token}`)).toBe(`token=${token.slice(0, 4)}…${token.slice(-4)}`);
    await new SystemAccountKeyring(ctx).delete('bitbucket.org');
  });

  it('a locked keyring is told apart from "no entry": reading or storing says it is locked', async () => {
    const ctx = home.context();
    const store = new SystemAccountKeyring(ctx);
    await store.write({ kind: 'cloud', email: 'jdoe@example.com', token: new Secret(fakeApiToken()) });
    await lockKeyring(keyring.env);
    const read = await store.read('bitbucket.org');
    expect(read.state).toBe('locked');
    if (read.state === 'locked') expect(read.sentence).toMatch(/^The system keyring \(Secret Service\) is locked, so Push Doctor cannot read or store the account link: unlock it/);
    expect(await store.write({ kind: 'cloud', email: 'x@example.com', token: new Secret(fakeApiToken()) })).toMatchObject({ ok: false, state: 'locked' });
    expect(await resolveAccount(ctx)).toMatchObject({ ok: false, state: 'locked' });
  });
});
