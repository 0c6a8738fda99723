import { beforeEach, describe, expect, it } from 'vitest';
import { fillCredential, withoutPassword } from '../../app/credentials/fill.js';
import type { TestHome } from '../support/home.js';
import { approveCredential, homeGit, useHttpsTestBed } from '../support/https-home.js';
import { snapshotTree } from '../support/tree.js';
import { keyringUnavailableReason, useKeyringHome } from '../support/keyring.js';

const URL = 'https://bitbucket.org/acme/widgets.git';
const TOKEN = 'ATATT3xFfGF0PlantedFillToken_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8=0F1E2D3C';

const bed = useHttpsTestBed();
let home: TestHome;
beforeEach(() => {
  home = bed.home;
});

describe('fillCredential', () => {
  it('returns what the store helper saved, as a registered Secret, with its kind', async () => {
    const repo = await home.repo();
    await home.git(['config', '--global', 'credential.helper', 'store']);
    await approveCredential(home, repo, 'https://bitbucket.org', 'jdoe', TOKEN);
    const ctx = home.context();
    const result = await fillCredential(ctx, repo, URL);
    expect(result).toMatchObject({ status: 'found', username: 'jdoe', helpersRun: 1 });
    expect(result.credential).toMatchObject({ username: 'jdoe', usernameKind: 'username', secretKind: { kind: 'api-token' } });
    expect(result.credential!.secret.masked).toBe('ATAT…2D3C');
    expect(ctx.secrets.redact(`token ${TOKEN}`)).toBe('token ATAT…2D3C');
    expect(JSON.stringify(result)).not.toContain('PlantedFillToken');
  });

  it('counts the helpers git asked before one answered', async () => {
    const repo = await home.repo();
    await home.git(['config', '--global', '--add', 'credential.helper', 'cache']);
    await home.git(['config', '--global', '--add', 'credential.helper', 'store --file ~/.bb-credentials']);
    await home.git(['config', '--global', '--add', 'credential.helper', 'cache --timeout 60']);
    const store = await homeGit(home, ['credential-store', '--file', `${home.dir}/.bb-credentials`, 'store'], repo, `protocol=https\nhost=bitbucket.org\nusername=jdoe\npassword=${TOKEN}\n\n`);
    expect(store.code).toBe(0);
    const result = await fillCredential(home.context(), repo, URL);
    expect(result).toMatchObject({ status: 'found', helpersRun: 2 });
  });

  it('answers through the cache helper and its daemon', async () => {
    const repo = await home.repo();
    await home.git(['config', '--global', 'credential.helper', 'cache']);
    await approveCredential(home, repo, 'https://bitbucket.org', 'x-bitbucket-api-token-auth', TOKEN);
    const result = await fillCredential(home.context(), repo, URL);
    expect(result.credential).toMatchObject({ username: 'x-bitbucket-api-token-auth', usernameKind: 'api-token-static' });
  });

  it('says none, without prompting, when no helper has anything', async () => {
    const repo = await home.repo();
    const result = await fillCredential(home.context(), repo, URL);
    expect(result).toMatchObject({ status: 'none', credential: null, username: null, helpersRun: 0 });
  });

  it('keeps the username git knows when only the password is missing', async () => {
    const repo = await home.repo();
    await home.git(['config', 'credential.username', 'jdoe'], repo);
    expect(await fillCredential(home.context(), repo, URL)).toMatchObject({ status: 'username-only', username: 'jdoe' });
    expect(await fillCredential(home.context(), repo, 'https://jane.doe%40example.com@bitbucket.org/acme/w.git')).toMatchObject({ status: 'username-only', username: 'jane.doe@example.com' });
  });

  it('asks the helpers about a URL that carries a password without it', async () => {
    expect(withoutPassword('https://jdoe:s3cr%40t@bitbucket.org/a/b.git')).toBe('https://jdoe@bitbucket.org/a/b.git');
    expect(withoutPassword('https://bitbucket.org/a/b.git')).toBe('https://bitbucket.org/a/b.git');
    const repo = await home.repo();
    await home.git(['config', '--global', 'credential.helper', 'store']);
    await approveCredential(home, repo, 'https://bitbucket.org', 'jdoe', TOKEN);
    const result = await fillCredential(home.context(), repo, 'https://jdoe:url-password@bitbucket.org/acme/widgets.git');
    expect(result.credential!.secret.masked).toBe('ATAT…2D3C');
  });

  it('passes on what a helper that cannot run says', async () => {
    const repo = await home.repo();
    await home.git(['config', '--global', 'credential.helper', 'manager']);
    const result = await fillCredential(home.context(), repo, URL);
    expect(result.status).toBe('none');
    expect(result.evidence.join('\n')).toContain("'credential-manager' is not a git command");
  });

  it('gives up on a helper that hangs', async () => {
    const repo = await home.repo();
    await home.git(['config', '--global', 'credential.helper', '!sleep 30 #']);
    const result = await fillCredential(home.context({ timeoutMs: 1000 }), repo, URL);
    expect(result.status).toBe('timed-out');
    expect(result.evidence[0]).toBe('git credential fill timed out after 1 s');
  });
});

const keyringReason = keyringUnavailableReason();
describe.skipIf(keyringReason !== null)(`fillCredential with the Secret Service keyring${keyringReason ? ` (skipped: ${keyringReason})` : ''}`, () => {
  const keyringHomeOf = useKeyringHome();

  it("reads git's libsecret helper entry and leaves the keyring as it was", async () => {
    const keyringHome = keyringHomeOf();
    const repo = await keyringHome.repo();
    await keyringHome.git(['config', '--global', 'credential.helper', 'libsecret']);
    await approveCredential(keyringHome, repo, 'https://bitbucket.org', 'jdoe', TOKEN);
    const before = await snapshotTree(keyringHome.dir);
    const result = await fillCredential(keyringHome.context(), repo, URL);
    expect(result).toMatchObject({ status: 'found', username: 'jdoe', credential: { secretKind: { kind: 'api-token' } } });
    expect(await snapshotTree(keyringHome.dir)).toEqual(before);
  });
});
