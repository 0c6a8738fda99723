import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { DiagnoseReport } from '../../app/contract/report.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { markdownReport } from '../../app/diagnose/report-markdown.js';
import { SCOPE_SSH_KEY_READ, SCOPE_USER_READ } from '../../app/facts/bitbucket.js';
import { listJournal } from '../../app/fix/undo.js';
import { applyFix, describeFix, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { fakeApiToken, startFakeBitbucketApi, type FakeApiAccount, type FakeBitbucketApi } from '../support/bitbucket-api.js';
import type { FakeAccount } from '../support/bitbucket-http.js';
import { createHome, type TestHome } from '../support/home.js';
import { approveCredential, cloudRepo, useHttpsTestBed } from '../support/https-home.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';

/**
 * The diagnosis with a linked account (here BITBUCKET_EMAIL / BITBUCKET_API_TOKEN for the run) against
 * the fake REST API, whose account keys the fake SSH server accepts: the same store, like Bitbucket.
 */
const TOKEN = fakeApiToken('DiagnosisLinkedToken');

interface World {
  ctx: EngineContext;
  api: FakeBitbucketApi;
  jdoe: FakeApiAccount;
}

async function linkedWorld(home: TestHome, account: Partial<FakeApiAccount> = {}, api?: FakeBitbucketApi): Promise<World> {
  const server = api ?? (await startFakeBitbucketApi());
  const jdoe = server.store.addAccount({ username: 'jdoe', email: 'jane.doe@example.com', token: TOKEN, ...account });
  const ctx: EngineContext = {
    ...home.context({ timeoutMs: 5000 }),
    env: { ...home.env, BITBUCKET_EMAIL: 'jane.doe@example.com', BITBUCKET_API_TOKEN: TOKEN },
    bitbucketApi: { cloudBaseUrl: server.baseUrl, caCertificates: [server.ca] },
  };
  return { ctx, api: server, jdoe };
}

const codes = (report: DiagnoseReport) => report.findings.map((f) => f.code);
const check = (report: DiagnoseReport, id: string) => report.checks.find((c) => c.id === id);
/** Neither the report nor its Markdown form (for support tickets) shows the linked token. */
const leakFree = (report: DiagnoseReport) => {
  expect(JSON.stringify(report)).not.toContain(TOKEN.slice(12, 40));
  expect(markdownReport(report)).not.toContain(TOKEN.slice(12, 40));
};

describe('SSH with a linked account', () => {
  let home: TestHome;
  const stops: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    home = await createHome('account-diag-');
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await home.cleanup();
  });

  async function scenario(account: Partial<FakeApiAccount> = {}) {
    const world = await linkedWorld(home, account);
    stops.push(() => world.api.stop());
    const { server, repo } = await startCloudScenario(home, {
      accountKeys: () => world.api.store.keys.map((k) => ({ line: k.line, username: world.api.store.ownerOf(k)?.username ?? '' })),
    });
    stops.push(() => server.stop());
    return { ...world, repo, server };
  }

  it('the key ssh offers is not on the account: ssh.key-not-on-account replaces "permission denied"; the fix adds it, ssh then pushes, undo deletes it', async () => {
    const { ctx, api, jdoe, repo } = await scenario();
    const key = await makeKey(home);
    const before = await diagnose(ctx, repo);
    expect(codes(before)).toEqual(['ssh.key-not-on-account']);
    const f = before.findings[0]!;
    expect(f.title).toMatch(/^The key ssh offers to ssh\.bitbucket\.org \(SHA256:\S+\) is not on your Bitbucket account jdoe\.$/);
    expect(f.fixes.map((x) => x.id)).toEqual(['ssh.add-key-to-account', 'open.ssh-keys-page']);
    expect(f.evidence.join('\n')).toContain('Permission denied (publickey)');
    expect(check(before, 'account.keys')).toMatchObject({ status: 'error', remote: 'origin' });
    expect(check(before, 'account.link')).toMatchObject({ status: 'ok', summary: expect.stringContaining('jane.doe@example.com on bitbucket.org (Bitbucket user jdoe), from the environment; token accepted; 0 SSH keys') });
    leakFree(before);

    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'ssh.add-key-to-account', scope);
    expect(plan).toMatchObject({ applicable: true, changes: [{ target: 'Bitbucket account jane.doe@example.com (bitbucket.org)', action: expect.stringContaining(`from ${key.path}.pub`) }] });
    const applied = await applyFix(ctx, 'ssh.add-key-to-account', scope);
    expect(applied).toMatchObject({ applied: true, changed: [expect.stringMatching(/^SSH key SHA256:\S+ \("id_ed25519@test"\) on the Bitbucket account at bitbucket\.org$/)] });
    expect(api.store.keysOf(jdoe).map((k) => k.line)).toEqual([key.publicLine.split(' ').slice(0, 2).join(' ')]);
    // Applying again changes nothing.
    expect(await applyFix(ctx, 'ssh.add-key-to-account', scope)).toMatchObject({ applied: true, changed: [] });

    const after = await diagnose(ctx, repo);
    expect(codes(after)).toEqual(['ssh.ok']);
    leakFree(after);
    expect(check(after, 'account.keys')).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^ssh offers SHA256:\S+, which is on the account$/) });

    const undone = await undoLastFix(ctx);
    expect(undone).toMatchObject({ undone: true, fixId: 'ssh.add-key-to-account' });
    expect(api.store.keysOf(jdoe)).toEqual([]);
    expect(await listJournal(ctx)).toEqual([]);
  });

  it('a key on the account that ssh does not offer: ssh.account-key-not-offered names the file', async () => {
    const { ctx, api, jdoe, repo } = await scenario();
    await makeKey(home);
    const work = await makeKey(home, 'id_work');
    api.store.addKey(jdoe, work.publicLine, 'work laptop');
    const report = await diagnose(ctx, repo);
    expect(codes(report)).toEqual(['ssh.account-key-not-offered']);
    expect(report.findings[0]!.title).toBe(`Your Bitbucket account has the key ${work.path} (${report.findings[0]!.evidence.find((l) => l.startsWith('on the account'))!.split(': ')[1]}), but ssh does not offer it to ssh.bitbucket.org.`);
  });

  it('undo says where to remove the key when the linked token may not delete it', async () => {
    const { ctx, api, jdoe, repo } = await scenario({ scopes: [SCOPE_USER_READ, SCOPE_SSH_KEY_READ, 'write:ssh-key:bitbucket'] });
    await makeKey(home);
    expect((await applyFix(ctx, 'ssh.add-key-to-account', await resolveFixScope(ctx, repo))).applied).toBe(true);
    const undone = await undoLastFix(ctx);
    expect(undone.undone).toBe(true);
    expect(undone.message).toMatch(/could not be deleted \(the linked token needs the delete scope, or Bitbucket could not be reached\): remove it at https:\/\/bitbucket\.org\/account\/settings\/ssh-keys\//);
    expect(api.store.keysOf(jdoe)).toHaveLength(1);
  });

  it('a revoked linked token: account.token-invalid, and the SSH diagnosis stays as without an account', async () => {
    const { ctx, repo } = await scenario({ state: 'revoked' });
    await makeKey(home);
    const report = await diagnose(ctx, repo);
    expect(codes(report)).toEqual(['ssh.permission-denied', 'account.token-invalid']);
    expect(report.findings[1]).toMatchObject({ severity: 'warning', remote: null, title: 'The API token of your linked Bitbucket account (jane.doe@example.com) was refused: it is revoked, expired, or was created without scopes.' });
    expect(check(report, 'account.keys')).toMatchObject({ status: 'skipped' });
  });

  it('a linked token without the SSH-key scopes: account.token-scopes names them', async () => {
    const { ctx, repo } = await scenario({ scopes: [SCOPE_USER_READ, 'read:repository:bitbucket', 'write:repository:bitbucket'] });
    await makeKey(home);
    const report = await diagnose(ctx, repo);
    expect(codes(report)).toEqual(['ssh.permission-denied', 'account.token-scopes']);
    expect(report.findings[1]!.title).toBe('The API token of your linked Bitbucket account lacks read:ssh-key:bitbucket.');
  });

  it('an API that never answers: account.unreachable says "timed out after N s"; ssh findings unchanged', async () => {
    const silent = await startFakeBitbucketApi({ silent: true });
    stops.push(() => silent.stop());
    const { ctx } = await linkedWorld(home, {}, silent);
    const { server, repo } = await startCloudScenario(home);
    stops.push(() => server.stop());
    await makeKey(home);
    const report = await diagnose({ ...ctx, timeoutMs: 1500 }, repo);
    expect(codes(report)).toEqual(['ssh.permission-denied', 'account.unreachable']);
    expect(report.findings[1]!.title).toBe("Could not reach Bitbucket's API to check your linked account: timed out after 1.5 s.");
  });

  it('without a link the diagnosis is as before: no account check, no account finding', async () => {
    const { repo, server } = await startCloudScenario(home);
    stops.push(() => server.stop());
    await makeKey(home);
    const report = await diagnose(home.context(), repo);
    expect(codes(report)).toEqual(['ssh.permission-denied']);
    expect(report.checks.filter((c) => c.id.startsWith('account.'))).toEqual([]);
    // offline: the account is not even looked up
    const offline = await diagnose({ ...home.context(), env: { ...home.env, BITBUCKET_EMAIL: 'a@b.c', BITBUCKET_API_TOKEN: TOKEN } }, repo, { offline: true });
    expect(offline.checks.filter((c) => c.id.startsWith('account.'))).toEqual([]);
  });
});

describe('HTTPS: a refused API token told apart with the linked account', () => {
  const bed = useHttpsTestBed();
  const GIT_TOKEN = fakeApiToken('GitSavedToken');

  const bedStops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of bedStops.splice(0)) await stop();
  });

  /** A repository on the fake Cloud whose saved credential is `savedUsername` with GIT_TOKEN. */
  async function httpsRepo(gitAccount: FakeAccount, savedUsername: string): Promise<string> {
    const home = bed.home;
    const fake = await bed.serve({ accounts: [gitAccount], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    await home.git(['config', '--global', 'credential.helper', 'cache']);
    await approveCredential(home, repo, `${fake.url}/acme/widgets.git`, savedUsername, GIT_TOKEN);
    return repo;
  }

  it('without a link: a 401 with "You may not have access..." is a refused token, never "repository not found"', async () => {
    const repo = await httpsRepo({ username: 'jdoe', email: 'jane.doe@example.com', secret: GIT_TOKEN, kind: 'api-token', scopes: [] }, 'jdoe');
    const report = await diagnose(bed.home.context(), repo);
    expect(codes(report)).toEqual(['https.token-refused']);
    expect(report.findings[0]!.evidence.join('\n')).toContain('You may not have access to this repository or it no longer exists');
    expect(report.findings[0]!.detail).toContain('With your Bitbucket account linked (push-doctor account link), Push Doctor can tell which.');
  });

  it("with a link: the REST API refuses the same token too, so it is dead (not the username)", async () => {
    const repo = await httpsRepo({ username: 'jdoe', email: 'jane.doe@example.com', secret: GIT_TOKEN, kind: 'api-token', scopes: [] }, 'jdoe');
    const world = await linkedWorld(bed.home);
    bedStops.push(() => world.api.stop());
    // The saved git token is the same person's token, created without scopes.
    world.api.store.accounts[0]!.token = GIT_TOKEN;
    world.api.store.accounts[0]!.scopes = [];
    const ctx = { ...world.ctx, env: { ...world.ctx.env, BITBUCKET_API_TOKEN: GIT_TOKEN } };
    const report = await diagnose(ctx, repo);
    expect(codes(report)).toEqual(['https.token-refused', 'account.token-invalid']);
    const f = report.findings[0]!;
    expect(f.detail).toMatch(/^Bitbucket's API refuses it too, with your linked account's email jane\.doe@example\.com \("Token is invalid, expired, or not supported for this endpoint"\): the token was revoked, has expired, or was created without scopes; the username is not the problem\./);
    expect(f.evidence.join('\n')).toMatch(/GET https:\/\/127\.0\.0\.1:\d+\/2\.0\/user as jane\.doe@example\.com with the same token \(it is also the linked one\) → HTTP 401/);
    expect(JSON.stringify(report)).not.toContain(GIT_TOKEN.slice(12, 40));
  });

  it('with a link whose own token works: a refused git token is named dead, with the one doubt left (another account\'s token)', async () => {
    const repo = await httpsRepo({ username: 'jdoe', email: 'jane.doe@example.com', secret: GIT_TOKEN, kind: 'api-token', scopes: [] }, 'jdoe');
    const world = await linkedWorld(bed.home);
    bedStops.push(() => world.api.stop());
    const report = await diagnose(world.ctx, repo);
    expect(codes(report)).toEqual(['https.token-refused']);
    expect(report.findings[0]!.detail).toContain('jane.doe@example.com ("Token is invalid, expired, or not supported for this endpoint"): unless the token belongs to another Atlassian account, the token was revoked');
    expect(report.findings[0]!.evidence.join('\n')).toMatch(/with the saved token ATAT…\S{4} → HTTP 401/);
  });

  it('with a link: the REST API accepts the token for user jdoe, so git refused the username', async () => {
    const repo = await httpsRepo({ username: 'jdoe', email: 'jane.doe@example.com', secret: GIT_TOKEN, kind: 'api-token' }, 'janedoe');
    const world = await linkedWorld(bed.home);
    bedStops.push(() => world.api.stop());
    world.api.store.accounts[0]!.token = GIT_TOKEN;
    const report = await diagnose({ ...world.ctx, env: { ...world.ctx.env, BITBUCKET_API_TOKEN: GIT_TOKEN } }, repo);
    expect(codes(report)).toEqual(['https.token-username-mismatch']);
    expect(report.findings[0]!.title).toBe('The API token belongs to Bitbucket user "jdoe", but git sends it with the username "janedoe".');
    expect(report.findings[0]!.fixes.map((f) => f.id)).toEqual(['credential.save-token', 'remote.use-token-username']);
  });
});

