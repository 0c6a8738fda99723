import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { FixInput, FixResult } from '../../app/contract/fixes.js';
import type { FindingCode, FixId } from '../../app/contract/report.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { applyFix, describeFix, fixHistory, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { UNDO_HOST_SUFFIX } from '../../app/fix/undo-secrets.js';
import type { FakeAccount, FakeBitbucketHttp } from '../support/bitbucket-http.js';
import { createFixBed, type FixBed } from '../support/fix-bed.js';
import { installGcmStandIn } from '../support/gcm-stand-in.js';
import { approveCredential, homeGit } from '../support/https-home.js';
import { MACHINE, onMachine } from '../support/machine.js';

// Planted secrets: no distinctive part of them may appear in any result, plan or journal file.
const APP_PASSWORD = 'ATBBPlantedFixAppPwd9pR4sT6vW8yZ1aB3cD5';
const NEW_TOKEN = 'ATATT3xFfGF0PlantedFixNewToken_Mm1Nn2Oo3Pp4Qq5Rr6=7A8B9C0D';
const URL_TOKEN = 'ATATT3xFfGF0PlantedFixUrlToken_Zz9Yy8Xx7Ww6Vv5Uu4=ABCD1234';
const READ_ONLY_TOKEN = 'ATATT3xFfGF0PlantedFixReadOnly_Tt1Uu2Vv3Ww4Xx5Yy6=1F2E3D4C';
const ACCESS_TOKEN = 'ATCTT3xFfGN0PlantedFixAccessTok_Tt1Uu2Vv3Ww4Xx5Yy6Zz=1F2E3D4C';
const GITHUB_TOKEN = 'ghp_PlantedGithubToken0123456789abcdef';
const OTHER_USER_PASSWORD = 'PlantedOtherUser-pw';
const DISTINCTIVE = ['PlantedFix', 'PlantedGithub', 'PlantedOtherUser'];

const ACCOUNTS: FakeAccount[] = [
  { username: 'jdoe', email: 'jane.doe@example.com', secret: NEW_TOKEN, kind: 'api-token' },
  { username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' },
  { username: 'jdoe', secret: URL_TOKEN, kind: 'api-token' },
  { username: 'jdoe', secret: READ_ONLY_TOKEN, kind: 'api-token', scopes: ['read'] },
  { username: 'widgets-ci', secret: ACCESS_TOKEN, kind: 'access-token' },
];
const REPOS = { 'acme/widgets.git': { jdoe: 'write' as const, 'widgets-ci': 'write' as const } };

function expectNoSecrets(...values: unknown[]): void {
  const text = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  for (const part of DISTINCTIVE) expect(text).not.toContain(part);
}

/** The helper that keeps secrets itself on this machine: the keyring (desktop) or git's memory cache (headless). */
const KEEPER = MACHINE.keeper;
/** Where a secure helper can exist: only the desktop has a keyring. */
const SECURE = MACHINE.keyring;
/** What use-secure-helper and save-token say on a machine without a keyring: one sentence, with the way out. */
const NO_KEYRING_TAIL = String.raw`o keyring is reachable on this computer \((git-credential-libsecret: could not connect to Secret Service: [^)]*|no D-Bus session, so no Secret Service)\), so git has no safer place than a plain-text file to keep credentials: push over SSH instead \(remote\.use-ssh\), or set up Git Credential Manager with credential\.credentialStore gpg \(or a desktop session with a keyring\), then run this fix again\.$`;
const NO_KEYRING = new RegExp(`^(N|No credential helper is configured to remember a token, and n)${NO_KEYRING_TAIL}`);

describe.skipIf(MACHINE.unavailable !== null)(onMachine('HTTPS repairs end to end (real git, local Bitbucket)'), () => {
  let bed: FixBed;
  let ctx: EngineContext;
  let server: FakeBitbucketHttp;
  beforeEach(async () => {
    bed = await createFixBed();
    ctx = bed.ctx();
    server = await bed.serve({ accounts: ACCOUNTS, repos: REPOS });
  });
  afterEach(async () => {
    await bed.cleanup();
  });

  /** A repository whose origin is `https://[user@]bitbucket.org/acme/widgets.git`, routed to the fake, with one commit to push. */
  async function cloudRepo(userinfo?: string, helper: string | null = null): Promise<string> {
    await bed.route(server);
    if (userinfo) await bed.route(server, userinfo);
    if (helper) await bed.home.git(['config', '--global', 'credential.helper', helper]);
    const repo = await bed.home.repo();
    await bed.home.git(['remote', 'add', 'origin', `https://${userinfo ? `${userinfo}@` : ''}bitbucket.org/acme/widgets.git`], repo);
    await writeFile(path.join(repo, 'change.txt'), 'a change to push\n');
    await bed.home.git(['add', 'change.txt'], repo);
    await bed.home.git(['commit', '-q', '-m', 'change'], repo);
    return repo;
  }

  /** Saves a credential through the configured helpers, as git does after a push. */
  const approve = (repo: string, username: string, password: string) => approveCredential(bed.home, repo, `${server.url}/acme/widgets.git`, username, password);

  async function findings(repo: string, offline = false): Promise<FindingCode[]> {
    const report = await diagnose(bed.ctx(), repo, { offline });
    expectNoSecrets(report);
    return report.findings.map((f) => f.code);
  }

  async function offered(repo: string, code: FindingCode): Promise<FixId[]> {
    const report = await diagnose(bed.ctx(), repo);
    return report.findings.find((f) => f.code === code)?.fixes.map((f) => f.id) ?? [];
  }

  async function apply(repo: string, id: FixId, input: FixInput = {}): Promise<FixResult> {
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, id, scope);
    expectNoSecrets(plan);
    const result = await applyFix(ctx, id, scope, input);
    // The journal and every other state file hold no secret; only the 0600 undo-secret files may.
    expectNoSecrets(result, await bed.stateBytes({ exceptUndoSecrets: true }));
    await bed.expectPrivateState();
    return result;
  }

  /** Where no keyring exists, a fix that needs one says so in one sentence and changes nothing. */
  async function refusedForNoKeyring(repo: string, id: FixId, input: FixInput = {}): Promise<void> {
    const before = await userState(repo);
    const plan = await describeFix(ctx, id, await resolveFixScope(ctx, repo));
    expect(plan.applicable).toBe(false);
    expect(plan.reason).toMatch(NO_KEYRING);
    // One sentence.
    expect(plan.reason!.split(/\.\s/)).toHaveLength(1);
    expect(await apply(repo, id, input)).toEqual({ id, applied: false, changed: [], message: plan.reason });
    expect(await userState(repo)).toEqual(before);
    expect(await fixHistory(ctx)).toEqual([]);
  }

  /** What the keeper helper (and git) hand out now for a host and user: "user:password", or null. */
  async function kept(repo: string, host: string, username: string): Promise<string | null> {
    const got = await homeGit(bed.home, [`credential-${KEEPER}`, 'get'], repo, `protocol=http\nhost=${host}\nusername=${username}\n\n`);
    const password = /^password=(.*)$/m.exec(got.stdout)?.[1];
    return password === undefined ? null : `${username}:${password}`;
  }

  async function push(repo: string): Promise<{ code: number; stderr: string }> {
    // A new branch: the fake's main has its own history.
    return homeGit(bed.home, ['push', '-q', 'origin', 'HEAD:refs/heads/from-test'], repo);
  }

  /**
   * The user's files (the home without the repository's object store: a push moves refs there),
   * the repository's config, the keyring's items, and what git would send for the remote.
   */
  async function userState(repo: string) {
    const tree = await bed.userTree();
    for (const key of Object.keys(tree)) if (key.startsWith(`${path.relative(bed.home.dir, repo)}/.git/`) && !key.endsWith('.git/config')) delete tree[key];
    // What git would send for the push URL (after its rewrites; a password written in it stays out of the question).
    const pushUrl = (await homeGit(bed.home, ['remote', 'get-url', '--push', 'origin'], repo)).stdout.trim().replace(/:[^:/@]*@/, '@');
    const sends = await homeGit(bed.home, ['credential', 'fill'], repo, `url=${pushUrl}\n\n`);
    return { tree, keyring: await bed.keyringItems(), config: await readFile(path.join(repo, '.git', 'config'), 'utf8'), sends: sends.stdout };
  }

  /** The end of each repair sequence: only https.ok is left, a real push works, and undo walks every fix back to the identical home. */
  async function pushWorksThenUndo(repo: string, before: Awaited<ReturnType<typeof userState>>, applied: FixId[], left: FindingCode[] = ['https.ok']): Promise<void> {
    expect(await findings(repo)).toEqual(left);
    expect(await push(repo)).toMatchObject({ code: 0 });
    await undoAll(applied);
    expect(await userState(repo)).toEqual(before);
  }

  async function undoAll(expected: FixId[]): Promise<void> {
    for (const id of expected) {
      const undone = await undoLastFix(ctx);
      expect(undone, undone.message).toMatchObject({ undone: true, fixId: id });
      expectNoSecrets(undone);
    }
    expect(await fixHistory(ctx)).toEqual([]);
  }

  it('app password in a plain-text store: clear, then save a new token; push works; undo gives back every byte', async () => {
    const repo = await cloudRepo('jdoe', 'store');
    const host = new URL(server.url).host.replace(':', '%3a');
    const storeFile = path.join(bed.home.dir, '.git-credentials');
    const others = [`https://gh:${GITHUB_TOKEN}@github.com`, `http://ci-bot:${OTHER_USER_PASSWORD}@${host}`];
    // 0600, as git's store creates it (and sets it again whenever it rewrites the file).
    await writeFile(storeFile, [others[0], `http://jdoe:${APP_PASSWORD}@${host}`, others[1], `http://jdoe:${APP_PASSWORD}@${host}`, ''].join('\n'), { mode: 0o600 });
    const before = await userState(repo);

    expect(await findings(repo)).toContain('https.app-password');
    expect((await offered(repo, 'https.app-password'))[0]).toBe('credential.clear');
    const plan = await describeFix(ctx, 'credential.clear', await resolveFixScope(ctx, repo));
    expect(plan.changes).toEqual([{ target: `${storeFile} (lines 2, 4)`, action: `Remove the saved credential jdoe@${new URL(server.url).host} (app password ATBB…3cD5)` }]);

    const cleared = await apply(repo, 'credential.clear');
    expect(cleared).toMatchObject({ applied: true, changed: [storeFile] });
    // Every jdoe line for that host went (the duplicate too); the other host and the other user kept their bytes.
    expect(await readFile(storeFile, 'utf8')).toBe(`${others[0]}\n${others[1]}\n`);
    expect(await apply(repo, 'credential.clear')).toMatchObject({ applied: true, changed: [] });
    const codes = await findings(repo);
    expect(codes).not.toContain('https.app-password');
    expect(codes).toContain('https.no-cached-credential');
    expect(await push(repo)).toMatchObject({ code: 128 });

    const saved = await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN });
    expect(saved).toMatchObject({ applied: true, changed: [storeFile] });
    expect(saved.message).toMatch(/^Bitbucket accepted the token ATAT…9C0D for reading and pushing; saved it for jdoe@127\.0\.0\.1:\d+ in the plain-text store/);
    expect(await findings(repo)).toEqual(['https.plaintext-store', 'https.ok']);
    const afterSave = await userState(repo);
    // Applying it again with the same token changes nothing.
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({ applied: true, changed: [] });
    expect(await userState(repo)).toEqual(afterSave);

    // A real push; git then stores the credential itself, and writes the very same line.
    expect(await push(repo)).toMatchObject({ code: 0 });
    expect(await userState(repo)).toEqual(afterSave);

    await undoAll(['credential.save-token', 'credential.clear']);
    expect(await userState(repo)).toEqual(before);
  });

  it(`app password in the ${KEEPER} helper: clear, save-token, push, undo; its other entries untouched, the undo copy stays in it`, async () => {
    const repo = await cloudRepo('jdoe', KEEPER);
    const host = new URL(server.url).host;
    await approve(repo, 'jdoe', APP_PASSWORD);
    await homeGit(bed.home, [`credential-${KEEPER}`, 'store'], repo, `protocol=https\nhost=github.com\nusername=gh\npassword=${GITHUB_TOKEN}\n\n`);
    await homeGit(bed.home, [`credential-${KEEPER}`, 'store'], repo, `protocol=http\nhost=${host}\nusername=ci-bot\npassword=${OTHER_USER_PASSWORD}\n\n`);
    const before = await userState(repo);

    expect(await findings(repo)).toEqual(['https.app-password']);
    expect(await apply(repo, 'credential.clear')).toMatchObject({ applied: true, changed: [`saved credential jdoe@${host} (helper ${KEEPER})`] });
    expect(await kept(repo, host, 'jdoe')).toBeNull();
    expect(await kept(repo, host, 'ci-bot')).toBe(`ci-bot:${OTHER_USER_PASSWORD}`);
    expect((await homeGit(bed.home, [`credential-${KEEPER}`, 'get'], repo, 'protocol=https\nhost=github.com\nusername=gh\n\n')).stdout).toContain(`password=${GITHUB_TOKEN}`);
    // The removed password stays in the helper it came from (not in the state folder), under a name git never asks for.
    expect(await bed.stateBytes()).not.toContain(APP_PASSWORD);
    if (MACHINE.keyring) {
      const items = await bed.keyringSecrets();
      expect(items.filter((i) => !i.label.includes(UNDO_HOST_SUFFIX)).map((i) => i.secret).sort()).toEqual([GITHUB_TOKEN, OTHER_USER_PASSWORD].sort());
      expect(items.filter((i) => i.label.includes(UNDO_HOST_SUFFIX)).map((i) => i.secret)).toEqual([APP_PASSWORD]);
    }

    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({ applied: true });
    await pushWorksThenUndo(repo, before, ['credential.save-token', 'credential.clear']);
    expect(await kept(repo, host, 'jdoe')).toBe(`jdoe:${APP_PASSWORD}`);
    if (MACHINE.keyring) expect((await bed.keyringSecrets()).filter((i) => i.label.includes(UNDO_HOST_SUFFIX))).toEqual([]);
  });

  it("Git Credential Manager, through the helper protocol: clear, save-token with GCM's re-validation switched off for this site", async () => {
    await installGcmStandIn(bed.home);
    const repo = await cloudRepo('jdoe', 'manager');
    await approve(repo, 'jdoe', APP_PASSWORD);
    const before = await userState(repo);
    const host = new URL(server.url).host;
    expect(await findings(repo)).toEqual(['https.app-password']);
    expect(await apply(repo, 'credential.clear')).toMatchObject({ applied: true, changed: [`saved credential jdoe@${host} (helper manager)`] });
    const plan = await describeFix(ctx, 'credential.save-token', await resolveFixScope(ctx, repo));
    expect(plan.changes.map((c) => c.action)).toContain(`Set credential.http://${host}.bitbucketValidateStoredCredentials = false (Git Credential Manager's check of stored credentials rejects API tokens)`);
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({
      applied: true,
      changed: [`saved credential jdoe@${host} (helper manager)`, path.join(bed.home.dir, '.gitconfig')],
    });
    // Without the setting this would also report https.gcm-revalidation.
    await pushWorksThenUndo(repo, before, ['credential.save-token', 'credential.clear']);
  });

  it('email as the username in the URL: use the token username, save the token, push, undo', async () => {
    const repo = await cloudRepo('jane.doe%40example.com', KEEPER);
    await bed.route(server, 'x-bitbucket-api-token-auth');
    await approve(repo, 'jane.doe@example.com', NEW_TOKEN);
    const before = await userState(repo);
    expect(await findings(repo)).toContain('remote.username-is-email');
    expect(await offered(repo, 'remote.username-is-email')).toEqual(['remote.use-token-username', 'remote.set-username']);

    const plan = await describeFix(ctx, 'remote.use-token-username', await resolveFixScope(ctx, repo));
    expect(plan.changes).toEqual([
      {
        target: path.join(await realRepo(repo), '.git', 'config'),
        action: 'Change remote.origin.url from https://jane.doe%40example.com@bitbucket.org/acme/widgets.git → https://x-bitbucket-api-token-auth@bitbucket.org/acme/widgets.git',
      },
    ]);
    expect(await apply(repo, 'remote.use-token-username')).toMatchObject({ applied: true });
    expect(await apply(repo, 'remote.use-token-username')).toMatchObject({ applied: true, changed: [] });
    expect(await findings(repo)).not.toContain('remote.username-is-email');

    // The email-keyed entry is not what git asks for any more: the token goes in under the fixed username.
    const refused = await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN });
    expect(refused.applied).toBe(false);
    expect(refused.message).toContain('git asks for the credential of "x-bitbucket-api-token-auth"');
    expect(await apply(repo, 'credential.save-token', { username: 'x-bitbucket-api-token-auth', token: NEW_TOKEN })).toMatchObject({ applied: true });
    await pushWorksThenUndo(repo, before, ['credential.save-token', 'remote.use-token-username']);
  });

  it('email as the username in the URL: set the real username instead (needs input, refuses an email)', async () => {
    const repo = await cloudRepo('jane.doe%40example.com', KEEPER);
    await bed.route(server, 'jdoe');
    const before = await userState(repo);
    const plan = await describeFix(ctx, 'remote.set-username', await resolveFixScope(ctx, repo));
    expect(plan).toMatchObject({ applicable: true, inputs: ['username'] });
    expect(plan.changes[0]!.action).toContain('→ https://YOUR-BITBUCKET-USERNAME@bitbucket.org/acme/widgets.git');
    expect(await apply(repo, 'remote.set-username')).toMatchObject({ applied: false, message: 'This fix needs: username.' });
    expect(await apply(repo, 'remote.set-username', { username: 'jane@example.com' })).toMatchObject({ applied: false, message: expect.stringMatching(/email address.*Nothing was changed\.$/) });
    expect(await userState(repo)).toEqual(before);

    expect(await apply(repo, 'remote.set-username', { username: 'jdoe' })).toMatchObject({ applied: true });
    expect(await apply(repo, 'remote.set-username', { username: 'jdoe' })).toMatchObject({ applied: true, changed: [] });
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('https://jdoe@bitbucket.org/acme/widgets.git\n');
    expect(await findings(repo)).not.toContain('remote.username-is-email');
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({ applied: true });
    await pushWorksThenUndo(repo, before, ['credential.save-token', 'remote.set-username']);
  });

  it('email as the cached username: save the token with the Bitbucket username, replacing the stale entry in one transaction', async () => {
    const repo = await cloudRepo(undefined, KEEPER);
    await approve(repo, 'jane.doe@example.com', NEW_TOKEN);
    const before = await userState(repo);
    expect(await findings(repo)).toEqual(['https.cached-username-is-email']);
    expect((await offered(repo, 'https.cached-username-is-email'))[0]).toBe('credential.save-token');
    const plan = await describeFix(ctx, 'credential.save-token', await resolveFixScope(ctx, repo));
    expect(plan.changes.map((c) => c.action)).toEqual([
      `Replace the saved credential jane.doe@example.com@${new URL(server.url).host} (API token ATAT…9C0D)`,
      `Save your username and the new token for ${new URL(server.url).host}, once Bitbucket accepted it for reading and pushing`,
    ]);
    expect(await apply(repo, 'credential.save-token', { username: 'jane.doe@example.com', token: NEW_TOKEN })).toMatchObject({ applied: false, message: expect.stringContaining('is an email address') });
    const saved = await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN });
    expect(saved.changed).toEqual([`saved credential jane.doe@example.com@${new URL(server.url).host} (helper ${KEEPER})`, `saved credential jdoe@${new URL(server.url).host} (helper ${KEEPER})`]);
    await pushWorksThenUndo(repo, before, ['credential.save-token']);
  });

  it('access token saved with a personal username: saved again with x-token-auth', async () => {
    const repo = await cloudRepo(undefined, 'store');
    await approve(repo, 'jdoe', ACCESS_TOKEN);
    const before = await userState(repo);
    expect(await findings(repo)).toEqual(['https.access-token-username', 'https.plaintext-store']);
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: ACCESS_TOKEN })).toMatchObject({
      applied: false,
      message: 'Not applied: This is an access token (ATCT…): git must send it with the username x-token-auth, not "jdoe". Nothing was changed.',
    });
    expect(await userState(repo)).toEqual(before);
    expect(await apply(repo, 'credential.save-token', { username: 'x-token-auth', token: ACCESS_TOKEN })).toMatchObject({ applied: true });
    await pushWorksThenUndo(repo, before, ['credential.save-token'], ['https.plaintext-store', 'https.ok']);
  });

  it('token without the write scope: a read-only token is refused after its real test; a new one is saved', async () => {
    const repo = await cloudRepo(undefined, KEEPER);
    await approve(repo, 'jdoe', READ_ONLY_TOKEN);
    const before = await userState(repo);
    expect(await findings(repo)).toEqual(['https.missing-scope']);
    const requests = server.requests.length;
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: READ_ONLY_TOKEN })).toMatchObject({
      applied: false,
      message:
        'Not applied: Bitbucket did not accept the token for pushing: the token lacks a required scope (HTTP 403); create a token with both read:repository:bitbucket and write:repository:bitbucket. Nothing was changed.',
    });
    // It was really asked, for reading and for pushing.
    expect(server.requests.slice(requests).map((r) => r.service)).toEqual(expect.arrayContaining(['git-upload-pack', 'git-receive-pack']));
    expect(await userState(repo)).toEqual(before);
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({ applied: true });
    await pushWorksThenUndo(repo, before, ['credential.save-token']);
  });

  it(SECURE ? 'a secret in the URL: the working token moves into the keychain first, the URL is cleaned, push keeps working' : 'a secret in the URL, no keychain: the URL is cleaned, its old bytes kept for undo in a 0600 file, undo gives them back', async () => {
    const userinfo = `jdoe:${URL_TOKEN}`;
    const repo = await cloudRepo(userinfo, KEEPER);
    await bed.route(server, 'jdoe');
    const before = await userState(repo);
    expect(before.config).toContain(URL_TOKEN);
    const codes = await findings(repo);
    expect(codes).toContain('remote.secret-in-url');
    expect(await offered(repo, 'remote.secret-in-url')).toEqual(['remote.remove-secret']);

    const plan = await describeFix(ctx, 'remote.remove-secret', await resolveFixScope(ctx, repo));
    expect(plan.changes[0]!.action).toBe('Change remote.origin.url from https://jdoe:ATAT…1234@bitbucket.org/acme/widgets.git → https://jdoe@bitbucket.org/acme/widgets.git');
    const removed = await apply(repo, 'remote.remove-secret');
    expect(removed.applied).toBe(true);
    expect(removed.message).toBe(
      SECURE
        ? 'Removed the password or token from the URLs of origin. It still works, so it was saved in the Secret Service keyring (libsecret) first: pushing keeps working.'
        : 'Removed the password or token from the URLs of origin. No system keychain helper is configured to keep it: run credential.use-secure-helper, then credential.save-token.',
    );
    expect(await readFile(path.join(repo, '.git', 'config'), 'utf8')).not.toContain(URL_TOKEN);
    // The old config came from a plain-text file: its bytes are kept for undo in a 0600 file of the state folder, nowhere else.
    expect(await bed.stateBytes({ exceptUndoSecrets: true })).not.toContain('PlantedFixUrlToken');
    expect(await bed.undoSecretTexts()).toEqual([expect.stringContaining(URL_TOKEN)]);
    expect(await findings(repo)).toEqual(SECURE ? ['https.ok'] : ['https.no-cached-credential']);
    expect(await apply(repo, 'remote.remove-secret')).toMatchObject({ applied: true, changed: [] });
    expect(await push(repo)).toMatchObject({ code: SECURE ? 0 : 128 });

    await undoAll(['remote.remove-secret']);
    expect(await userState(repo)).toEqual(before);
    expect(await bed.undoSecretTexts()).toEqual([]);
  });

  it(SECURE ? 'no helper at all: saving the token configures the secure helper for this site only, so the next push works' : 'no helper at all, no keyring: saving the token says in one sentence what to do and changes nothing', async () => {
    const repo = await cloudRepo('jdoe');
    const before = await userState(repo);
    expect(await findings(repo)).toEqual(['https.no-cached-credential', 'https.no-helper']);
    if (!SECURE) {
      await refusedForNoKeyring(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN });
      expect((await describeFix(ctx, 'credential.save-token', await resolveFixScope(ctx, repo))).reason).toMatch(/^No credential helper is configured to remember a token, and no keyring is reachable/);
      return;
    }
    const plan = await describeFix(ctx, 'credential.save-token', await resolveFixScope(ctx, repo));
    const site = `http://${new URL(server.url).host}`;
    expect(plan.changes[0]).toEqual({ target: path.join(bed.home.dir, '.gitconfig'), action: `Add credential.${site}.helper = "" (drops the helpers configured before it for this site) and credential.${site}.helper = libsecret` });
    expect(plan.details.join('\n')).toContain('No credential helper is configured, so git could not remember the token');

    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({ applied: true });
    expect(await bed.home.git(['config', '--global', '--get-all', `credential.${site}.helper`])).toBe('\nlibsecret\n');
    await pushWorksThenUndo(repo, before, ['credential.save-token']);
  });

  it.each([
    ['no helper', null, 'https.no-helper'],
    ['a helper that is not installed', 'manager-core', 'https.helper-missing'],
  ] as const)(`%s: use-secure-helper ${SECURE ? 'first, then save-token; push works; undo' : 'says in one sentence why not and changes nothing'}`, async (_name, helper, code) => {
    const repo = await cloudRepo('jdoe', helper);
    const before = await userState(repo);
    expect(await findings(repo)).toContain(code);
    expect(await offered(repo, code)).toContain('credential.use-secure-helper');
    if (!SECURE) return refusedForNoKeyring(repo, 'credential.use-secure-helper');
    expect(await apply(repo, 'credential.use-secure-helper')).toMatchObject({ applied: true, changed: [path.join(bed.home.dir, '.gitconfig')] });
    expect(await apply(repo, 'credential.use-secure-helper')).toMatchObject({ applied: true, changed: [] });
    expect(await findings(repo)).not.toContain(code);
    expect(await apply(repo, 'credential.save-token', { username: 'jdoe', token: NEW_TOKEN })).toMatchObject({ applied: true, changed: [`saved credential jdoe@${new URL(server.url).host} (helper libsecret)`] });
    await pushWorksThenUndo(repo, before, ['credential.save-token', 'credential.use-secure-helper']);
  });

  it(SECURE ? 'plain-text store: the secure helper takes over for Bitbucket only, the credential moves out of the file' : 'plain-text store, no keyring: use-secure-helper leaves the file as it is and says why in one sentence', async () => {
    const repo = await cloudRepo(undefined, 'store');
    await approve(repo, 'jdoe', NEW_TOKEN);
    const storeFile = path.join(bed.home.dir, '.git-credentials');
    const github = `https://gh:${GITHUB_TOKEN}@github.com\n`;
    await writeFile(storeFile, `${github}${await readFile(storeFile, 'utf8')}`);
    await bed.home.git(['config', '--global', 'url.https://example.com/.insteadOf', 'ex:']);
    const before = await userState(repo);
    expect(await findings(repo)).toEqual(['https.plaintext-store', 'https.ok']);
    if (!SECURE) return refusedForNoKeyring(repo, 'credential.use-secure-helper');

    const applied = await apply(repo, 'credential.use-secure-helper');
    expect(applied.applied).toBe(true);
    expect(applied.changed).toEqual([`saved credential jdoe@${new URL(server.url).host} (helper libsecret)`, storeFile, path.join(bed.home.dir, '.gitconfig')]);
    expect(await readFile(storeFile, 'utf8')).toBe(github);
    expect(await apply(repo, 'credential.use-secure-helper')).toMatchObject({ applied: true, changed: [] });
    expect(await findings(repo)).toEqual(['https.ok']);
    // Other hosts still use the store.
    const github2 = await homeGit(bed.home, ['credential', 'fill'], repo, 'url=https://github.com/x/y.git\n\n');
    expect(github2.stdout).toContain('username=gh');
    expect(await push(repo)).toMatchObject({ code: 0 });

    await undoAll(['credential.use-secure-helper']);
    expect(await userState(repo)).toEqual(before);
  });

  async function realRepo(repo: string): Promise<string> {
    return (await bed.home.git(['rev-parse', '--show-toplevel'], repo)).trim();
  }
});

describe(`save-token and use-secure-helper in a home without a keyring [${MACHINE.name}]`, () => {
  let bed: FixBed;
  beforeEach(async () => {
    bed = await createFixBed({ keyring: false });
  });
  afterEach(async () => {
    await bed.cleanup();
  });

  it('refuses with the exact next step instead of saving where git would not look', async () => {
    const server = await bed.serve({ accounts: ACCOUNTS, repos: REPOS });
    await bed.route(server);
    const repo = await bed.home.repo();
    await bed.home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    const ctx = bed.ctx();
    const scope = await resolveFixScope(ctx, repo);
    const plan = await describeFix(ctx, 'credential.save-token', scope);
    expect(plan.applicable).toBe(false);
    expect(plan.reason).toMatch(new RegExp(`^No credential helper is configured to remember a token, and n${NO_KEYRING_TAIL}`));
    expect((await applyFix(ctx, 'credential.save-token', scope, { username: 'jdoe', token: NEW_TOKEN })).applied).toBe(false);
    expect((await describeFix(ctx, 'credential.use-secure-helper', scope)).reason).toMatch(new RegExp(`^N${NO_KEYRING_TAIL}`));
  });
});
