import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { FixInput, FixResult } from '../../app/contract/fixes.js';
import type { FixId } from '../../app/contract/report.js';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { LINKS, SCOPE_REPO_READ, SCOPE_REPO_WRITE } from '../../app/facts/bitbucket.js';
import { applyFix, describeFix, undoLastFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { createFixBed, type FixBed } from '../support/fix-bed.js';
import { approveCredential, homeGit } from '../support/https-home.js';

const URL_TOKEN = 'ATATT3xFfGF0PlantedRuleToken_Zz9Yy8Xx7Ww6Vv5Uu4=ABCD1234';
const API_TOKEN = 'ATATT3xFfGF0PlantedHttpsToken_Mm1Nn2Oo3Pp4Qq5Rr6=7A8B9C0D';


let bed: FixBed;
let ctx: EngineContext;
beforeEach(async () => {
  bed = await createFixBed({ keyring: false });
  ctx = bed.ctx();
});
afterEach(async () => {
  await bed.cleanup();
});

async function repoWith(url: string, pushUrl?: string): Promise<string> {
  const repo = await bed.home.repo();
  await bed.home.git(['remote', 'add', 'origin', url], repo);
  if (pushUrl) await bed.home.git(['config', 'remote.origin.pushurl', pushUrl], repo);
  return repo;
}

async function apply(repo: string, id: FixId, input: FixInput = {}): Promise<FixResult> {
  const result = await applyFix(ctx, id, await resolveFixScope(ctx, repo), input);
  expect(JSON.stringify(result)).not.toContain('Planted');
  return result;
}

const plan = async (repo: string, id: FixId) => describeFix(ctx, id, await resolveFixScope(ctx, repo));
const config = (repo: string) => readFile(path.join(repo, '.git', 'config'), 'utf8');
const codes = async (repo: string) => (await diagnose(bed.ctx(), repo, { offline: true })).findings.map((f) => f.code);

async function undoOnce(id: FixId): Promise<void> {
  const undone = await undoLastFix(ctx);
  expect(undone, undone.message).toMatchObject({ undone: true, fixId: id });
}

describe('remote.use-ssh-host', () => {
  it('moves git@bitbucket.org: to ssh.bitbucket.org, changing one line of .git/config; idempotent; undo is exact', async () => {
    const repo = await repoWith('git@bitbucket.org:acme/widgets.git');
    await appendFile(path.join(repo, '.git', 'config'), '# my own comment\n[branch "main"]\n\tremote = origin\n\tmerge = refs/heads/main\n');
    const before = await bed.userTree();
    const text = await config(repo);
    expect(await codes(repo)).toContain('remote.legacy-ssh-host');

    expect((await plan(repo, 'remote.use-ssh-host')).changes).toEqual([
      { target: path.join(repo, '.git', 'config'), action: 'Change remote.origin.url from git@bitbucket.org:acme/widgets.git → git@ssh.bitbucket.org:acme/widgets.git' },
    ]);
    expect(await apply(repo, 'remote.use-ssh-host')).toMatchObject({ applied: true, changed: [path.join(repo, '.git', 'config')], message: 'origin now uses ssh.bitbucket.org.' });
    expect(await config(repo)).toBe(text.replace('url = git@bitbucket.org:', 'url = git@ssh.bitbucket.org:'));
    expect(await codes(repo)).not.toContain('remote.legacy-ssh-host');
    const after = await bed.userTree();
    expect(await apply(repo, 'remote.use-ssh-host')).toMatchObject({ applied: true, changed: [], message: 'origin already uses ssh.bitbucket.org.' });
    expect(await bed.userTree()).toEqual(after);

    await undoOnce('remote.use-ssh-host');
    expect(await bed.userTree()).toEqual(before);
  });

  it('changes the rewrite rule when the old host comes from it (url.git@bitbucket.org:.insteadOf bb:)', async () => {
    await bed.home.git(['config', '--global', 'url.git@bitbucket.org:.insteadOf', 'bb:']);
    await bed.home.git(['config', '--global', 'url.https://example.com/.insteadOf', 'ex:']);
    const repo = await repoWith('bb:acme/widgets.git');
    const before = await bed.userTree();
    const gitconfig = await readFile(path.join(bed.home.dir, '.gitconfig'), 'utf8');
    expect(await codes(repo)).toContain('remote.legacy-ssh-host');

    const planned = await plan(repo, 'remote.use-ssh-host');
    expect(planned.changes).toEqual([
      {
        target: path.join(bed.home.dir, '.gitconfig'),
        action: 'Change the rewrite rule [url "git@bitbucket.org:"] (insteadOf bb:) to [url "git@ssh.bitbucket.org:"]; it applies to every URL that starts with bb:',
      },
    ]);
    expect(await apply(repo, 'remote.use-ssh-host')).toMatchObject({ applied: true, changed: [path.join(bed.home.dir, '.gitconfig')] });
    expect(await readFile(path.join(bed.home.dir, '.gitconfig'), 'utf8')).toBe(gitconfig.replace('[url "git@bitbucket.org:"]', '[url "git@ssh.bitbucket.org:"]'));
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('bb:acme/widgets.git\n');
    expect(await bed.home.git(['remote', 'get-url', 'origin'], repo)).toBe('git@ssh.bitbucket.org:acme/widgets.git\n');
    expect(await apply(repo, 'remote.use-ssh-host')).toMatchObject({ applied: true, changed: [] });
    await undoOnce('remote.use-ssh-host');
    expect(await bed.userTree()).toEqual(before);
  });

  it('fixes the fetch url and the pushurl alike, in their own forms', async () => {
    const repo = await repoWith('ssh://git@bitbucket.org/acme/widgets.git', 'git@bitbucket.org:acme/widgets.git');
    await apply(repo, 'remote.use-ssh-host');
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('ssh://git@ssh.bitbucket.org/acme/widgets.git\n');
    expect(await bed.home.git(['config', 'remote.origin.pushurl'], repo)).toBe('git@ssh.bitbucket.org:acme/widgets.git\n');
  });

  it('does not apply to an ssh config alias, and says where to change it', async () => {
    await bed.home.writeSshConfig('Host bb\n  HostName bitbucket.org\n  User git\n');
    const repo = await repoWith('bb:acme/widgets.git');
    const planned = await plan(repo, 'remote.use-ssh-host');
    expect(planned).toMatchObject({ applicable: false, reason: 'ssh reaches bitbucket.org through the host "bb" of your ssh config: change its HostName to ssh.bitbucket.org there.' });
  });
});

describe('remote.use-ssh and remote.use-https', () => {
  it('switches only the pushurl when push uses one', async () => {
    const repo = await repoWith('https://bitbucket.org/acme/widgets.git', 'https://jdoe@bitbucket.org/acme/widgets.git');
    const before = await bed.userTree();
    expect((await plan(repo, 'remote.use-ssh')).changes).toEqual([
      { target: path.join(repo, '.git', 'config'), action: 'Change remote.origin.pushurl from https://jdoe@bitbucket.org/acme/widgets.git → git@ssh.bitbucket.org:acme/widgets.git' },
    ]);
    await apply(repo, 'remote.use-ssh');
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('https://bitbucket.org/acme/widgets.git\n');
    expect(await bed.home.git(['config', 'remote.origin.pushurl'], repo)).toBe('git@ssh.bitbucket.org:acme/widgets.git\n');
    expect(await apply(repo, 'remote.use-ssh')).toMatchObject({ applied: true, changed: [], message: 'origin already pushes over SSH.' });
    await undoOnce('remote.use-ssh');
    expect(await bed.userTree()).toEqual(before);
  });

  it('never passes a secret to git: a URL fix refuses while another push URL holds a token', async () => {
    const repo = await repoWith('git@bitbucket.org:acme/widgets.git', 'git@bitbucket.org:acme/widgets.git');
    await bed.home.git(['config', '--add', 'remote.origin.pushurl', `https://jdoe:${URL_TOKEN}@bitbucket.org/acme/mirror.git`], repo);
    const before = await bed.userTree();
    const planned = await plan(repo, 'remote.use-ssh-host');
    expect(planned).toMatchObject({ applicable: false, reason: 'another URL in remote.origin.pushurl holds a password or token: take it out first (remote.remove-secret).' });
    expect(JSON.stringify(planned)).not.toContain('Planted');
    expect(await apply(repo, 'remote.use-ssh-host')).toMatchObject({ applied: false, changed: [] });
    expect(await bed.userTree()).toEqual(before);
  });

  it('leaves a remote alone whose pushes already go over SSH through pushInsteadOf', async () => {
    await bed.home.git(['config', '--global', 'url.git@ssh.bitbucket.org:.pushInsteadOf', 'https://bitbucket.org/']);
    const repo = await repoWith('https://bitbucket.org/acme/widgets.git');
    const before = await bed.userTree();
    expect(await apply(repo, 'remote.use-ssh')).toMatchObject({ applied: true, changed: [], message: 'origin already pushes over SSH.' });
    expect(await bed.userTree()).toEqual(before);
  });

  it('Data Center: HTTPS → ssh://git@host:7999/proj/repo.git, with a word about the port', async () => {
    const repo = await repoWith('https://git.corp.example/bitbucket/scm/PROJ/widgets.git');
    const planned = await plan(repo, 'remote.use-ssh');
    expect(planned.changes[0]!.action).toBe('Change remote.origin.url from https://git.corp.example/bitbucket/scm/PROJ/widgets.git → ssh://git@git.corp.example:7999/proj/widgets.git');
    expect(planned.details.join('\n')).toContain("Data Center's SSH port is 7999 unless your administrator changed it");
    await apply(repo, 'remote.use-ssh');
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('ssh://git@git.corp.example:7999/proj/widgets.git\n');
  });

  it('Data Center: SSH → HTTPS only when the server address can be derived', async () => {
    const sshOnly = await repoWith('ssh://git@git.corp.example:7999/proj/widgets.git');
    expect(await plan(sshOnly, 'remote.use-https')).toMatchObject({
      applicable: false,
      reason: expect.stringMatching(/^Data Center's HTTPS address \(its port and context path\) cannot be derived from an SSH URL: copy the HTTPS URL from the repository's Clone button/),
    });
    expect(await apply(sshOnly, 'remote.use-https')).toMatchObject({ applied: false });

    const mixed = await bed.home.repo('mixed');
    await bed.home.git(['remote', 'add', 'origin', 'https://git.corp.example:8443/bitbucket/scm/PROJ/widgets.git'], mixed);
    await bed.home.git(['config', 'remote.origin.pushurl', 'ssh://git@git.corp.example:7999/proj/widgets.git'], mixed);
    await apply(mixed, 'remote.use-https');
    expect(await bed.home.git(['config', 'remote.origin.pushurl'], mixed)).toBe('https://git.corp.example:8443/bitbucket/scm/proj/widgets.git\n');
  });

  it('Cloud: an SSH remote without a key switches to HTTPS and a real push works with the saved token', async () => {
    const server = await bed.serve({ accounts: [{ username: 'jdoe', secret: API_TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    await bed.route(server);
    await bed.home.git(['config', '--global', 'credential.helper', 'store']);
    const repo = await repoWith('git@ssh.bitbucket.org:acme/widgets.git');
    await approveCredential(bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', API_TOKEN);
    const before = await bed.userTree();
    expect(await apply(repo, 'remote.use-https')).toMatchObject({ applied: true, message: 'origin now pushes over HTTPS.' });
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('https://bitbucket.org/acme/widgets.git\n');
    const report = await diagnose(bed.ctx(), repo);
    expect(report.findings.map((f) => f.code)).toContain('https.ok');
    expect(await homeGit(bed.home, ['push', '-q', 'origin', 'HEAD:refs/heads/from-test'], repo)).toMatchObject({ code: 0 });
    await undoOnce('remote.use-https');
    const after = await bed.userTree();
    for (const key of Object.keys(after)) if (key.startsWith('work/.git/') && !key.endsWith('config')) delete after[key];
    for (const key of Object.keys(before)) if (key.startsWith('work/.git/') && !key.endsWith('config')) delete before[key];
    expect(after).toEqual(before);
  });
});

describe('remote.remove-secret on a rewrite rule', () => {
  it('takes the token out of the rule name without putting it on a command line; the old bytes are kept in a 0600 file of the state folder', async () => {
    await bed.home.git(['config', '--global', `url.https://jdoe:${URL_TOKEN}@bitbucket.org/.insteadOf`, 'bb:']);
    const repo = await repoWith('bb:acme/widgets.git');
    const before = await bed.userTree();
    const gitconfig = await readFile(path.join(bed.home.dir, '.gitconfig'), 'utf8');
    const report = await diagnose(bed.ctx(), repo, { offline: true });
    expect(report.findings.map((f) => f.code)).toContain('remote.secret-in-url');

    const planned = await plan(repo, 'remote.remove-secret');
    expect(planned.changes[0]!.action).toBe('Change the rewrite rule [url "https://jdoe:ATAT…1234@bitbucket.org/"] (insteadOf bb:) to [url "https://jdoe@bitbucket.org/"]; it applies to every URL that starts with bb:');
    const removed = await apply(repo, 'remote.remove-secret');
    expect(removed.message).toBe(
      'Removed the password or token from the URLs of origin. No system keychain helper is configured to keep it: run credential.use-secure-helper, then credential.save-token.',
    );
    expect(await readFile(path.join(bed.home.dir, '.gitconfig'), 'utf8')).toBe(gitconfig.replace(`https://jdoe:${URL_TOKEN}@`, 'https://jdoe@'));
    expect(await bed.stateBytes({ exceptUndoSecrets: true })).not.toContain('PlantedRuleToken');
    expect(await bed.undoSecretTexts()).toEqual([gitconfig]);
    await bed.expectPrivateState();
    expect((await diagnose(bed.ctx(), repo, { offline: true })).findings.map((f) => f.code)).not.toContain('remote.secret-in-url');
    await undoOnce('remote.remove-secret');
    expect(await bed.userTree()).toEqual(before);
  });
});

describe('open.* pages change nothing and name the page and the steps', () => {
  it('repository page for Cloud and Data Center, the token page with its scopes, the SSH keys page', async () => {
    const cloud = await repoWith('git@ssh.bitbucket.org:acme/widgets.git');
    const before = await bed.userTree();
    expect(await apply(cloud, 'open.repository-page')).toMatchObject({ applied: true, changed: [], url: 'https://bitbucket.org/acme/widgets' });

    const token = await plan(cloud, 'open.api-token-page');
    expect(token).toMatchObject({ applicable: true, url: LINKS.createApiToken, changes: [] });
    expect(token.manualSteps.join('\n')).toContain(`${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}`);
    expect(token.manualSteps.join('\n')).toContain('credential.save-token');
    expect(await apply(cloud, 'open.api-token-page')).toMatchObject({ applied: true, changed: [], url: LINKS.createApiToken });

    const keys = await plan(cloud, 'open.ssh-keys-page');
    expect(keys).toMatchObject({ url: LINKS.sshKeys });
    expect(keys.manualSteps.join('\n')).toMatch(/Add key[\s\S]*label[\s\S]*Paste/);
    expect(await bed.userTree()).toEqual(before);

    const dc = await bed.home.repo('dc');
    await bed.home.git(['remote', 'add', 'origin', 'https://git.corp.example/bitbucket/scm/PROJ/widgets.git'], dc);
    expect((await plan(dc, 'open.repository-page')).url).toBe('https://git.corp.example/bitbucket/projects/PROJ/repos/widgets');

    const none = await bed.home.repo('none');
    expect(await plan(none, 'open.repository-page')).toMatchObject({ applicable: true, url: 'https://bitbucket.org/' });
  });
});
