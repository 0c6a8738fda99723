import { describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import type { FakeBitbucketHttpOptions } from '../support/bitbucket-http.js';
import { approveCredential, cloudRepo, routeBitbucketTo, useHttpsTestBed } from '../support/https-home.js';

/**
 * Bitbucket's ambiguous 2026 answers (facts §12), each through real git against the fake server,
 * told apart with or without an account: the verdict follows the credential, not the body's words.
 */
const bed = useHttpsTestBed();
const TOKEN = 'ATATT3xFfGF0PlantedAmbiguousToken_a1b2c3d4e5f6g7h8=0A1B2C3D';
const APP_PASSWORD = 'ATBBPlantedAmbiguousAppPw4sT6vW8yZ1aB3';
const DC_TOKEN = 'BBDC-PlantedAmbiguousDcToken0123456789abcdefgh';

async function cloud(options: FakeBitbucketHttpOptions, username: string, secret: string) {
  const home = bed.home;
  const fake = await bed.serve({ repos: { 'acme/widgets.git': { jdoe: 'write' } }, ...options });
  const repo = await cloudRepo(home, fake);
  await home.git(['config', '--global', 'credential.helper', 'cache']);
  await approveCredential(home, repo, `${fake.url}/acme/widgets.git`, username, secret);
  return { repo, ctx: home.context() };
}

async function dataCenter(options: FakeBitbucketHttpOptions) {
  const home = bed.home;
  const fake = await bed.serve({ flavor: 'datacenter', accounts: [{ username: 'jdoe', secret: DC_TOKEN, kind: 'dc-token' }], repos: { 'scm/PROJ/widgets.git': { jdoe: 'write' } }, ...options });
  await routeBitbucketTo(home, fake, 'https://git.corp.example/');
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', 'https://git.corp.example/scm/PROJ/widgets.git'], repo);
  await home.git(['config', '--global', 'credential.helper', 'cache']);
  await approveCredential(home, repo, `${fake.url}/scm/PROJ/widgets.git`, 'jdoe', DC_TOKEN);
  const ctx: EngineContext = home.context({ bitbucketHosts: ['git.corp.example'] });
  return { repo, ctx };
}

const run = async (ctx: EngineContext, repo: string) => {
  const report = await diagnose(ctx, repo);
  expect(JSON.stringify(report)).not.toMatch(/PlantedAmbiguous/);
  return report;
};

describe('ambiguous answers', () => {
  it('"Authentication failed" after "You may not have access to this repository..." is a refused API token, not a missing repository', async () => {
    const { repo, ctx } = await cloud({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token', scopes: [] }] }, 'jdoe', TOKEN);
    const report = await run(ctx, repo);
    expect(report.findings.map((f) => f.code)).toEqual(['https.token-refused']);
    expect(report.findings.some((f) => f.code === 'https.repo-not-found')).toBe(false);
  });

  it('a good credential refused with 403 "either does not exist or you do not have access" still means "repository not found"', async () => {
    const { repo, ctx } = await cloud({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/other.git': { jdoe: 'write' } } }, 'jdoe', TOKEN);
    expect((await run(ctx, repo)).findings.map((f) => f.code)).toEqual(['https.repo-not-found']);
  });

  it.each([410, 401] as const)('a dead app password is recognised when Bitbucket answers %i', async (status) => {
    const { repo, ctx } = await cloud({ accounts: [{ username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' }], appPasswordStatus: status }, 'jdoe', APP_PASSWORD);
    const report = await run(ctx, repo);
    expect(report.findings.map((f) => f.code)).toEqual(['https.app-password']);
    expect(report.findings[0]!.evidence.join('\n')).toContain(status === 410 ? 'HTTP 410' : 'HTTP 401');
  });

  it.each([
    ['ip-allowlist', 'the workspace only allows listed IP addresses'],
    ['two-step', 'the workspace requires two-step verification'],
  ] as const)('a %s 403 is a workspace rule, named', async (rule, words) => {
    const { repo, ctx } = await cloud({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], workspaceRule: rule }, 'jdoe', TOKEN);
    const report = await run(ctx, repo);
    expect(report.findings.map((f) => f.code)).toEqual(['https.forbidden']);
    expect(report.findings[0]!.title).toContain(words);
  });

  it("Data Center's 403 with basic authentication disabled says so", async () => {
    const { repo, ctx } = await dataCenter({ basicAuthDisabled: true });
    const report = await run(ctx, repo);
    expect(report.findings.map((f) => f.code)).toEqual(['https.basic-auth-disabled']);
    expect(report.findings[0]!.title).toBe('git.corp.example does not let git log in with a username and token: basic authentication is switched off on the server.');
    expect(report.findings[0]!.fixes.map((f) => f.id)).toEqual(['remote.use-ssh']);
    expect(report.findings[0]!.evidence.join('\n')).toContain('Basic Authentication has been disabled on this instance.');
  });

  it("Data Center's bare 403 names both causes Atlassian lists", async () => {
    const { repo, ctx } = await dataCenter({ bare403: true });
    const report = await run(ctx, repo);
    expect(report.findings.map((f) => f.code)).toEqual(['https.forbidden']);
    expect(report.findings[0]!.title).toContain('basic authentication may be switched off on the server ("Allow basic authentication on API calls"), or this account has no access to the repository');
  });
});
