import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestChannel, RequestOf } from '../../app/contract/channels.js';
import { callHandler } from '../../app/service/handlers.js';
import { fakeApiToken, startFakeBitbucketApi, type FakeApiAccount, type FakeBitbucketApi } from '../support/bitbucket-api.js';
import { createHome, type TestHome } from '../support/home.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';
import { createTestService, type TestService } from './support/service.js';

/**
 * The app's side of the account link on the real handlers and engine: a repository whose origin is
 * ssh.bitbucket.org (a fake SSH server that accepts the keys on the fake REST API's accounts) and a
 * link from BITBUCKET_EMAIL / BITBUCKET_API_TOKEN. The tray's re-test counts the account checks;
 * account.status and keys.add work for the repository's site; the token never comes back out.
 */
const TOKEN = fakeApiToken('RetestPlantedToken');
const MARK = TOKEN.slice(12, 40);

let home: TestHome;
let api: FakeBitbucketApi;
let jdoe: FakeApiAccount;
let service: TestService;
let repo: string;
const answers: unknown[] = [];

async function call<C extends RequestChannel>(channel: C, request: RequestOf<C>) {
  const result = await callHandler(service.handlers, channel, request);
  answers.push(result);
  return result;
}

beforeEach(async () => {
  home = await createHome('account-retest-');
  api = await startFakeBitbucketApi();
  jdoe = api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token: TOKEN, displayName: 'Jane Doe' });
  const scenario = await startCloudScenario(home, { accountKeys: () => api.store.keys.map((k) => ({ line: k.line, username: api.store.ownerOf(k)?.username ?? '' })) });
  repo = scenario.repo;
  service = await createTestService({
    home,
    adjustContext: (ctx) => ({ ...ctx, env: { ...ctx.env, BITBUCKET_EMAIL: 'jdoe@example.com', BITBUCKET_API_TOKEN: TOKEN }, bitbucketApi: { cloudBaseUrl: api.baseUrl, caCertificates: [api.ca] } }),
  });
  service.defer(() => scenario.server.stop());
  service.defer(() => api.stop());
});

afterEach(async () => {
  await service.cleanup();
  await home.cleanup();
  answers.length = 0;
});

async function everythingWritten(): Promise<string> {
  const files = (await readdir(service.stateDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return (await Promise.all(files.map((e) => readFile(path.join(e.parentPath, e.name), 'utf8')))).join('\n');
}

describe('the tray re-test with a linked account', () => {
  it('counts the account checks: the key not on the account fails it; once added, push works; a refused token is named beside "Push works"', async () => {
    const key = await makeKey(home);
    expect(await call('repo.open', { path: repo })).toMatchObject({ ok: true });
    // The repository's account: Cloud (its remote is ssh.bitbucket.org), from the environment.
    expect(await call('account.status', { path: repo })).toMatchObject({ ok: true, value: { site: 'bitbucket.org', linked: true, source: 'environment', username: 'jdoe', tokenValid: true } });

    const first = await call('retest.run', {});
    expect(first).toMatchObject({ ok: true, value: [{ path: repo, status: 'failing', codes: ['ssh.key-not-on-account'], summary: expect.stringMatching(/^The key ssh offers to ssh\.bitbucket\.org \(SHA256:\S+\) is not on your Bitbucket account jdoe\.$/) }] });

    // "Add this key to my account" for the repository (the key ssh offers it).
    const added = await call('keys.add', { path: repo, remote: 'origin' });
    expect(added).toMatchObject({ ok: true, value: { site: 'bitbucket.org', added: true, publicKeyPath: `${key.path}.pub`, fingerprint: expect.stringMatching(/^SHA256:/) } });
    expect(await call('keys.add', { path: repo, remote: 'origin' })).toMatchObject({ ok: true, value: { added: false, message: expect.stringMatching(/^The key SHA256:\S+ is already on your Bitbucket account \(jdoe\)/) } });
    expect(await call('ssh.verify', { path: repo })).toMatchObject({ ok: true, value: { ok: true } });
    expect(await call('retest.run', {})).toMatchObject({ ok: true, value: [{ path: repo, status: 'ok', summary: 'Push works', codes: [] }] });

    // The linked token is revoked: the key still works, and the re-test says the link does not.
    jdoe.state = 'revoked';
    expect(await call('retest.run', {})).toMatchObject({
      ok: true,
      value: [{ path: repo, status: 'ok', codes: ['account.token-invalid'], summary: expect.stringMatching(/^Push works\. The API token of your linked Bitbucket account \(jdoe@example\.com\) was refused/) }],
    });
    expect((await service.store.recent())[0]?.lastResult?.codes).toEqual(['account.token-invalid']);

    expect(JSON.stringify(answers)).not.toContain(MARK);
    expect(JSON.stringify(service.events)).not.toContain(MARK);
    expect(await everythingWritten()).not.toContain(MARK);
  });

  it('account.status with a repository asks about the site of its remote: a declared Data Center server', async () => {
    await home.git(['remote', 'add', 'corp', 'ssh://git@git.corp.example:7999/proj/widgets.git'], repo);
    await call('settings.set', { bitbucketHosts: ['git.corp.example'] });
    expect(await call('account.status', { path: repo, remote: 'corp' })).toMatchObject({ ok: true, value: { site: 'git.corp.example', kind: 'datacenter', linked: false } });
    expect(await call('account.status', { path: repo, remote: 'origin' })).toMatchObject({ ok: true, value: { site: 'bitbucket.org', linked: true } });
    // A site named outright wins.
    expect(await call('account.status', { path: repo, remote: 'corp', site: 'bitbucket.org' })).toMatchObject({ ok: true, value: { site: 'bitbucket.org' } });
  });

  it('keys.add answers "conflict" for a key Bitbucket has on another account', async () => {
    const key = await makeKey(home);
    const mallory = api.store.addAccount({ username: 'mallory', email: 'mallory@example.com', token: fakeApiToken('Mallory') });
    api.store.addKey(mallory, key.publicLine, 'hers');
    const refused = await call('keys.add', { path: repo, publicKeyPath: `${key.path}.pub` });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/^Bitbucket already has the key SHA256:\S+, but not on this account/) } });
    expect(api.store.keysOf(jdoe)).toEqual([]);
    expect(JSON.stringify(answers)).not.toContain(MARK);
  });
});
