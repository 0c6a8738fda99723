/**
 * Git Credential Manager's known Bitbucket failures and WSL, end to end: real git, the local
 * Bitbucket, and a GCM stand-in that prints GCM's own messages (gcm-stand-in.ts: GCM issues 1991
 * and 2428, GCM's source). WSL is reached through the engine's seams (support/wsl.ts: recorded
 * /proc/version, WSL variables, cmd.exe's answers). No keyring anywhere.
 */
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { FixInput, FixResult } from '../../app/contract/fixes.js';
import type { DiagnoseReport, FixId } from '../../app/contract/report.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { applyFix, describeFix, fixHistory, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { helperValueForPath } from '../../app/platform/wsl.js';
import type { FakeBitbucketHttp } from '../support/bitbucket-http.js';
import { createFixBed, type FixBed } from '../support/fix-bed.js';
import { installGcmStandIn } from '../support/gcm-stand-in.js';
import { approveCredential, homeGit } from '../support/https-home.js';
import { makeWsl, type FakeWsl } from '../support/wsl.js';

const API_TOKEN = 'ATATT3xFfGF0PlantedGcmApiToken_Mm1Nn2Oo3Pp4Qq5Rr6=7A8B9C0D';
const APP_PASSWORD = 'ATBBPlantedGcmAppPassword9pR4sT6vW8yZ1aB3';
// Bitbucket's new OAuth access tokens are longer than the 2,560 bytes Windows' Credential Manager holds (GCM issue 2428).
const OAUTH_TOKEN = `ATCTT3xFfGN0PlantedGcmOAuth${'x7Kq2Lm9'.repeat(170)}=1F2E3D4C`;

let bed: FixBed;
let server: FakeBitbucketHttp;
let ctx: EngineContext;
let wsl: FakeWsl | null = null;

beforeEach(async () => {
  bed = await createFixBed({ keyring: false });
  server = await bed.serve({
    accounts: [
      { username: 'jdoe', secret: API_TOKEN, kind: 'api-token' },
      { username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' },
      { username: 'widgets-ci', secret: OAUTH_TOKEN, kind: 'access-token' },
    ],
    repos: { 'acme/widgets.git': { jdoe: 'write', 'widgets-ci': 'write' } },
  });
  ctx = bed.ctx();
});
afterEach(async () => {
  await bed.cleanup();
  await wsl?.cleanup();
  wsl = null;
});

/** The engine inside WSL: Linux (whatever system runs the test) with WSL's files, variables and cmd.exe. */
const inWsl = (w: FakeWsl): EngineContext => ({ ...bed.ctx(), platform: 'linux', systemRoot: w.root });

async function onWsl(): Promise<FakeWsl> {
  wsl = await makeWsl(bed.home, { gcm: true });
  ctx = inWsl(wsl);
  return wsl;
}

async function cloudRepo(helper: string): Promise<string> {
  await bed.route(server);
  await bed.home.git(['config', '--global', 'credential.helper', helper]);
  const repo = await bed.home.repo();
  await bed.home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
  return repo;
}

const diagnosed = (repo: string): Promise<DiagnoseReport> => diagnose({ ...ctx }, repo);

async function apply(repo: string, id: FixId, input: FixInput = {}): Promise<FixResult> {
  const result = await applyFix(ctx, id, await resolveFixScope(ctx, repo), input);
  expect(JSON.stringify(result)).not.toContain('Planted');
  expect(await bed.stateBytes({ exceptUndoSecrets: true })).not.toContain('Planted');
  return result;
}

const push = (repo: string) => homeGit(bed.home, ['push', '-q', 'origin', 'HEAD:refs/heads/from-test'], repo);

async function undoAll(ids: FixId[]): Promise<void> {
  for (const id of ids) expect(await undoLastFix(ctx)).toMatchObject({ undone: true, fixId: id });
  expect(await fixHistory(ctx)).toEqual([]);
}

/** The home's files, without the repository's object store (a push moves refs there). */
async function userFiles(): Promise<Record<string, string>> {
  const tree = await bed.userTree();
  for (const key of Object.keys(tree)) if (key.startsWith('work/.git/') && !key.endsWith('config')) delete tree[key];
  return tree;
}

const exists = (file: string) => access(file).then(() => true, () => false);

describe("GCM issue 1991: GCM throws a saved API token away before every push", () => {
  it('is proven from what GCM says and hands out with its check off; the fix switches the check off for this site; push works; undo', async () => {
    await installGcmStandIn(bed.home);
    const repo = await cloudRepo('manager');
    await approveCredential(bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', API_TOKEN);
    const before = await userFiles();
    expect((await push(repo)).code).toBe(128);

    const report = await diagnosed(repo);
    expect(report.findings.map((f) => f.code)).toEqual(['https.gcm-revalidation']);
    const finding = report.findings[0]!;
    expect(finding.severity).toBe('error');
    expect(finding.evidence).toEqual(
      expect.arrayContaining([
        'credential.helper = manager (global config ' + path.join(bed.home.dir, '.gitconfig') + ')',
        'Git Credential Manager: version 2.6.1 (git credential-manager --version)',
        'fatal: Cannot prompt because user interactivity has been disabled.',
        'with bitbucketValidateStoredCredentials off for one look, it hands out: jdoe / API token ATAT…9C0D',
      ]),
    );
    expect(finding.fixes.map((f) => f.id)).toEqual(['credential.gcm-skip-validation', 'credential.save-token']);
    expect(JSON.stringify(report)).not.toContain('Planted');

    const key = `credential.${server.url}.bitbucketValidateStoredCredentials`;
    const plan = await describeFix(ctx, 'credential.gcm-skip-validation', await resolveFixScope(ctx, repo));
    expect(plan.changes).toEqual([{ target: path.join(bed.home.dir, '.gitconfig'), action: `Set ${key} = false (in your global git config)` }]);
    expect(await apply(repo, 'credential.gcm-skip-validation')).toMatchObject({ applied: true, changed: [path.join(bed.home.dir, '.gitconfig')] });
    expect(await apply(repo, 'credential.gcm-skip-validation')).toMatchObject({ applied: true, changed: [] });
    expect((await bed.home.git(['config', '--get', key])).trim()).toBe('false');
    expect((await diagnosed(repo)).findings.map((f) => f.code)).toEqual(['https.ok']);
    expect(await push(repo)).toMatchObject({ code: 0 });

    await undoAll(['credential.gcm-skip-validation']);
    expect(await userFiles()).toEqual(before);
  });

  it('an environment variable that keeps the check on is named in one sentence, and nothing changes', async () => {
    await installGcmStandIn(bed.home);
    const repo = await cloudRepo('manager');
    ctx = { ...ctx, env: { ...ctx.env, GCM_BITBUCKET_VALIDATE_STORED_CREDENTIALS: '1' } };
    const plan = await describeFix(ctx, 'credential.gcm-skip-validation', await resolveFixScope(ctx, repo));
    expect(plan).toMatchObject({
      applicable: false,
      reason: 'GCM_BITBUCKET_VALIDATE_STORED_CREDENTIALS=1 in your environment overrides any git config for Git Credential Manager: remove it (or set it to false) where your shell or system sets it.',
    });
  });

  it('does not apply where git does not use GCM, nor the DPAPI store to a GCM outside Windows', async () => {
    const repo = await cloudRepo('store');
    expect((await describeFix(ctx, 'credential.gcm-skip-validation', await resolveFixScope(ctx, repo))).reason).toBe(
      `git does not use Git Credential Manager for ${server.url}, so this setting would change nothing.`,
    );
    await installGcmStandIn(bed.home);
    await bed.home.git(['config', '--global', 'credential.helper', 'manager']);
    expect((await describeFix(ctx, 'credential.gcm-use-dpapi', await resolveFixScope(ctx, repo))).reason).toMatch(/^This Git Credential Manager does not keep credentials in the Windows Credential Manager/);
  });
});

describe('WSL with Git Credential Manager for Windows', () => {
  it("GCM issue 2428: Bitbucket's long OAuth token does not fit Windows' Credential Manager (0x6f7); the DPAPI store is set in Git for Windows' config; push works; undo", async () => {
    const w = await onWsl();
    const repo = await cloudRepo(helperValueForPath(w.gcm!.program));
    // Nothing saved yet: GCM for Windows would ask, and must be told not to (GCM_INTERACTIVE crosses to Windows only through WSLENV).
    expect((await diagnosed(repo)).findings.map((f) => f.code)).toContain('https.no-cached-credential');
    expect(await exists(path.join(w.gcm!.dir, 'prompted'))).toBe(false);
    await writeFile(path.join(w.gcm!.dir, 'oauth-next'), `x-token-auth\n${OAUTH_TOKEN}\n`);
    const windowsBefore = await readFile(w.windowsConfig, 'utf8');
    const linuxBefore = await readFile(path.join(bed.home.dir, '.gitconfig'), 'utf8');

    const report = await diagnosed(repo);
    expect(report.checks.find((c) => c.id === 'https.helpers')?.summary).toBe('git asks Git Credential Manager for Windows, from WSL (global)');
    const finding = report.findings.find((f) => f.code === 'https.gcm-store-limit');
    expect(finding?.evidence).toEqual(
      expect.arrayContaining([
        'Git Credential Manager for Windows, started from WSL: version 2.6.1 (git credential-manager --version)',
        'credential store: not set (Windows Credential Manager)',
        'fatal: Failed to write item to store. [0x6f7]',
        'fatal: The stub received bad data.',
      ]),
    );
    expect(finding?.fixes.map((f) => f.id)).toEqual(['credential.gcm-use-dpapi', 'credential.save-token']);

    const plan = await describeFix(ctx, 'credential.gcm-use-dpapi', await resolveFixScope(ctx, repo));
    expect(plan.changes).toEqual([
      { target: w.windowsConfig, action: "Set credential.credentialStore = dpapi (in Git for Windows' config, which Git Credential Manager for Windows reads (also from WSL))" },
    ]);
    expect(await apply(repo, 'credential.gcm-use-dpapi')).toMatchObject({ applied: true, changed: [w.windowsConfig] });
    expect(await readFile(w.windowsConfig, 'utf8')).toBe(`${windowsBefore}[credential]\n\tcredentialStore = dpapi\n`);
    expect(await readFile(path.join(bed.home.dir, '.gitconfig'), 'utf8')).toBe(linuxBefore);
    expect((await diagnosed(repo)).findings.map((f) => f.code)).toEqual(['https.ok']);
    expect(await push(repo)).toMatchObject({ code: 0 });
    // GCM for Windows never had to open a window: GCM_INTERACTIVE reached it through WSLENV.
    expect(await exists(path.join(w.gcm!.dir, 'prompted'))).toBe(false);

    await undoAll(['credential.gcm-use-dpapi']);
    expect(await readFile(w.windowsConfig, 'utf8')).toBe(windowsBefore);
  });

  it("use-secure-helper offers Windows' GCM (no keyring in WSL), moves the token out of the plain-text file, and switches off GCM's check in Git for Windows' config; push works; undo", async () => {
    const w = await onWsl();
    const repo = await cloudRepo('store');
    await approveCredential(bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', API_TOKEN);
    const store = path.join(bed.home.dir, '.git-credentials');
    const before = { tree: await userFiles(), windows: await readFile(w.windowsConfig, 'utf8') };
    const site = server.url;
    const helper = helperValueForPath(w.gcm!.program);

    const plan = await describeFix(ctx, 'credential.use-secure-helper', await resolveFixScope(ctx, repo));
    expect(plan.changes).toEqual([
      { target: path.join(bed.home.dir, '.gitconfig'), action: `Add credential.${site}.helper = "" (drops the helpers configured before it for this site) and credential.${site}.helper = ${helper}` },
      { target: "Git Credential Manager for Windows (Windows' Credential Manager)", action: `Save the credential jdoe@${new URL(site).host} (ATAT…9C0D) taken from the plain-text file` },
      { target: store, action: `Remove line 1 (${new URL(site).host}); lines of other hosts stay as they are` },
      { target: w.windowsConfig, action: `Set credential.${site}.bitbucketValidateStoredCredentials = false (Git Credential Manager's check of stored credentials rejects API tokens)` },
    ]);
    expect(plan.details.join('\n')).toContain("In WSL, Git Credential Manager for Windows keeps credentials in Windows' Credential Manager (shared with Git for Windows on this PC)");

    const applied = await apply(repo, 'credential.use-secure-helper');
    expect(applied).toMatchObject({ applied: true, message: expect.stringContaining("in Git Credential Manager for Windows (Windows' Credential Manager)") });
    expect(await readFile(store, 'utf8')).toBe('');
    expect((await diagnosed(repo)).findings.map((f) => f.code)).toEqual(['https.ok']);
    expect(await push(repo)).toMatchObject({ code: 0 });
    expect(await exists(path.join(w.gcm!.dir, 'prompted'))).toBe(false);

    await undoAll(['credential.use-secure-helper']);
    expect({ tree: await userFiles(), windows: await readFile(w.windowsConfig, 'utf8') }).toEqual(before);
  });

  it("credential.clear removes the app password from Windows' Credential Manager (shared with Git for Windows), keeps the undo copy there, not in the state folder; undo", async () => {
    const w = await onWsl();
    const repo = await cloudRepo(helperValueForPath(w.gcm!.program));
    await approveCredential(bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);
    const before = await bed.userTree();
    expect((await diagnosed(repo)).findings.map((f) => f.code)).toContain('https.app-password');

    const plan = await describeFix(ctx, 'credential.clear', await resolveFixScope(ctx, repo));
    expect(plan.details).toContain("In WSL, Git Credential Manager for Windows keeps it in Windows' Credential Manager: Git for Windows on this PC stops sending it too, and undo puts it back there.");
    expect(await apply(repo, 'credential.clear')).toMatchObject({ applied: true });
    expect(await bed.stateBytes()).not.toContain('Planted');
    const undoCopies = (await readdir(w.gcm!.dir)).filter((n) => n.endsWith('push-doctor-undo.invalid'));
    expect(undoCopies).toHaveLength(1);
    expect(await readFile(path.join(w.gcm!.dir, undoCopies[0]!), 'utf8')).toContain(`password=${APP_PASSWORD}`);

    await undoAll(['credential.clear']);
    expect(await bed.userTree()).toEqual(before);
  });

  it('ssh.generate-key says the key goes in the Linux home, and names the Windows-side keys WSL\'s ssh does not use', async () => {
    const w = await onWsl();
    const repo = await bed.home.repo();
    let plan = await describeFix(ctx, 'ssh.generate-key', await resolveFixScope(ctx, repo));
    expect(plan.details).toContain("In WSL, git's ssh reads keys from the Linux home's ~/.ssh, which is where this key is made (Windows' own ssh keeps its keys elsewhere).");
    await mkdir(path.join(w.profile, '.ssh'));
    await writeFile(path.join(w.profile, '.ssh', 'id_ed25519'), 'a Windows key');
    plan = await describeFix(inWsl(w), 'ssh.generate-key', await resolveFixScope(ctx, repo));
    expect(plan.details).toContain(
      "In WSL, git's ssh reads keys from the Linux home's ~/.ssh, not from Windows' C:\\Users\\username\\.ssh\\id_ed25519: if that key is already on your Bitbucket account, you can copy it into ~/.ssh (mode 600) instead of making a new one.",
    );
  });
});
