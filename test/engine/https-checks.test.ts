import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { DiagnoseProgress, FindingCode } from '../../app/contract/report.js';
import { CheckReporter } from '../../app/diagnose/reporter.js';
import { runHttpsChecks } from '../../app/https/checks.js';
import type { FakeAccount, FakeBitbucketHttp, FakeBitbucketHttpOptions } from '../support/bitbucket-http.js';
import type { TestHome } from '../support/home.js';
import { approveCredential, cloudRepo, homeGit, routeBitbucketTo, useHttpsTestBed } from '../support/https-home.js';
import { snapshotTree } from '../support/tree.js';
import { installGcmStandIn } from '../support/gcm-stand-in.js';
import { keyringUnavailableReason, useKeyringHome } from '../support/keyring.js';
import { remoteTarget } from '../support/target.js';

// Distinctive secrets: none of their middle parts may appear in any output.
const TOKEN = 'ATATT3xFfGF0PlantedChecksToken_Mm1Nn2Oo3Pp4Qq5Rr6Ss7=7A8B9C0D';
const APP_PASSWORD = 'ATBBPlantedAppPwd9pR4sT6vW8yZ1aB3cD5';
const ACCOUNT_PASSWORD = 'Planted-Account-Pw!42';
const ACCESS_TOKEN = 'ATCTT3xFfGN0PlantedAccessToken_Tt1Uu2Vv3Ww4Xx5Yy6Zz=1F2E3D4C';
const DISTINCTIVE = ['PlantedChecksToken', 'PlantedAppPwd', 'Planted-Account-Pw', 'PlantedAccessToken', 'PlantedExpired', 'PlantedUrlToken'];

const JDOE: FakeAccount = { username: 'jdoe', email: 'jane.doe@example.com', secret: TOKEN, kind: 'api-token' };
const WIDGETS = 'acme/widgets.git';
const WRITE = { [WIDGETS]: { jdoe: 'write' as const } };

const bed = useHttpsTestBed();
let home: TestHome;
beforeEach(() => {
  home = bed.home;
});
const serve = (options: FakeBitbucketHttpOptions) => bed.serve(options);

/** A repository on the fake Cloud with `helper` configured and `username`/`secret` saved through it. */
async function setup(options: FakeBitbucketHttpOptions, helper: string | null, saved?: [string, string]): Promise<{ repo: string; fake: FakeBitbucketHttp }> {
  const fake = await serve(options);
  const repo = await cloudRepo(home, fake);
  if (helper) await home.git(['config', '--global', 'credential.helper', helper]);
  if (saved) await approveCredential(home, repo, `${fake.url}/${WIDGETS}`, saved[0], saved[1]);
  return { repo, fake };
}

async function diagnose(repo: string, ctx: EngineContext = home.context(), offline = false) {
  const events: DiagnoseProgress[] = [];
  const reporter = new CheckReporter((e) => events.push(e));
  const findings = await runHttpsChecks(ctx, await remoteTarget(ctx, repo), reporter, { offline });
  const codes = findings.map((f) => f.code);
  const checks = Object.fromEntries(reporter.results.map((r) => [r.id, r]));
  const output = JSON.stringify({ findings, checks: reporter.results, events });
  for (const secret of DISTINCTIVE) expect(output).not.toContain(secret);
  return { findings, codes, checks, events, output };
}

const errors = (findings: Array<{ code: FindingCode; severity: string }>) => findings.filter((f) => f.severity === 'error').map((f) => f.code);

describe('runHttpsChecks: one real broken setup per finding', () => {
  it('https.ok: a scoped API token in the cache helper, with write access', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'cache', ['jdoe', TOKEN]);
    const { codes, checks, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.ok']);
    expect(findings[0]!.title).toBe('HTTPS push access to bitbucket.org works.');
    expect(Object.keys(checks).sort()).toEqual(['https.credential', 'https.helpers', 'https.read', 'https.write']);
    expect(Object.values(checks).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(checks['https.credential']!.summary).toBe('jdoe with API token ATAT…9C0D from cache');
  });

  it('https.no-helper (+ no-cached-credential): nothing configured, the server asks', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, null);
    const { codes, findings, checks } = await diagnose(repo);
    expect(codes).toEqual(['https.no-helper', 'https.no-cached-credential']);
    expect(errors(findings)).toEqual(['https.no-cached-credential']);
    expect(checks['https.write']!.summary).toBe('pushing: the server asked for a credential and none was saved (HTTP 401)');
  });

  it('https.helper-missing: GCM configured but not installed', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'manager-core');
    const { codes, findings, checks } = await diagnose(repo);
    expect(codes).toEqual(['https.helper-missing', 'https.no-cached-credential']);
    expect(findings[0]!.title).toBe('The credential helper "git-credential-manager-core" is configured but cannot be run.');
    expect(findings[0]!.evidence[0]).toContain(path.join(home.dir, '.gitconfig'));
    expect(checks['https.helpers']!.status).toBe('error');
  });

  it('https.plaintext-store: a working token kept by the store helper', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'store', ['jdoe', TOKEN]);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.plaintext-store', 'https.ok']);
    expect(findings[0]!.evidence).toEqual([expect.stringMatching(/\.git-credentials:1: http:\/\/jdoe:ATAT…9C0D@127\.0\.0\.1:\d+$/)]);
  });

  it('https.no-cached-credential: a helper with nothing saved', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'cache');
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.no-cached-credential']);
    expect(findings[0]!.severity).toBe('error');
  });

  it('https.app-password: the 410 and the ATBB shape give one error, not three', async () => {
    const { repo } = await setup({ accounts: [{ username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' }], repos: WRITE }, 'cache', ['jdoe', APP_PASSWORD]);
    const { codes, findings, checks } = await diagnose(repo);
    expect(codes).toEqual(['https.app-password']);
    expect(findings[0]!.title).toContain('(ATBB…3cD5)');
    expect(findings[0]!.evidence.join('\n')).toContain('App passwords are deprecated and must be replaced with API tokens.');
    expect(findings[0]!.evidence.join('\n')).toContain('(HTTP 410)');
    expect(checks['https.credential']!.status).toBe('error');
  });

  it('https.account-password: Bitbucket Cloud refuses an account password', async () => {
    const { repo } = await setup({ accounts: [{ username: 'jdoe', secret: ACCOUNT_PASSWORD, kind: 'account-password' }], repos: WRITE }, 'cache', ['jdoe', ACCOUNT_PASSWORD]);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.account-password']);
    expect(findings[0]!.evidence.join('\n')).toContain('stopped supporting account passwords');
  });

  it('https.cached-username-is-email: an API token saved with the Atlassian email', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'cache', ['jane.doe@example.com', TOKEN]);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.cached-username-is-email']);
    expect(findings[0]!.title).toContain('"jane.doe@example.com"');
  });

  it('https.access-token-username: a repository access token saved with a personal username', async () => {
    const token: FakeAccount = { username: 'widgets-ci', secret: ACCESS_TOKEN, kind: 'access-token' };
    const { repo } = await setup({ accounts: [token], repos: { [WIDGETS]: { 'widgets-ci': 'write' } } }, 'cache', ['jdoe', ACCESS_TOKEN]);
    const { codes } = await diagnose(repo);
    expect(codes).toEqual(['https.access-token-username']);
  });

  it('https.access-token-username is not raised for x-token-auth', async () => {
    const token: FakeAccount = { username: 'widgets-ci', secret: ACCESS_TOKEN, kind: 'access-token' };
    const { repo } = await setup({ accounts: [token], repos: { [WIDGETS]: { 'widgets-ci': 'write' } } }, 'cache', ['x-token-auth', ACCESS_TOKEN]);
    expect((await diagnose(repo)).codes).toEqual(['https.ok']);
  });

  it('https.gcm-revalidation: Git Credential Manager holds an API token and throws it away before every push', async () => {
    const fake = await serve({ accounts: [JDOE], repos: WRITE });
    const repo = await cloudRepo(home, fake);
    await installGcmStandIn(home);
    await home.git(['config', '--global', 'credential.helper', 'manager']);
    await approveCredential(home, repo, `${fake.url}/${WIDGETS}`, 'jdoe', TOKEN);
    const first = await diagnose(repo);
    // Bitbucket accepts the token, but git never gets it: pushing does not work, so no https.ok.
    expect(first.codes).toEqual(['https.gcm-revalidation']);
    expect(first.findings[0]!.severity).toBe('error');
    expect(first.checks['https.credential']!.status).toBe('error');
    await home.git(['config', '--global', 'credential.bitbucketValidateStoredCredentials', 'false']);
    expect((await diagnose(repo)).codes).toEqual(['https.ok']);
  });

  it('https.token-refused: an expired API token is named as a refused token, not a generic rejection', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'cache', ['jdoe', 'ATATT3xFfGF0PlantedExpiredToken_000000000000=DEADBEEF']);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.token-refused']);
    expect(findings[0]!.title).toBe('bitbucket.org refused the API token (ATAT…BEEF) for "jdoe".');
    expect(findings[0]!.detail).toContain('created without scopes');
    expect(findings[0]!.fixes.map((f) => f.id)).toEqual(['credential.save-token', 'open.api-token-page', 'credential.clear']);
  });

  it('https.auth-rejected: a refused secret that is no API token', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'cache', ['jdoe', 'k3Jq9vLm2Xw8Rt5Yp1Zs7Nb4Qa6Wc0Ed2Fg4Hj6Kl8Mn0Pq']);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.auth-rejected']);
    expect(findings[0]!.title).toBe('bitbucket.org rejected the saved credential for "jdoe".');
  });

  it('https.missing-scope: a token made without write:repository:bitbucket', async () => {
    const { repo } = await setup({ accounts: [{ ...JDOE, scopes: ['read'] }], repos: WRITE }, 'cache', ['jdoe', TOKEN]);
    const { codes, checks } = await diagnose(repo);
    expect(codes).toEqual(['https.missing-scope']);
    expect([checks['https.read']!.status, checks['https.write']!.status]).toEqual(['ok', 'error']);
  });

  it('https.read-only: an account with read permission on the repository', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: { [WIDGETS]: { jdoe: 'read' } } }, 'cache', ['jdoe', TOKEN]);
    expect((await diagnose(repo)).codes).toEqual(['https.read-only']);
  });

  it('https.repo-not-found: a repository the account cannot see', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: { 'acme/other.git': { jdoe: 'write' } } }, 'cache', ['jdoe', TOKEN]);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.repo-not-found']);
    expect(findings[0]!.evidence.join('\n')).toContain('The requested repository either does not exist or you do not have access.');
  });

  it('https.forbidden: a workspace that only allows listed IP addresses', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE, workspaceRule: 'ip-allowlist' }, 'cache', ['jdoe', TOKEN]);
    const { codes, findings } = await diagnose(repo);
    expect(codes).toEqual(['https.forbidden']);
    expect(findings[0]!.title).toContain('the workspace only allows listed IP addresses');
  });

  it('https.unreachable: a server that accepts connections and never answers', async () => {
    const { repo } = await setup({ silent: true }, 'cache', ['jdoe', TOKEN]);
    const { codes, findings, checks } = await diagnose(repo, home.context({ timeoutMs: 1500 }));
    expect(codes).toEqual(['https.unreachable']);
    expect(findings[0]!.title).toBe('Could not reach bitbucket.org over HTTPS: timed out after 1.5 s.');
    expect(checks['https.write']!.summary).toBe('pushing: server not reachable: timed out after 1.5 s');
  });

  it('Data Center accepts account passwords: no Cloud-only finding', async () => {
    const fake = await serve({ flavor: 'datacenter', accounts: [{ username: 'jdoe', secret: ACCOUNT_PASSWORD, kind: 'account-password' }], repos: { 'scm/PROJ/widgets.git': { jdoe: 'write' } } });
    await routeBitbucketTo(home, fake, 'https://git.corp.example/');
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'https://git.corp.example/scm/PROJ/widgets.git'], repo);
    await home.git(['config', '--global', 'credential.helper', 'cache']);
    await approveCredential(home, repo, `${fake.url}/scm/PROJ/widgets.git`, 'jdoe', ACCOUNT_PASSWORD);
    const ctx = home.context();
    expect((await remoteTarget(ctx, repo)).bitbucket.kind).toBe('datacenter');
    expect((await diagnose(repo, ctx)).codes).toEqual(['https.ok']);
  });

  it('uses a token written in the remote URL and says where it came from', async () => {
    const urlToken = TOKEN.replace('PlantedChecksToken', 'PlantedUrlToken');
    const fake = await serve({ accounts: [{ ...JDOE, secret: urlToken }], repos: WRITE });
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', `${fake.url.replace('://', `://jdoe:${urlToken}@`)}/${WIDGETS}`], repo);
    const { codes, checks } = await diagnose(repo);
    expect(codes).toEqual(['https.ok']);
    expect(checks['https.credential']!.summary).toBe('jdoe with API token ATAT…9C0D in the remote URL');
  });

  it('offers to take an app password out of the remote URL first', async () => {
    const fake = await serve({ accounts: [{ username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' }], repos: WRITE });
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', `${fake.url.replace('://', `://jdoe:${APP_PASSWORD}@`)}/${WIDGETS}`], repo);
    // (the URL names the fake directly: no Cloud host, so the server's 410 alone decides)
    const { findings } = await diagnose(repo);
    expect(findings.map((f) => f.code)).toEqual(['https.app-password']);
    expect(findings[0]!.fixes[0]!.id).toBe('remote.remove-secret');
  });

  it('offline: no probe runs, the saved secret is still judged by its shape', async () => {
    const { repo, fake } = await setup({ accounts: [JDOE], repos: WRITE }, 'cache', ['jdoe', APP_PASSWORD]);
    const requestsBefore = fake.requests.length;
    const { codes, checks } = await diagnose(repo, home.context(), true);
    expect(codes).toEqual(['https.app-password']);
    expect([checks['https.read']!.status, checks['https.write']!.status]).toEqual(['skipped', 'skipped']);
    expect(fake.requests.length).toBe(requestsBefore);
  });
});

describe('runHttpsChecks is read-only', () => {
  it('leaves the home, the store file and the repo config byte-identical after a 401', async () => {
    const { repo } = await setup({ accounts: [JDOE], repos: WRITE }, 'store', ['jdoe', 'ATATT3xFfGF0PlantedExpiredToken_111111111111=CAFEBABE']);
    const store = await readFile(path.join(home.dir, '.git-credentials'), 'utf8');
    expect(store).toContain('PlantedExpiredToken');
    const before = await snapshotTree(home.dir);
    const { codes } = await diagnose(repo);
    expect(codes).toContain('https.token-refused');
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect(await readFile(path.join(home.dir, '.git-credentials'), 'utf8')).toBe(store);
  });
});

const keyringReason = keyringUnavailableReason();
describe.skipIf(keyringReason !== null)(`with a real Secret Service keyring${keyringReason ? ` (skipped: ${keyringReason})` : ''}`, () => {
  const keyringHomeOf = useKeyringHome();

  it("keeps the libsecret entry, the store file and the home byte-identical after a 401, and never shows the secret", async () => {
    const keyringHome = keyringHomeOf();
    const fake = await serve({ accounts: [JDOE], repos: WRITE });
    const repo = await cloudRepo(keyringHome, fake);
    const expired = 'ATATT3xFfGF0PlantedExpiredKeyring_22222222222=FEEDFACE';
    await keyringHome.git(['config', '--global', 'credential.helper', 'libsecret']);
    await approveCredential(keyringHome, repo, `${fake.url}/${WIDGETS}`, 'jdoe', expired);
    // a second, plain-text copy in a store file that is configured after the keyring
    await keyringHome.git(['config', '--global', '--add', 'credential.helper', 'store']);
    await writeFile(path.join(keyringHome.dir, '.git-credentials'), `${fake.url.replace('://', `://jdoe:${expired}@`)}\n`);
    const lookup = () => homeGit(keyringHome, ['credential-libsecret', 'get'], repo, `protocol=http\nhost=${new URL(fake.url).host}\n\n`);
    expect((await lookup()).stdout).toContain('PlantedExpiredKeyring');
    const before = await snapshotTree(keyringHome.dir);

    const ctx = keyringHome.context();
    const events: DiagnoseProgress[] = [];
    const reporter = new CheckReporter((e) => events.push(e));
    const findings = await runHttpsChecks(ctx, await remoteTarget(ctx, repo), reporter, { offline: false });
    expect(findings.map((f) => f.code)).toEqual(['https.token-refused', 'https.plaintext-store']);
    expect(reporter.results.find((r) => r.id === 'https.credential')!.summary).toBe('jdoe with API token ATAT…FACE from libsecret');

    expect((await lookup()).stdout).toContain('PlantedExpiredKeyring');
    expect(await snapshotTree(keyringHome.dir)).toEqual(before);
    expect(JSON.stringify({ findings, checks: reporter.results, events })).not.toContain('PlantedExpiredKeyring');
  });
});
