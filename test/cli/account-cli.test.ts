import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeApiToken, startFakeBitbucketApi, type FakeApiAccount, type FakeBitbucketApi } from '../support/bitbucket-api.js';
import { runPushDoctor, type CliRun } from '../support/cli.js';
import { createHome, type TestHome } from '../support/home.js';
import { keyringUnavailableReason, startKeyring, type TestKeyring } from '../support/keyring.js';
import { makeKey } from '../support/ssh-scenario.js';

/**
 * `push-doctor account` and `keys`, the real bundled CLI as a process. Bitbucket Cloud's API cannot
 * be reached from a test without redirecting api.bitbucket.org (see the end-to-end path for that), so
 * these run against a declared Data Center server: the fake API with its CA trusted through
 * NODE_EXTRA_CA_CERTS, exactly as a company's own CA would be.
 */
const TOKEN = `BBDC-${'CliPlantedDcToken'}${fakeApiToken().slice(12, 40)}`;
const MARK = 'CliPlantedDcToken';

let home: TestHome;
let api: FakeBitbucketApi;
let jdoe: FakeApiAccount;
const outputs: CliRun[] = [];
beforeEach(async () => {
  home = await createHome('account-cli-');
  api = await startFakeBitbucketApi({ flavor: 'datacenter' });
  jdoe = api.store.addAccount({ username: 'jdoe', email: 'jdoe@corp.example', token: TOKEN, displayName: 'Jane Doe' });
});
afterEach(async () => {
  for (const run of outputs.splice(0)) expect(`${run.stdout}${run.stderr}`).not.toContain(MARK);
  await api.stop();
  await home.cleanup();
});

const host = () => `127.0.0.1:${api.port}`;
async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliRun> {
  const run = await runPushDoctor(args, { env: { ...home.env, NODE_EXTRA_CA_CERTS: api.caFile, ...options.env }, cwd: home.dir, input: options.input });
  outputs.push(run);
  return run;
}
const linkedEnv = () => ({ BITBUCKET_USERNAME: 'jdoe', BITBUCKET_API_TOKEN: TOKEN });

describe('bad input exits 2 with one line', () => {
  it.each([
    [['account'], /account needs a command/],
    [['account', 'frob'], /unknown account command "frob"/],
    [['account', 'link'], /account link reads one JSON object on stdin with --input-stdin/],
    [['keys'], /keys needs a command/],
    [['keys', 'add', 'extra'], /keys add takes no positional arguments/],
    [['keys', 'add', '--label', ''], /--label must be one line of text/],
  ])('%j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('account link --input-stdin: not JSON, unknown fields, a non-email', async () => {
    expect((await cli(['account', 'link', '--input-stdin'], { input: 'email=x' })).stderr).toMatch(/expects one JSON object/);
    const extra = await cli(['account', 'link', '--input-stdin'], { input: '{"email":"a@b.c","token":"x","password":"y"}' });
    expect([extra.code, extra.stderr]).toEqual([2, expect.stringContaining('unexpected field "password"')]);
    const notEmail = await cli(['account', 'link', '--input-stdin', '--json'], { input: JSON.stringify({ email: 'jdoe', token: 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz' }) });
    expect(notEmail.code).toBe(2);
    expect(JSON.parse(notEmail.stdout)).toEqual({ error: { code: 'input', message: '"jdoe" is not an email address: Bitbucket\'s API takes your Atlassian account email with an API token.' } });
    const appPassword = await cli(['account', 'link', '--input-stdin'], { input: JSON.stringify({ email: 'j@example.com', token: 'ATBBq7Xk2LmN9pR4sT6vW8yZ1aB3cD5eF7gH' }) });
    expect([appPassword.code, appPassword.stderr]).toEqual([2, expect.stringContaining('This is an app password (ATBB…F7gH); Bitbucket removed app passwords.')]);
  });
});

describe('Data Center account through the CLI (BITBUCKET_USERNAME / BITBUCKET_API_TOKEN, no keychain)', () => {
  it('account status: 0 when Bitbucket accepts the token, with the user; 1 when it refuses it', async () => {
    const ok = await cli(['account', 'status', '--bitbucket-host', host()], { env: linkedEnv() });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      [
        host(),
        '  ✓ Linked: jdoe (BITBUCKET_API_TOKEN in the environment)',
        '  ✓ Bitbucket user: jdoe (Jane Doe)',
        '  ✓ Token: accepted',
        '  ? Scopes for git push: Data Center HTTP access tokens have permissions, not scopes; the push test tells',
        '  ✓ Scopes for SSH keys: the token may read your SSH keys',
        '',
      ].join('\n'),
    );
    jdoe.state = 'revoked';
    const refused = await cli(['account', 'status', '--bitbucket-host', host(), '--json'], { env: linkedEnv() });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ linked: true, tokenValid: false, message: `${host()} refused the HTTP access token: it is wrong, revoked or expired, or belongs to another user.` });
  });

  it('account status without a link and without a keychain: 1, and why', async () => {
    const run = await cli(['account', 'status', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ site: 'bitbucket.org', linked: false, keyring: process.platform === 'linux' ? 'unavailable' : expect.any(String) });
  });

  it('keys add puts the key ssh offers on the account and prints its fingerprint; keys list marks it; undo deletes it', async () => {
    const key = await makeKey(home);
    // The home's ssh command names this key for every host (OpenSSH reads ~/.ssh from the password database, not $HOME).
    await home.writeSshConfig(`Host *\n  IdentityFile ${key.path}\n`);
    const added = await cli(['keys', 'add', '--bitbucket-host', host(), '--label', 'laptop'], { env: linkedEnv() });
    expect(added.code).toBe(0);
    const fingerprint = /SHA256:\S+/.exec(added.stdout)![0];
    expect(added.stdout).toBe(`✓ Added ${fingerprint} ("laptop") to your Bitbucket account (jdoe).\n${fingerprint}\nUndo with: push-doctor undo\n`);
    expect(api.store.keysOf(jdoe).map((k) => k.label)).toEqual(['laptop']);

    const again = await cli(['keys', 'add', '--bitbucket-host', host(), '--json'], { env: linkedEnv() });
    expect([again.code, JSON.parse(again.stdout)]).toEqual([0, expect.objectContaining({ added: false, fingerprint })]);

    const list = await cli(['keys', 'list', '--bitbucket-host', host(), '--json'], { env: linkedEnv() });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ username: 'jdoe', keys: [{ fingerprint, label: 'laptop', offered: true }], offered: [{ fingerprint, path: key.path, onAccount: true }] });

    const undo = await cli(['undo', '--json'], { env: linkedEnv() });
    expect(JSON.parse(undo.stdout)).toMatchObject({ undone: true, fixId: 'ssh.add-key-to-account' });
    expect(api.store.keysOf(jdoe)).toEqual([]);
  });

  it('keys add --key FILE of a key registered to another user: 1, and what to do', async () => {
    const key = await makeKey(home, 'id_shared');
    api.store.addKey(api.store.addAccount({ username: 'colleague', email: 'c@corp.example', token: 'BBDC-colleague-token-0000000000000000000000000' }), key.publicLine);
    const run = await cli(['keys', 'add', '--key', key.path, '--bitbucket-host', host()], { env: linkedEnv() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already has the key SHA256:\S+ for another user or as a repository or project access key\. Use a new key for this account \(push-doctor keygen\)\./);
    const history = await cli(['history', '--json']);
    expect(JSON.parse(history.stdout)).toEqual([]);
  });

  it('keys add --key with something that is no public key: 2', async () => {
    const run = await cli(['keys', 'add', '--key', `${home.dir}/.gitconfig`, '--bitbucket-host', host()], { env: linkedEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`push-doctor: ${home.dir}/.gitconfig is not an SSH public key file (it has more than one line), and there is no ${home.dir}/.gitconfig.pub beside it.\n`);
  });

  it('a server that never answers: "timed out after N s", exit 1', async () => {
    const silent = await startFakeBitbucketApi({ flavor: 'datacenter', silent: true });
    try {
      const run = await cli(['account', 'status', '--bitbucket-host', `127.0.0.1:${silent.port}`, '--timeout', '1'], { env: linkedEnv() });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`127.0.0.1:${silent.port} did not answer: timed out after 1 s.`);
    } finally {
      await silent.stop();
    }
  });
});

const keyringReason = keyringUnavailableReason();
describe.skipIf(keyringReason)(`account link in the keychain through the CLI${keyringReason ? ` (skipped: ${keyringReason})` : ''}`, () => {
  let keyring: TestKeyring;
  beforeEach(async () => {
    keyring = await startKeyring(home.env);
  });
  afterEach(async () => {
    await keyring.stop();
  });

  it('link (verified first), status from the keychain, unlink; a refused token is not stored', async () => {
    const env = { ...keyring.env };
    const wrong = await cli(['account', 'link', '--bitbucket-host', host(), '--input-stdin'], { env, input: JSON.stringify({ username: 'jdoe', token: 'BBDC-wrong-token-00000000000000000000000000' }) });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^push-doctor: Not linked: .* Nothing was stored\.\n$/);
    expect((await cli(['account', 'status', '--bitbucket-host', host()], { env })).code).toBe(1);

    const linked = await cli(['account', 'link', '--bitbucket-host', host(), '--input-stdin', '--json'], { env, input: JSON.stringify({ username: 'jdoe', token: TOKEN }) });
    expect(linked.code).toBe(0);
    expect(JSON.parse(linked.stdout)).toMatchObject({ linked: true, source: 'keyring', username: 'jdoe', displayName: 'Jane Doe', tokenValid: true });
    const status = await cli(['account', 'status', '--bitbucket-host', host()], { env });
    expect([status.code, status.stdout]).toEqual([0, expect.stringContaining('✓ Linked: jdoe (system keychain)')]);
    const unlinked = await cli(['account', 'unlink', '--bitbucket-host', host()], { env });
    expect([unlinked.code, unlinked.stdout]).toEqual([0, `✓ Unlinked ${host()}: the token was removed from the system keychain.\n`]);
    expect((await cli(['account', 'status', '--bitbucket-host', host()], { env })).code).toBe(1);
  });
});
