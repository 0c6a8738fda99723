import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { callHandler } from '../../app/service/handlers.js';
import { fakeApiToken, startFakeBitbucketApi, type FakeBitbucketApi } from '../support/bitbucket-api.js';
import { keyringUnavailableReason, startKeyring, type TestKeyring } from '../support/keyring.js';
import { makeKey } from '../support/ssh-scenario.js';
import { createTestService, type TestService } from './support/service.js';

/**
 * The account channels on the real handlers and engine, against the fake Bitbucket API. A
 * distinctive token is planted and searched for in every result, event, error and file the app
 * writes: it goes in through account.link and never comes out.
 */
const TOKEN = fakeApiToken('IpcPlantedToken');
const MARK = TOKEN.slice(12, 40);

let api: FakeBitbucketApi;
let service: TestService;
const seen: unknown[] = [];

async function call<C extends Parameters<typeof callHandler>[1]>(channel: C, request: Parameters<typeof callHandler<C>>[2]) {
  const result = await callHandler(service.handlers, channel, request);
  seen.push(result);
  return result;
}

async function everythingWritten(): Promise<string> {
  const files = (await readdir(service.home.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const texts = await Promise.all(files.map((e) => readFile(path.join(e.parentPath, e.name), 'utf8').catch(() => '')));
  return texts.join('\n');
}

async function start(env: NodeJS.ProcessEnv = {}) {
  api = await startFakeBitbucketApi();
  api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token: TOKEN, displayName: 'Jane Doe' });
  const adjust = (ctx: EngineContext): EngineContext => ({ ...ctx, env: { ...ctx.env, ...env }, bitbucketApi: { cloudBaseUrl: api.baseUrl, caCertificates: [api.ca] } });
  service = await createTestService({ adjustContext: adjust });
}

afterEach(async () => {
  await service?.cleanup();
  await api?.stop();
  seen.length = 0;
});

const notLinux = process.platform === 'linux' ? null : 'a machine without a keychain is simulated with Linux D-Bus';
describe.skipIf(notLinux)(`account channels without a keychain${notLinux ? ` (skipped: ${notLinux})` : ''}`, () => {
  beforeEach(() => start());

  it('account.status says why nothing is linked; account.link refuses to store anywhere else; no token in any answer', async () => {
    const status = await call('account.status', {});
    expect(status).toMatchObject({ ok: true, value: { linked: false, keyring: 'unavailable', tokenValid: null } });
    const linked = await call('account.link', { kind: 'cloud', email: 'jdoe@example.com', token: TOKEN });
    expect(linked).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(/^Not linked: This computer has no system keyring/) } });
    const refused = await call('account.link', { kind: 'cloud', email: 'jdoe@example.com', token: fakeApiToken('Wrong') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining('Bitbucket refused the token for this email') } });
    const bad = await call('account.link', { kind: 'cloud', email: 'not-an-email', token: TOKEN });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(JSON.stringify(seen)).not.toContain(MARK);
    expect(await everythingWritten()).not.toContain(MARK);
  });
});

describe('account channels with BITBUCKET_EMAIL / BITBUCKET_API_TOKEN', () => {
  beforeEach(() => start({ BITBUCKET_EMAIL: 'jdoe@example.com', BITBUCKET_API_TOKEN: TOKEN }));

  it('status, keys.add (journaled: fix.undo deletes it), keys.list marking the offered key; never the token', async () => {
    expect(await call('account.status', {})).toMatchObject({
      ok: true,
      value: { linked: true, source: 'environment', login: 'jdoe@example.com', username: 'jdoe', displayName: 'Jane Doe', tokenValid: true, scopes: { push: { status: 'yes' }, sshKeys: { status: 'yes' } } },
    });
    const key = await makeKey(service.home);
    const added = await call('keys.add', { publicKeyPath: `${key.path}.pub`, label: 'laptop' });
    expect(added).toMatchObject({ ok: true, value: { added: true, label: 'laptop', publicKeyPath: `${key.path}.pub` } });
    expect(await call('keys.add', { publicKeyPath: `${key.path}.pub` })).toMatchObject({ ok: true, value: { added: false } });
    const listed = await call('keys.list', {});
    expect(listed).toMatchObject({ ok: true, value: { username: 'jdoe', keys: [{ label: 'laptop', offered: expect.any(Boolean) }] } });
    expect(await call('fix.history', {})).toMatchObject({ ok: true, value: [{ fixId: 'ssh.add-key-to-account' }] });
    expect(await call('fix.undo', {})).toMatchObject({ ok: true, value: { undone: true, fixId: 'ssh.add-key-to-account' } });
    expect(api.store.keys).toEqual([]);
    expect(await call('keys.add', { publicKeyPath: '/nonexistent/key.pub' })).toMatchObject({ ok: false, error: { code: 'invalid-request', message: '/nonexistent/key.pub is not an SSH public key file (it cannot be read).' } });
    expect(JSON.stringify(seen)).not.toContain(MARK);
    expect(JSON.stringify(service.events)).not.toContain(MARK);
    expect(await everythingWritten()).not.toContain(MARK);
  });
});

const keyringReason = keyringUnavailableReason();
describe.skipIf(keyringReason)(`account channels with a real Secret Service${keyringReason ? ` (skipped: ${keyringReason})` : ''}`, () => {
  let keyring: TestKeyring;
  beforeEach(async () => {
    keyring = await startKeyring(undefined, { inProcess: true });
    await start({ DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS });
  });
  afterEach(async () => {
    await keyring.stop();
  });

  it('link verifies with Bitbucket, then stores in the keychain; status reads it back; unlink removes it', async () => {
    const linked = await call('account.link', { kind: 'cloud', email: 'jdoe@example.com', token: TOKEN });
    expect(linked).toMatchObject({ ok: true, value: { linked: true, source: 'keyring', username: 'jdoe', tokenValid: true, message: 'Linked jdoe@example.com on bitbucket.org (Bitbucket user jdoe); the token is kept in the system keychain.' } });
    expect(api.requests.map((r) => r.path)).toEqual(['/2.0/user', expect.stringMatching(/^\/2\.0\/users\/.+\/ssh-keys$/)]);
    expect(await call('account.status', {})).toMatchObject({ ok: true, value: { linked: true, source: 'keyring', keyring: 'found' } });
    expect(await call('account.unlink', {})).toMatchObject({ ok: true, value: { unlinked: true } });
    expect(await call('account.status', {})).toMatchObject({ ok: true, value: { linked: false, keyring: 'none' } });
    expect(JSON.stringify(seen)).not.toContain(MARK);
    expect(await everythingWritten()).not.toContain(MARK);
  });
});
