import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { probeRemote, testCredential, WRITE_PROBE_REF } from '../../app/https/probe.js';
import { Secret } from '../../app/secrets/secret.js';
import type { FakeAccount, FakeBitbucketHttpOptions } from '../support/bitbucket-http.js';
import type { TestHome } from '../support/home.js';
import { approveCredential, cloudRepo, homeGit, useHttpsTestBed } from '../support/https-home.js';
import { snapshotTree } from '../support/tree.js';
import { remoteTarget } from '../support/target.js';

const TOKEN = 'ATATT3xFfGF0PlantedProbeToken_Zq8Wv7Ut6Sr5Qp4On3Ml2Kj1=9C8B7A6F';
const JDOE: FakeAccount = { username: 'jdoe', email: 'jane.doe@example.com', secret: TOKEN, kind: 'api-token' };
const WIDGETS = 'acme/widgets.git';

const bed = useHttpsTestBed();
let home: TestHome;
beforeEach(() => {
  home = bed.home;
});
const serve = (options: FakeBitbucketHttpOptions) => bed.serve(options);

const credential = (username: string | null, secret: string) => ({ username, secret: new Secret(secret) });

describe('probeRemote against a Bitbucket-like server', () => {
  it('reads and dry-run pushes with the credential it is handed, sending nothing', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    const before = await snapshotTree(fake.repoDir(WIDGETS));
    const { read, write } = await probeRemote(home.context(), await remoteTarget(home.context(), repo), credential('jdoe', TOKEN));
    expect(read.outcome.kind).toBe('ok');
    expect(write.outcome.kind).toBe('ok');
    expect(write.command).toContain(`git push --dry-run`);
    expect(write.command).toContain(`origin :${WRITE_PROBE_REF}`);
    // the write probe fetched the receive-pack advertisement and posted nothing
    expect(fake.requests.filter((r) => r.service === 'git-receive-pack').map((r) => [r.method, r.status])).toEqual([
      ['GET', 401],
      ['GET', 200],
    ]);
    expect(await snapshotTree(fake.repoDir(WIDGETS))).toEqual(before);
    expect(JSON.stringify({ read, write })).not.toContain('PlantedProbeToken');
  });

  it("hands the credential through git's environment, Windows' channel, as well as through descriptor 3", async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    const target = await remoteTarget(home.context(), repo);
    // Only the hand-off looks at the platform on this path (credential-handoff.ts).
    const { read, write } = await probeRemote({ ...home.context(), platform: 'win32' }, target, credential('jdoe', TOKEN));
    expect([read.outcome.kind, write.outcome.kind]).toEqual(['ok', 'ok']);
    expect(JSON.stringify({ read, write })).not.toContain('PlantedProbeToken');
  });

  it.each<[string, FakeBitbucketHttpOptions, string | null, string, string]>([
    ['a wrong token', { accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } }, 'jdoe', 'auth-rejected', 'auth-rejected'],
    ['an app password', { accounts: [{ username: 'jdoe', secret: 'ATBBq7Xk2LmN9pR4sT6vW8yZ1aB3cD5eF7gH', kind: 'app-password' }], repos: { [WIDGETS]: { jdoe: 'write' } } }, 'jdoe', 'app-password-removed', 'app-password-removed'],
    ['a token without the write scope', { accounts: [{ ...JDOE, scopes: ['read'] }], repos: { [WIDGETS]: { jdoe: 'write' } } }, 'jdoe', 'ok', 'missing-scope'],
    ['read permission only', { accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'read' } } }, 'jdoe', 'ok', 'forbidden'],
    ['a repository the account cannot see', { accounts: [JDOE], repos: { 'acme/other.git': { jdoe: 'write' } } }, 'jdoe', 'not-found', 'not-found'],
    // 401 with "You may not have access...": a refused credential, not a missing repository (facts §12)
    ['the email as username', { accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } }, 'jane.doe@example.com', 'auth-rejected', 'auth-rejected'],
  ])('classifies %s', async (_name, options, username, readKind, writeKind) => {
    const fake = await serve(options);
    const repo = await cloudRepo(home, fake);
    const account = options.accounts![0]!;
    const secret = _name === 'a wrong token' ? 'ATATT3xFfGF0WrongWrongWrongWrongWrongWrong=00000000' : account.secret;
    const { read, write } = await probeRemote(home.context(), await remoteTarget(home.context(), repo), credential(username, secret));
    expect([read.outcome.kind, write.outcome.kind]).toEqual([readKind, writeKind]);
  });

  it('says no-credential when there is nothing to send, without prompting', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    const { read, write } = await probeRemote(home.context(), await remoteTarget(home.context(), repo), null);
    expect([read.outcome.kind, write.outcome.kind]).toEqual(['no-credential', 'no-credential']);
  });

  it('never lets git erase the user\'s saved credential, even after a 401', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    await home.git(['config', '--global', 'credential.helper', 'store']);
    await approveCredential(home, repo, `${fake.url}/${WIDGETS}`, 'jdoe', 'ATATT3xFfGF0ExpiredExpiredExpired=11111111');
    const store = path.join(home.dir, '.git-credentials');
    const saved = await readFile(store, 'utf8');
    expect(saved).toContain('Expired');

    const target = await remoteTarget(home.context(), repo);
    const { read, write } = await probeRemote(home.context(), target, credential('jdoe', 'ATATT3xFfGF0ExpiredExpiredExpired=11111111'));
    expect([read.outcome.kind, write.outcome.kind]).toEqual(['auth-rejected', 'auth-rejected']);
    expect(await readFile(store, 'utf8')).toBe(saved);

    // The trap this avoids: the same 401 through the user's own helpers erases their entry.
    const naive = await homeGit(home, ['ls-remote', 'origin'], repo);
    expect(naive.stderr).toContain('Authentication failed');
    expect(await readFile(store, 'utf8')).toBe('');
  });

  it('goes through the user\'s CA settings: trusted through GIT_SSL_CAINFO, refused without', async () => {
    const fake = await serve({ tls: true, accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    const target = await remoteTarget(home.context(), repo);
    const trusted = await probeRemote(home.context(), target, credential('jdoe', TOKEN));
    expect([trusted.read.outcome.kind, trusted.write.outcome.kind]).toEqual(['ok', 'ok']);

    home.env.GIT_SSL_CAINFO = '/etc/ssl/certs/ca-certificates.crt';
    const untrusted = await probeRemote(home.context(), target, credential('jdoe', TOKEN));
    // OpenSSL builds of curl say "SSL certificate problem", GnuTLS builds (Debian's git) "server certificate verification failed"
    expect(untrusted.write.outcome).toMatchObject({ kind: 'unreachable', reason: expect.stringMatching(/certificate/) });
  });

  it('gives up on a server that never answers with "timed out after N s"', async () => {
    const fake = await serve({ silent: true });
    const repo = await cloudRepo(home, fake);
    const ctx = home.context({ timeoutMs: 1500 });
    const { read, write } = await probeRemote(ctx, await remoteTarget(ctx, repo), credential('jdoe', TOKEN));
    expect(read.outcome).toMatchObject({ kind: 'unreachable', reason: 'timed out after 1.5 s' });
    expect(write.outcome).toMatchObject({ kind: 'unreachable', reason: 'timed out after 1.5 s' });
  });

  it('stops when cancelled', async () => {
    const fake = await serve({ silent: true });
    const repo = await cloudRepo(home, fake);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { write } = await probeRemote(home.context(), await remoteTarget(home.context(), repo), credential('jdoe', TOKEN), { signal: controller.signal });
    expect(write.outcome).toMatchObject({ kind: 'unknown', reason: 'cancelled' });
  });

  it("keeps the user's http.extraHeader", async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    await home.git(['config', '--global', 'http.extraHeader', 'X-Team: widgets']);
    const { read, write } = await probeRemote(home.context(), await remoteTarget(home.context(), repo), credential('jdoe', TOKEN));
    expect([read.outcome.kind, write.outcome.kind]).toEqual(['ok', 'ok']);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => r.headers['x-team'] === 'widgets')).toBe(true);
  });

  it('lets git use a password written in the URL, as the push does', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    // (an insteadOf for https://bitbucket.org/ does not apply to https://user:pw@bitbucket.org/: point at the fake directly)
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', fake.url.replace('://', `://jdoe:${encodeURIComponent(TOKEN)}@`) + '/acme/widgets.git'], repo);
    const ctx = home.context();
    const { read, write } = await probeRemote(ctx, await remoteTarget(ctx, repo), null);
    expect([read.outcome.kind, write.outcome.kind]).toEqual(['ok', 'ok']);
  });

  it('answers one credential request per push URL', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' }, 'acme/mirror.git': { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    await home.git(['config', '--add', 'remote.origin.pushurl', 'https://bitbucket.org/acme/widgets.git'], repo);
    await home.git(['config', '--add', 'remote.origin.pushurl', 'https://bitbucket.org/acme/mirror.git'], repo);
    const { write } = await probeRemote(home.context(), await remoteTarget(home.context(), repo), credential('jdoe', TOKEN));
    expect(write.outcome.kind).toBe('ok');
    expect(new Set(fake.requests.filter((r) => r.service === 'git-receive-pack' && r.status === 200).map((r) => r.path))).toEqual(new Set(['/acme/widgets.git/info/refs', '/acme/mirror.git/info/refs']));
  });
});

describe('testCredential (used by the repairs before saving)', () => {
  it('tests a new credential for read and push and saves nothing', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake, 'https://old-user@bitbucket.org/acme/widgets.git');
    await home.git(['config', '--global', 'credential.helper', 'store']);
    const ctx = home.context();
    const target = await remoteTarget(ctx, repo);
    const before = await snapshotTree(home.dir);
    const good = await testCredential(ctx, target, { username: 'x-bitbucket-api-token-auth', secret: new Secret(TOKEN) });
    expect([good.read.outcome.kind, good.write.outcome.kind]).toEqual(['ok', 'ok']);
    const bad = await testCredential(ctx, target, { username: 'jdoe', secret: new Secret('ATATT3xFfGF0NotTheRightOne0000000000=22222222') });
    expect([bad.read.outcome.kind, bad.write.outcome.kind]).toEqual(['auth-rejected', 'auth-rejected']);
    expect(await snapshotTree(home.dir)).toEqual(before);
  });
});

describe('the fake server', () => {
  it('takes a real push', async () => {
    const fake = await serve({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'write' } } });
    const repo = await cloudRepo(home, fake);
    await home.git(['config', '--global', 'credential.helper', 'store']);
    await approveCredential(home, repo, `${fake.url}/${WIDGETS}`, 'jdoe', TOKEN);
    const push = await homeGit(home, ['push', 'origin', 'main:refs/heads/feature'], repo);
    expect(push.code, push.stderr).toBe(0);
    const head = (await home.git(['rev-parse', 'HEAD'], repo)).trim();
    const remote = await homeGit(home, ['--git-dir', fake.repoDir(WIDGETS), 'rev-parse', 'refs/heads/feature'], home.dir);
    expect(remote.stdout.trim()).toBe(head);
  });
});
