import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountApiError } from '../../app/account/api.js';
import { accountApi, classifyFailure } from '../../app/account/client.js';
import type { AccountLink } from '../../app/account/link.js';
import type { EngineContext } from '../../app/context.js';
import { SCOPE_USER_READ } from '../../app/facts/bitbucket.js';
import { Secret } from '../../app/secrets/secret.js';
import { fakeApiToken, FakeAccountStore, startFakeBitbucketApi, type FakeBitbucketApi } from '../support/bitbucket-api.js';
import { createHome, type TestHome } from '../support/home.js';
import { makeKey } from '../support/ssh-scenario.js';

/** The REST client against a local HTTPS server that answers like Bitbucket's API (certificate from a throwaway CA). */

let home: TestHome;
let api: FakeBitbucketApi | null = null;
beforeEach(async () => {
  home = await createHome('account-api-');
});
afterEach(async () => {
  await api?.stop();
  api = null;
  await home.cleanup();
});

function contextFor(server: FakeBitbucketApi, timeoutMs = 5000): EngineContext {
  return { ...home.context({ timeoutMs }), bitbucketApi: { cloudBaseUrl: server.baseUrl, caCertificates: [server.ca] } };
}

const cloudLink = (email: string, token: string): AccountLink => ({ kind: 'cloud', email, token: new Secret(token) });

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AccountApiError);
    return error as AccountApiError;
  }
  throw new Error('expected a failure');
}

describe('Bitbucket Cloud REST client', () => {
  it('GET /user with Basic email:token names the account; the token travels only in the Authorization header', async () => {
    api = await startFakeBitbucketApi();
    const token = fakeApiToken('whoami');
    const jdoe = api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    const me = await accountApi(contextFor(api), cloudLink('jdoe@example.com', token)).whoami();
    expect(me.user).toEqual({ id: jdoe.uuid, username: 'jdoe', displayName: 'Jdoe' });
    expect(me.grantedScopes).toEqual(jdoe.scopes);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/2.0/user', status: 200, scheme: 'Basic' });
    expect(JSON.stringify(api.requests)).not.toContain(token);
  });

  it('lists every key across pages by following "next", with fingerprints computed from the keys', async () => {
    api = await startFakeBitbucketApi({ pageLen: 2 });
    const token = fakeApiToken();
    const jdoe = api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    const keys = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => makeKey(home, `id_${n}`)));
    for (const [i, key] of keys.entries()) api.store.addKey(jdoe, key.publicLine, `key ${i}`);
    const client = accountApi(contextFor(api), cloudLink('jdoe@example.com', token));
    const { user } = await client.whoami();
    const listed = await client.listKeys(user);
    expect(listed.keys.map((k) => k.label)).toEqual(['key 0', 'key 1', 'key 2', 'key 3', 'key 4']);
    const print = execFileSync('ssh-keygen', ['-lf', `${keys[3]!.path}.pub`]).toString().split(' ')[1];
    expect(listed.keys[3]!.fingerprint).toBe(print);
    expect(api.requests.filter((r) => r.path.endsWith('/ssh-keys')).map((r) => r.url)).toEqual([
      `/2.0/users/${encodeURIComponent(jdoe.uuid)}/ssh-keys`,
      `/2.0/users/${encodeURIComponent(jdoe.uuid)}/ssh-keys?page=2`,
      `/2.0/users/${encodeURIComponent(jdoe.uuid)}/ssh-keys?page=3`,
    ]);
  });

  it('adds a key, and recognises a duplicate from Bitbucket\'s words', async () => {
    api = await startFakeBitbucketApi();
    const token = fakeApiToken();
    api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    const key = await makeKey(home);
    const client = accountApi(contextFor(api), cloudLink('jdoe@example.com', token));
    const { user } = await client.whoami();
    const added = await client.addKey(user, key.publicLine.split(' ').slice(0, 2).join(' '), 'laptop');
    expect(added).toMatchObject({ label: 'laptop', type: 'ssh-ed25519' });
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ key: key.publicLine.split(' ').slice(0, 2).join(' '), label: 'laptop' });
    const again = await failureOf(client.addKey(user, key.publicLine, 'laptop'));
    expect(again.failure).toMatchObject({ kind: 'key-registered', status: 400, message: 'Someone has already registered that SSH key.' });
  });

  it('401: a wrong, revoked, expired or scope-less token is "invalid-token"; an app password is named as one', async () => {
    api = await startFakeBitbucketApi();
    const token = fakeApiToken();
    const store = api.store;
    store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    const revoked = fakeApiToken();
    store.addAccount({ username: 'rev', email: 'rev@example.com', token: revoked, state: 'revoked' });
    const bare = fakeApiToken();
    store.addAccount({ username: 'bare', email: 'bare@example.com', token: bare, scopes: [] });
    store.addAccount({ username: 'old', email: 'old@example.com', token: 'ATBBabcdefghijklmnopqrstuvwxyz123456', kind: 'app-password' });
    const ctx = contextFor(api);
    for (const [email, secret] of [['jdoe@example.com', fakeApiToken()], ['rev@example.com', revoked], ['bare@example.com', bare], ['nobody@example.com', token]] as const) {
      const error = await failureOf(accountApi(ctx, cloudLink(email, secret)).whoami());
      expect(error.failure).toMatchObject({ kind: 'invalid-token', status: 401, message: 'Token is invalid, expired, or not supported for this endpoint.' });
      expect(error.message).not.toContain(secret);
    }
    const old = await failureOf(accountApi(ctx, cloudLink('old@example.com', 'ATBBabcdefghijklmnopqrstuvwxyz123456')).whoami());
    expect(old.failure.kind).toBe('app-password');
  });

  it('403 names the scopes Bitbucket requires and those the token has', async () => {
    api = await startFakeBitbucketApi();
    const token = fakeApiToken();
    api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token, scopes: ['read:repository:bitbucket', 'write:repository:bitbucket'] });
    const error = await failureOf(accountApi(contextFor(api), cloudLink('jdoe@example.com', token)).whoami());
    expect(error.failure).toEqual({
      kind: 'missing-scopes',
      status: 403,
      required: [SCOPE_USER_READ],
      granted: ['read:repository:bitbucket', 'write:repository:bitbucket'],
      message: 'Your credentials lack one or more required privilege scopes.',
    });
    expect(error.message).toBe('The token lacks the scope read:user:bitbucket for this; it has read:repository:bitbucket, write:repository:bitbucket.');
  });

  it('a key on another account is refused with Bitbucket\'s words; the key list of this account does not have it', async () => {
    api = await startFakeBitbucketApi();
    const token = fakeApiToken();
    const store = api.store;
    store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    const other = store.addAccount({ username: 'colleague', email: 'c@example.com', token: fakeApiToken() });
    const key = await makeKey(home);
    store.addKey(other, key.publicLine, 'theirs');
    const client = accountApi(contextFor(api), cloudLink('jdoe@example.com', token));
    const { user } = await client.whoami();
    expect((await failureOf(client.addKey(user, key.publicLine, 'mine'))).failure.kind).toBe('key-registered');
    expect((await client.listKeys(user)).keys).toEqual([]);
  });

  it('a server that never answers fails with "timed out after N s", never hangs', async () => {
    api = await startFakeBitbucketApi({ silent: true });
    const started = Date.now();
    const error = await failureOf(accountApi(contextFor(api, 1200), cloudLink('jdoe@example.com', fakeApiToken())).whoami());
    expect(error.failure).toEqual({ kind: 'timeout', reason: 'timed out after 1.2 s' });
    expect(error.message).toBe('bitbucket.org did not answer: timed out after 1.2 s.');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('verifies TLS: a server whose CA is not trusted is refused, and nothing is sent to it', async () => {
    api = await startFakeBitbucketApi();
    const token = fakeApiToken();
    api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    const ctx: EngineContext = { ...home.context({ timeoutMs: 5000 }), bitbucketApi: { cloudBaseUrl: api.baseUrl } };
    const error = await failureOf(accountApi(ctx, cloudLink('jdoe@example.com', token)).whoami());
    expect(error.failure.kind).toBe('network');
    expect(error.message).toMatch(/certificate of 127\.0\.0\.1:\d+ could not be verified/);
    expect(api.requests).toEqual([]);
  });

  it('a refused connection is a network failure with curl-like words', async () => {
    const ctx: EngineContext = { ...home.context({ timeoutMs: 5000 }), bitbucketApi: { cloudBaseUrl: 'https://127.0.0.1:1/2.0' } };
    const error = await failureOf(accountApi(ctx, cloudLink('jdoe@example.com', fakeApiToken())).whoami());
    expect(error.failure).toEqual({ kind: 'network', reason: 'connection refused' });
  });
});

describe('Bitbucket Data Center REST client', () => {
  const dcLink = (server: FakeBitbucketApi, token: string): AccountLink => ({ kind: 'datacenter', baseUrl: server.baseUrl, username: 'jdoe', token: new Secret(token) });
  const dcContext = (server: FakeBitbucketApi): EngineContext => ({ ...home.context({ timeoutMs: 5000 }), bitbucketApi: { caCertificates: [server.ca] } });

  it('names the user from X-AUSERNAME, lists keys page by page, adds and deletes one, all with a Bearer token', async () => {
    const store = new FakeAccountStore();
    api = await startFakeBitbucketApi({ flavor: 'datacenter', store, pageLen: 2 });
    const token = `BBDC-${'x'.repeat(20)}${Date.now()}abcdefghijklmnop`;
    const jdoe = store.addAccount({ username: 'jdoe', email: 'jdoe@corp.example', token, displayName: 'Jane Doe' });
    const keys = await Promise.all(['a', 'b', 'c'].map((n) => makeKey(home, `id_${n}`)));
    for (const key of keys) store.addKey(jdoe, key.publicLine, key.path);
    const client = accountApi(dcContext(api), dcLink(api, token));
    const { user } = await client.whoami();
    expect(user).toEqual({ id: 'jdoe', username: 'jdoe', displayName: 'Jane Doe' });
    const listed = await client.listKeys(user);
    expect(listed.keys.map((k) => k.label)).toEqual(keys.map((k) => k.path));
    expect(api.requests.filter((r) => r.path === '/rest/ssh/1.0/keys').map((r) => new URL(r.url, 'https://x').searchParams.get('start'))).toEqual(['0', '2']);
    const fresh = await makeKey(home, 'id_new');
    const added = await client.addKey(user, fresh.publicLine, 'new');
    expect(added).toMatchObject({ label: 'new', id: expect.stringMatching(/^\d+$/) });
    expect((await failureOf(client.addKey(user, fresh.publicLine, 'again'))).failure).toMatchObject({ kind: 'key-registered', status: 409 });
    await client.deleteKey(user, added.id);
    expect(store.keysOf(jdoe)).toHaveLength(3);
    expect(api.requests.every((r) => r.scheme === 'Bearer')).toBe(true);
  });

  it('an older server without X-AUSERNAME: the applinks whoami servlet names the user', async () => {
    api = await startFakeBitbucketApi({ flavor: 'datacenter', usernameHeader: false });
    const token = 'BBDC-whoami-token-00000000000000000000000000000';
    api.store.addAccount({ username: 'jdoe', email: 'j@corp.example', token });
    expect((await accountApi(dcContext(api), dcLink(api, token)).whoami()).user.username).toBe('jdoe');
    expect(api.requests.map((r) => r.path)).toEqual(['/rest/api/1.0/application-properties', '/plugins/servlet/applinks/whoami', '/rest/api/1.0/users/jdoe']);
  });

  it('a refused HTTP access token is "invalid-token"', async () => {
    api = await startFakeBitbucketApi({ flavor: 'datacenter' });
    api.store.addAccount({ username: 'jdoe', email: 'j@corp.example', token: 'BBDC-right-token-000000000000000000000000000' });
    const error = await failureOf(accountApi(dcContext(api), dcLink(api, 'BBDC-wrong-token-000000000000000000000000000')).whoami());
    expect(error.failure.kind).toBe('invalid-token');
  });
});

describe('classifyFailure', () => {
  const answer = (status: number, json: unknown) => ({ status, json, text: JSON.stringify(json) });
  it('maps Bitbucket\'s answers to one kind each', () => {
    expect(classifyFailure(answer(401, { type: 'error', error: { message: 'App passwords are deprecated and must be replaced with API tokens.' } })).kind).toBe('app-password');
    expect(classifyFailure(answer(410, { type: 'error', error: { message: 'Gone' } })).kind).toBe('app-password');
    expect(classifyFailure(answer(403, { errors: [{ message: 'Basic Authentication has been disabled on this instance.' }] })).kind).toBe('basic-auth-disabled');
    expect(classifyFailure(answer(403, { type: 'error', error: { message: 'Your credentials lack one or more required privilege scopes.' } }))).toMatchObject({ kind: 'missing-scopes', required: [], granted: null });
    expect(classifyFailure(answer(403, { type: 'error', error: { message: 'To access this repository, an admin must whitelist your IP.' } })).kind).toBe('forbidden');
    expect(classifyFailure(answer(409, { errors: [{ message: 'This SSH key is already used to access a repository or project.' }] })).kind).toBe('key-registered');
    expect(classifyFailure(answer(400, { type: 'error', error: { message: 'Bad request', fields: { key: ['SSH key already exists.'] } } })).kind).toBe('key-registered');
    expect(classifyFailure(answer(400, { type: 'error', error: { message: 'Bad request' } })).kind).toBe('rejected');
    expect(classifyFailure(answer(503, null)).kind).toBe('server-error');
    // No "detail" body: the scope headers say what the call takes and what the token has.
    expect(
      classifyFailure({ ...answer(403, { type: 'error', error: { message: 'Your credentials lack one or more required privilege scopes.' } }), headers: { 'x-accepted-oauth-scopes': 'read:ssh-key:bitbucket', 'x-oauth-scopes': 'read:user:bitbucket, read:repository:bitbucket' } }),
    ).toMatchObject({ kind: 'missing-scopes', required: ['read:ssh-key:bitbucket'], granted: ['read:user:bitbucket', 'read:repository:bitbucket'] });
    expect(classifyFailure({ status: 502, json: null, text: '<html>Bad gateway</html>' })).toEqual({ kind: 'server-error', status: 502, message: null });
  });

});

describe('pagination safety', () => {
  it('a "next" page on another server is not followed: the token never leaves the API\'s origin', async () => {
    api = await startFakeBitbucketApi({ pageLen: 1, nextBaseUrl: 'https://127.0.0.2:1/2.0' });
    const token = fakeApiToken();
    const jdoe = api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token });
    for (const name of ['id_a', 'id_b']) api.store.addKey(jdoe, (await makeKey(home, name)).publicLine);
    const client = accountApi(contextFor(api), cloudLink('jdoe@example.com', token));
    const { user } = await client.whoami();
    const error = await failureOf(client.listKeys(user));
    expect(error.failure).toEqual({ kind: 'unexpected', reason: 'the next page is on another server' });
  });
});
