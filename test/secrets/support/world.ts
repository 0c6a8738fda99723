import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFakeBitbucketApi, type FakeBitbucketApi } from '../../support/bitbucket-api.js';
import { startFakeBitbucketHttp, type FakeAccount, type FakeBitbucketHttp, type FakeBitbucketHttpOptions } from '../../support/bitbucket-http.js';
import { startFakeBitbucketSsh, type FakeBitbucketSsh } from '../../support/bitbucket-ssh.js';
import { createHome, type TestHome } from '../../support/home.js';
import { homeGit } from '../../support/https-home.js';
import { keyringUnavailableReason, startKeyring, type TestKeyring } from '../../support/keyring.js';
import { hostBlock, makeKey, startAgent, trustHost } from '../../support/ssh-scenario.js';
import { accessToken, apiToken, appPassword, dataCenterToken, shapeless, type Plant, type PlantId } from './plants.js';

/**
 * A home with a secret everywhere one can be, and the servers its remotes reach. Every remote of
 * the repository `work` holds or sends a different secret, and every server answers an error with
 * the Authorization header it received (a misbehaving server or proxy), so that whatever git or the
 * REST client repeats of it is in the output to search:
 *
 * | remote    | where its secret is                                                        | server  |
 * |-----------|----------------------------------------------------------------------------|---------|
 * | origin    | ~/.git-credentials (API token, read scope only: push refused)              | cloud A |
 * | legacy    | ~/.git-credentials (app password: 410)                                     | cloud A |
 * | vault     | the Secret Service keyring, git's libsecret helper                          | cloud B |
 * | cached    | git's credential-cache daemon                                              | cloud C |
 * | chatty    | a helper (repository config) that prints its password and a token on stderr | cloud E |
 * | inline    | a `!` helper in the repository config with the password written in it      | cloud H |
 * | bearer    | http.<url>.extraHeader "Authorization: Bearer …" in .git/config            | cloud D |
 * | ci        | GIT_CONFIG_PARAMETERS: extraheader "AUTHORIZATION: basic …" (as CI sets it) | cloud D |
 * | proxied   | remote.proxied.proxy http://proxyuser:PASSWORD@… (its port refuses)        | cloud D |
 * | embedded  | remote.embedded.url http://jdoe:PASSWORD@…                                 | DC F    |
 * | mirror    | remote.mirror.pushurl http://jdoe:PASSWORD@…                               | DC F    |
 * | short     | ~/.gitconfig url."http://jdoe:PASSWORD@…".insteadOf                        | DC F    |
 * | sshorigin | ~/.ssh/id_work (passphrase) and ~/.ssh/id_plain                             | SSH G   |
 *
 * Cloud remotes are https://[user@]bitbucket.org/acme/NAME.git, sent to their server by a global
 * `url.<server>.insteadOf` rule per remote (the way a user's config could). The environment holds
 * BITBUCKET_TOKEN, GIT_ASKPASS and SSH_ASKPASS programs that print secrets, the key's passphrase,
 * a proxy URL with a password, and the account link's token where no keychain keeps it; ~/.ssh/config
 * an sshpass password in another host's ProxyCommand; ~/.profile a token in a mistyped export.
 */
export interface SweepWorld {
  home: TestHome;
  repo: string;
  plants: Plant[];
  plant(id: PlantId): Plant;
  /** The REST API the account link talks to, and its site ("127.0.0.1:PORT" for Data Center, else bitbucket.org). */
  api: FakeBitbucketApi;
  site: string;
  keyring: TestKeyring | null;
  /** The engine's own state folder (journal, backups, undo-secrets). */
  stateDir: string;
  sshKeys: { plain: string; encrypted: string };
  cleanup(): Promise<void>;
}

export interface SweepWorldOptions {
  /** The account link's server: a declared Data Center server (reachable from the CLI) or Cloud (through the engine's test seam). */
  account: 'datacenter' | 'cloud';
  /** Point this process at the keyring too (in-process clients: the account link from the handlers). */
  inProcessKeyring?: boolean;
}

/** Why the sweep's world cannot be built here at all (its helpers and fakes are sh scripts and Unix sockets), or null. */
export function worldUnavailable(): string | null {
  if (process.platform === 'win32') return "the sweep's credential helpers and askpass programs are sh scripts and git's cache helper and ssh-agent need Unix sockets";
  return null;
}

const KEYRING_UNAVAILABLE = keyringUnavailableReason();
const CACHE_UNAVAILABLE = cacheHelperUnavailable();

/** git's credential-cache needs Unix sockets (Git for Windows has none); asked once, before any server runs. */
function cacheHelperUnavailable(): string | null {
  if (process.platform === 'win32') return "git's cache helper needs Unix sockets";
  const result = spawnSync('git', ['credential-cache', 'exit'], { encoding: 'utf8', env: { ...process.env, HOME: os.tmpdir(), XDG_CACHE_HOME: path.join(os.tmpdir(), 'no-such-cache') } });
  return result.status === 0 ? null : `git's cache helper does not run here (${(result.stderr || result.error?.message || `exit ${result.status}`).trim().split('\n')[0]})`;
}

/** The plants, where each goes and why one cannot be made here: known before any world is built (the test names say it). */
export function plantCatalogue(account: SweepWorldOptions['account']): Array<Pick<Plant, 'id' | 'where' | 'unavailable'>> {
  const user = account === 'cloud' ? 'Cloud' : 'Data Center';
  return [
    { id: 'store-api-token', where: 'an API token in ~/.git-credentials', unavailable: null },
    { id: 'store-app-password', where: 'an app password in ~/.git-credentials', unavailable: null },
    { id: 'keyring-token', where: "an API token in the keyring (git's libsecret helper)", unavailable: KEYRING_UNAVAILABLE },
    { id: 'cache-password', where: "a password in git's credential-cache daemon", unavailable: CACHE_UNAVAILABLE },
    { id: 'helper-stderr-password', where: 'a credential helper that prints its password on stderr', unavailable: null },
    { id: 'helper-stderr-token', where: 'a credential helper that prints another secret (its refresh token) on stderr', unavailable: null },
    { id: 'inline-helper-password', where: 'a password written in a `!` credential helper of the repository', unavailable: null },
    { id: 'url-password', where: 'a password in remote.embedded.url', unavailable: null },
    { id: 'pushurl-password', where: 'a password in remote.mirror.pushurl', unavailable: null },
    { id: 'insteadof-password', where: 'a password in a url.<base>.insteadOf rule', unavailable: null },
    { id: 'extraheader-bearer', where: 'http.extraHeader "Authorization: Bearer …" in .git/config', unavailable: null },
    { id: 'config-parameters-token', where: 'an access token in GIT_CONFIG_PARAMETERS (extraheader, as CI sets it)', unavailable: null },
    { id: 'askpass-secret', where: 'a GIT_ASKPASS program that prints a secret', unavailable: null },
    { id: 'env-token', where: 'BITBUCKET_TOKEN in the environment', unavailable: null },
    { id: 'proxy-password', where: 'a password in a proxy URL (https_proxy, remote.proxied.proxy)', unavailable: null },
    { id: 'profile-token', where: "a token in the login shell's profile", unavailable: null },
    { id: 'ssh-config-password', where: 'a password in ~/.ssh/config (sshpass in another host\'s ProxyCommand)', unavailable: null },
    { id: 'ssh-key-plain', where: 'an unencrypted private key (~/.ssh/id_plain)', unavailable: null },
    { id: 'ssh-key-encrypted', where: 'a passphrase-protected private key (~/.ssh/id_work)', unavailable: null },
    { id: 'ssh-passphrase', where: "the key's passphrase (SSH_ASKPASS program, SSH_KEY_PASSPHRASE, fix input)", unavailable: null },
    { id: 'input-token', where: 'a new API token given to credential.save-token', unavailable: null },
    {
      id: 'account-token',
      where: `the ${user} account link's token (${KEYRING_UNAVAILABLE ? 'BITBUCKET_API_TOKEN: no keychain here' : 'linked into the keychain'})`,
      unavailable: null,
    },
    { id: 'rejected-token', where: 'a token Bitbucket refuses, echoed in its error', unavailable: null },
  ];
}

async function script(file: string, body: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  await chmod(file, 0o755);
  return file;
}

export async function createSweepWorld(options: SweepWorldOptions): Promise<SweepWorld> {
  const stops: Array<() => Promise<unknown> | unknown> = [];
  const home = await createHome('secret-sweep-');
  stops.push(() => home.cleanup());
  try {
    return await build(home, options, stops);
  } catch (error) {
    for (const stop of stops) await Promise.resolve(stop()).catch(() => {});
    throw error;
  }
}

async function build(home: TestHome, options: SweepWorldOptions, stops: Array<() => Promise<unknown> | unknown>): Promise<SweepWorld> {
  const bin = path.join(home.dir, 'bin');
  // A lived-in home has ~/.cache; git's cache helper makes its socket folder in it.
  await mkdir(path.join(home.dir, '.cache', 'git'), { recursive: true });

  let keyring: TestKeyring | null = null;
  if (!KEYRING_UNAVAILABLE) {
    keyring = await startKeyring(home.env, { inProcess: options.inProcessKeyring });
    stops.unshift(() => keyring!.stop());
    Object.assign(home.env, keyring.env);
  }
  const cacheUnavailable = CACHE_UNAVAILABLE;
  stops.unshift(() => homeGit(home, ['credential-cache', 'exit'], home.dir));

  const v = {
    storeToken: apiToken('SwpStoreTok'),
    appPassword: appPassword('SwpAppPw'),
    keyringToken: apiToken('SwpKeyringTok'),
    cachePassword: shapeless('cache-SwpCachePw'),
    helperPassword: shapeless('hlp-SwpHelperPw'),
    refreshToken: shapeless('rt-SwpRefreshTok'),
    inlinePassword: shapeless('inl-SwpInlinePw'),
    urlPassword: shapeless('url-SwpUrlPw'),
    pushurlPassword: shapeless('push-SwpPushurlPw'),
    insteadofPassword: shapeless('rule-SwpInsteadOfPw'),
    bearer: shapeless('SwpBearerTok'),
    ciToken: accessToken('SwpCiTok'),
    askpass: shapeless('askpass-SwpAskpass'),
    envToken: shapeless('bbt-SwpEnvTok'),
    proxyPassword: shapeless('proxy-SwpProxyPw'),
    profileToken: shapeless('pro-SwpProfileTok'),
    passphrase: shapeless('pass-SwpPassphrase'),
    sshpass: shapeless('jump-SwpSshpassPw'),
    inputToken: apiToken('SwpInputTok'),
    accountToken: options.account === 'cloud' ? apiToken('SwpAccountTok') : dataCenterToken('SwpAccountTok'),
    rejectedToken: apiToken('SwpRejectedTok'),
  };

  // The servers. Each answers errors with the credentials it was sent.
  const serve = async (o: FakeBitbucketHttpOptions) => {
    const server = await startFakeBitbucketHttp({ echoAuthorization: true, ...o });
    stops.unshift(() => server.stop());
    return server;
  };
  const cloud = (accounts: FakeAccount[], repos: FakeBitbucketHttpOptions['repos']) => serve({ accounts, repos });
  const a = await cloud(
    [
      { username: 'jdoe', secret: v.storeToken, kind: 'api-token', scopes: ['read'] },
      { username: 'olduser', secret: v.appPassword, kind: 'app-password' },
      { username: 'jdoe', secret: v.inputToken, kind: 'api-token' },
    ],
    { 'acme/widgets.git': { jdoe: 'write' }, 'acme/legacy.git': { olduser: 'write' } },
  );
  const b = await cloud([{ username: 'vaultuser', secret: v.keyringToken, kind: 'api-token' }], { 'acme/vault.git': { vaultuser: 'write' } });
  const c = await cloud([{ username: 'cacheuser', secret: v.cachePassword, kind: 'account-password' }], { 'acme/cached.git': { cacheuser: 'write' } });
  // Access tokens for repositories they cannot see: Bitbucket answers 403, and this server echoes the header.
  const d = await cloud(
    [
      { username: 'bearer-token', secret: v.bearer, kind: 'access-token' },
      { username: 'ci-token', secret: v.ciToken, kind: 'access-token' },
    ],
    { 'acme/bearer.git': {}, 'acme/ci.git': {}, 'acme/proxied.git': {} },
  );
  const e = await cloud([{ username: 'chattyuser', secret: v.helperPassword, kind: 'account-password' }], { 'acme/chatty.git': { chattyuser: 'write' } });
  const h = await cloud([{ username: 'inlineuser', secret: v.inlinePassword, kind: 'account-password' }], { 'acme/inline.git': { inlineuser: 'write' } });
  const f = await serve({
    flavor: 'datacenter',
    accounts: [{ username: 'jdoe', secret: v.urlPassword, kind: 'account-password' }],
    repos: { 'scm/acme/embedded.git': { jdoe: 'write' }, 'scm/acme/mirror.git': { jdoe: 'write' }, 'scm/acme/short.git': { jdoe: 'write' } },
  });
  const g: FakeBitbucketSsh = await startFakeBitbucketSsh();
  stops.unshift(() => g.stop());
  await g.createRepo('acme/widgets');

  const api = await startFakeBitbucketApi({ flavor: options.account, echoAuthorization: true });
  stops.unshift(() => api.stop());
  api.store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token: v.accountToken, displayName: 'Jane Doe' });
  const site = options.account === 'cloud' ? 'bitbucket.org' : `127.0.0.1:${api.port}`;

  // SSH: a plain key the server knows, and a passphrase-protected one it does not; ssh offers both.
  const plain = await makeKey(home, 'id_plain');
  const encrypted = await makeKey(home, 'id_work', { passphrase: v.passphrase });
  g.authorize(plain.publicLine, { kind: 'personal', username: 'jdoe' });
  const jump = ['Host build-box', '  HostName 10.0.0.7', `  ProxyCommand sshpass -p '${v.sshpass}' ssh -W %h:%p bastion.example.com`, ''].join('\n');
  await home.writeSshConfig(`${jump}${hostBlock('ssh.bitbucket.org', g.port, null, [`IdentityFile ${encrypted.path}`, `IdentityFile ${plain.path}`, 'IdentitiesOnly yes'])}`);
  await trustHost(home, g);
  const agent = await startAgent(home);
  stops.unshift(() => agent.stop());

  // Global config: the plain-text store, the keyring and cache helpers for their servers, the routes.
  const git = (args: string[], cwd?: string) => home.git(args, cwd);
  await git(['config', '--global', 'credential.helper', 'store']);
  await writeFile(
    path.join(home.dir, '.git-credentials'),
    `http://jdoe:${encodeURIComponent(v.storeToken)}@127.0.0.1:${a.port}\nhttp://olduser:${encodeURIComponent(v.appPassword)}@127.0.0.1:${a.port}\n`,
    { mode: 0o600 },
  );
  if (keyring) await git(['config', '--global', `credential.${b.url}.helper`, 'libsecret']);
  if (!cacheUnavailable) await git(['config', '--global', `credential.${c.url}.helper`, 'cache --timeout=3600']);
  const route = (server: FakeBitbucketHttp, name: string, user?: string) => {
    const at = user ? `${user}@` : '';
    return git(['config', '--global', '--add', `url.${server.url.replace('://', `://${at}`)}/acme/${name}.git.insteadOf`, `https://${at}bitbucket.org/acme/${name}.git`]);
  };
  await route(a, 'widgets', 'jdoe');
  await route(a, 'legacy', 'olduser');
  await route(b, 'vault', 'vaultuser');
  await route(c, 'cached', 'cacheuser');
  await route(e, 'chatty', 'chattyuser');
  await route(h, 'inline', 'inlineuser');
  await route(d, 'bearer');
  await route(d, 'ci');
  await route(d, 'proxied');
  await git(['config', '--global', `url.${f.url.replace('://', `://jdoe:${encodeURIComponent(v.insteadofPassword)}@`)}/scm/acme/short.git.insteadOf`, 'https://bitbucket.org/acme/short.git']);

  // The repository and its remotes.
  const repo = await realpath(await home.repo('work'));
  const remotes: Array<[string, string, string?]> = [
    ['origin', 'https://jdoe@bitbucket.org/acme/widgets.git'],
    ['legacy', 'https://olduser@bitbucket.org/acme/legacy.git'],
    ['vault', 'https://vaultuser@bitbucket.org/acme/vault.git'],
    ['cached', 'https://cacheuser@bitbucket.org/acme/cached.git'],
    ['chatty', 'https://chattyuser@bitbucket.org/acme/chatty.git'],
    ['inline', 'https://inlineuser@bitbucket.org/acme/inline.git'],
    ['bearer', 'https://bitbucket.org/acme/bearer.git'],
    ['ci', 'https://bitbucket.org/acme/ci.git'],
    ['embedded', `${f.url.replace('://', `://jdoe:${encodeURIComponent(v.urlPassword)}@`)}/scm/acme/embedded.git`],
    ['mirror', `${f.url}/scm/acme/mirror.git`, `${f.url.replace('://', `://jdoe:${encodeURIComponent(v.pushurlPassword)}@`)}/scm/acme/mirror.git`],
    ['short', 'https://bitbucket.org/acme/short.git'],
    ['proxied', 'https://bitbucket.org/acme/proxied.git'],
    ['sshorigin', 'git@ssh.bitbucket.org:acme/widgets.git'],
  ];
  for (const [name, url, pushurl] of remotes) {
    await git(['remote', 'add', name, url], repo);
    if (pushurl) await git(['config', `remote.${name}.pushurl`, pushurl], repo);
  }
  await git(['config', '--add', `http.${d.url}/acme/bearer.git.extraHeader`, `Authorization: Bearer ${v.bearer}`], repo);
  // A proxy that needs a password (and does not answer: its port refuses).
  const proxy = `http://proxyuser:${encodeURIComponent(v.proxyPassword)}@127.0.0.1:9/`;
  await git(['config', 'remote.proxied.proxy', proxy], repo);
  const chatty = await script(
    path.join(bin, 'chatty-helper'),
    [
      'test "$1" = get || exit 0',
      `echo "chatty-helper: refreshed the session with refresh token ${v.refreshToken}" >&2`,
      `echo "chatty-helper: answering with password ${v.helperPassword} for chattyuser" >&2`,
      `printf 'username=chattyuser\\npassword=%s\\n' '${v.helperPassword}'`,
    ].join('\n'),
  );
  await git(['config', `credential.${e.url}.helper`, chatty], repo);
  await git(['config', `credential.${h.url}.helper`, `!f() { test "$1" = get && printf 'username=%s\\npassword=%s\\n' inlineuser '${v.inlinePassword}'; }; f`], repo);

  // Saved in the helpers that keep secrets themselves (and only there).
  const approve = async (helper: string, url: string, username: string, password: string) => {
    const result = await homeGit(home, ['-c', 'credential.helper=', '-c', `credential.helper=${helper}`, 'credential', 'approve'], repo, `url=${url}\nusername=${username}\npassword=${password}\n\n`);
    if (result.code !== 0) throw new Error(`git credential approve (${helper}) failed: ${result.stderr}`);
  };
  if (keyring) await approve('libsecret', `${b.url}/acme/vault.git`, 'vaultuser', v.keyringToken);
  if (!cacheUnavailable) await approve('cache --timeout=3600', `${c.url}/acme/cached.git`, 'cacheuser', v.cachePassword);

  // The environment.
  const gitAskpass = await script(path.join(bin, 'git-askpass'), `echo '${v.askpass}'`);
  const sshAskpass = await script(path.join(bin, 'ssh-askpass'), `echo '${v.passphrase}'`);
  // A login profile with a typo in an export (the shell names the token as a bad identifier on stderr)
  // that then leaves (as `exec zsh` in a .bash_profile does when the login shell runs a command).
  await writeFile(path.join(home.dir, '.profile'), `export BITBUCKET_TOKEN= ${v.profileToken}\nexit 3\n`);
  const ciHeader = `AUTHORIZATION: basic ${Buffer.from(`x-token-auth:${v.ciToken}`).toString('base64')}`;
  Object.assign(home.env, {
    BITBUCKET_TOKEN: v.envToken,
    GIT_ASKPASS: gitAskpass,
    SSH_ASKPASS: sshAskpass,
    SSH_ASKPASS_REQUIRE: 'force',
    SSH_KEY_PASSPHRASE: v.passphrase,
    SSH_AUTH_SOCK: agent.socket,
    https_proxy: proxy,
    GIT_CONFIG_PARAMETERS: `'http.${d.url}/acme/ci.git.extraheader'='${ciHeader}'`,
    NODE_EXTRA_CA_CERTS: api.caFile,
  });
  // No keychain: the account link is the environment's, as on a server.
  if (!keyring) {
    Object.assign(home.env, options.account === 'cloud' ? { BITBUCKET_EMAIL: 'jdoe@example.com' } : { BITBUCKET_USERNAME: 'jdoe' }, { BITBUCKET_API_TOKEN: v.accountToken });
  }

  const values: Record<PlantId, { value: string; user?: string }> = {
    'store-api-token': { value: v.storeToken, user: 'jdoe' },
    'store-app-password': { value: v.appPassword, user: 'olduser' },
    'keyring-token': { value: v.keyringToken, user: 'vaultuser' },
    'cache-password': { value: v.cachePassword, user: 'cacheuser' },
    'helper-stderr-password': { value: v.helperPassword, user: 'chattyuser' },
    'helper-stderr-token': { value: v.refreshToken },
    'inline-helper-password': { value: v.inlinePassword, user: 'inlineuser' },
    'url-password': { value: v.urlPassword, user: 'jdoe' },
    'pushurl-password': { value: v.pushurlPassword, user: 'jdoe' },
    'insteadof-password': { value: v.insteadofPassword, user: 'jdoe' },
    'extraheader-bearer': { value: v.bearer },
    'config-parameters-token': { value: v.ciToken, user: 'x-token-auth' },
    'askpass-secret': { value: v.askpass },
    'env-token': { value: v.envToken },
    'proxy-password': { value: v.proxyPassword, user: 'proxyuser' },
    'profile-token': { value: v.profileToken },
    'ssh-config-password': { value: v.sshpass },
    'ssh-key-plain': { value: await readFile(plain.path, 'utf8') },
    'ssh-key-encrypted': { value: await readFile(encrypted.path, 'utf8') },
    'ssh-passphrase': { value: v.passphrase },
    'input-token': { value: v.inputToken, user: 'jdoe' },
    'account-token': { value: v.accountToken, user: options.account === 'cloud' ? 'jdoe@example.com' : 'jdoe' },
    'rejected-token': { value: v.rejectedToken, user: options.account === 'cloud' ? 'jdoe@example.com' : 'jdoe' },
  };
  const plants: Plant[] = plantCatalogue(options.account).map((p) => ({ ...p, ...values[p.id] }));

  return {
    home,
    repo,
    plants,
    plant: (id) => plants.find((p) => p.id === id)!,
    api,
    site,
    keyring,
    stateDir: path.join(home.env.XDG_STATE_HOME!, 'push-doctor'),
    sshKeys: { plain: plain.path, encrypted: encrypted.path },
    async cleanup() {
      for (const stop of stops.splice(0)) await Promise.resolve(stop()).catch(() => {});
    },
  };
}
