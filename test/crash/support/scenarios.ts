/**
 * The broken setups of the crash sweep: one per fix that writes something (and `push-doctor
 * keygen`, which creates folders), each built in a fresh throwaway home on this machine's test bed
 * (test/support/fix-bed.ts: the desktop keyring, fake Bitbucket servers), so that applying the fix
 * succeeds and undo gives the home back. The sweep (sweep.ts) records the write points each one
 * passes and kills the real CLI at every one of them.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EngineContext } from '../../../app/context.js';
import type { FixId } from '../../../app/contract/report.js';
import { RETIRED_HOST_KEYS } from '../../../app/facts/bitbucket.js';
import { helperValueForPath } from '../../../app/platform/wsl.js';
import { fakeApiToken, startFakeBitbucketApi } from '../../support/bitbucket-api.js';
import type { FakeAccount, FakeBitbucketHttp } from '../../support/bitbucket-http.js';
import { generateHostKeys } from '../../support/bitbucket-ssh.js';
import { createFixBed, type FixBed } from '../../support/fix-bed.js';
import { installGcmStandIn } from '../../support/gcm-stand-in.js';
import { approveCredential } from '../../support/https-home.js';
import { MACHINE } from '../../support/machine.js';
import { startPublishedKeysServer } from '../../support/published-host-keys.js';
import { CLOUD_HOST, makeKey, startAgent, startCloudScenario, type CloudScenarioOptions } from '../../support/ssh-scenario.js';
import { makeWsl } from '../../support/wsl.js';

const exec = promisify(execFile);

// Planted secrets: the sweep also checks that no output of a killed or recovering run shows them.
export const APP_PASSWORD = 'ATBBPlantedCrashAppPassword7xQ2mR5tV8wY1zB4';
export const NEW_TOKEN = 'ATATT3xFfGF0PlantedCrashNewToken_Mm1Nn2Oo3Pp4=7A8B9C0D';
export const URL_TOKEN = 'ATATT3xFfGF0PlantedCrashUrlToken_Zz9Yy8Xx7Ww6=ABCD1234';
export const PASSPHRASE = 'PlantedCrashPassphrase-orbit-9';
const ACCOUNT_TOKEN = fakeApiToken('PlantedCrashAccount');
export const PLANTED = 'PlantedCrash';

const ACCOUNTS: FakeAccount[] = [
  { username: 'jdoe', email: 'jane.doe@example.com', secret: NEW_TOKEN, kind: 'api-token' },
  { username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' },
  { username: 'jdoe', secret: URL_TOKEN, kind: 'api-token' },
];
const REPOS = { 'acme/widgets.git': { jdoe: 'write' as const } };

/** Which program applies the fix: the real bundled CLI, or the test driver for fixes that need an engine seam. */
export type Runner = 'cli' | 'driver';

/** A home set up so that one fix applies, with everything the sweep needs to run and compare it. */
export interface CrashWorld {
  bed: FixBed;
  /** The environment push-doctor runs with (the home's; its state folder is outside the home). */
  env: NodeJS.ProcessEnv;
  /** The app's state folder ($XDG_STATE_HOME/push-doctor). */
  stateDir: string;
  /** The folder the commands run in. */
  cwd: string;
  /** Folders besides the home whose files the fix may change (the Windows side of a WSL machine), by name. */
  roots: Record<string, string>;
  /** Folders under the home or roots left out of every comparison (a repository's object store, which no fix touches). */
  ignored: string[];
  runner: Runner;
  /** The engine seams the driver gives its context (JSON-able). */
  seams: Partial<Pick<EngineContext, 'publishedHostKeys' | 'bitbucketApi' | 'systemRoot'>>;
  /** What the fix may change besides files, as lines: the keys an ssh-agent holds, the keys on the Bitbucket account. */
  outside(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface Prepared {
  world: CrashWorld;
  /** push-doctor's arguments that apply the fix. */
  fix: string[];
  /** What the fix reads on stdin (--input-stdin). */
  input?: string;
  /** What the command says when run again after it completed, if it refuses rather than reports "already in effect" (keygen --file). */
  refusesAgain?: RegExp;
}

/** The test file a scenario runs in (files run in parallel). */
export type ScenarioGroup = 'credentials' | 'keyring' | 'remotes' | 'ssh';

export interface CrashScenario {
  /** "credential.clear (plain-text store)". */
  name: string;
  fixId: FixId;
  group: ScenarioGroup;
  /** In `npm test`'s subset (the full sweep runs every scenario). */
  subset?: boolean;
  /** Why it cannot run on this machine, or null. */
  unavailable: string | null;
  prepare(): Promise<Prepared>;
}

const NEEDS_KEYRING = MACHINE.keyring && MACHINE.unavailable === null ? null : `needs a Secret Service keyring (${MACHINE.unavailable ?? 'the headless machine has none'})`;

/** A fix bed with the app's state outside the home (so the whole home can be compared), and a world around it. */
async function world(options: { keyring?: boolean; runner?: Runner } = {}): Promise<{ bed: FixBed; w: CrashWorld; stops: Array<() => unknown> }> {
  const bed = await createFixBed({ keyring: options.keyring ?? MACHINE.keyring });
  bed.home.env.XDG_STATE_HOME = path.dirname(bed.stateDir);
  const stops: Array<() => unknown> = [];
  const w: CrashWorld = {
    bed,
    env: bed.home.env,
    stateDir: bed.stateDir,
    cwd: bed.home.dir,
    roots: {},
    ignored: [],
    runner: options.runner ?? 'cli',
    seams: {},
    outside: async () => [],
    async stop() {
      for (const stop of stops.reverse()) await stop();
      await bed.cleanup();
    },
  };
  return { bed, w, stops };
}

/** An HTTPS repository `https://[userinfo@]bitbucket.org/acme/widgets.git` routed to a fake Bitbucket, git's helper set. */
async function httpsWorld(options: { userinfo?: string; helper?: string | null; keyring?: boolean } = {}): Promise<{ w: CrashWorld; server: FakeBitbucketHttp; repo: string }> {
  const { bed, w } = await world({ keyring: options.keyring });
  const server = await bed.serve({ accounts: ACCOUNTS, repos: REPOS });
  await bed.route(server);
  if (options.userinfo) await bed.route(server, options.userinfo);
  if (options.helper) await bed.home.git(['config', '--global', 'credential.helper', options.helper]);
  const repo = await bed.home.repo();
  await bed.home.git(['remote', 'add', 'origin', `https://${options.userinfo ? `${options.userinfo}@` : ''}bitbucket.org/acme/widgets.git`], repo);
  w.cwd = repo;
  w.ignored = [path.join(repo, '.git')];
  return { w, server, repo };
}

/** A repository whose origin is `url`, offline (the remote.* fixes check what git resolves). */
async function remoteWorld(url: string): Promise<{ w: CrashWorld; repo: string }> {
  const { bed, w } = await world({ keyring: false });
  const repo = await bed.home.repo();
  await bed.home.git(['remote', 'add', 'origin', url], repo);
  w.cwd = repo;
  w.ignored = [path.join(repo, '.git')];
  return { w, repo };
}

/** An SSH repository on a fake Bitbucket Cloud (ssh.bitbucket.org pointed at it by ~/.ssh/config). */
async function sshWorld(options: CloudScenarioOptions & { runner?: Runner } = {}) {
  generateHostKeys();
  const { bed, w, stops } = await world({ keyring: false, runner: options.runner });
  const { server, repo } = await startCloudScenario(bed.home, options);
  stops.push(() => server.stop());
  w.cwd = repo;
  w.ignored = [path.join(repo, '.git')];
  return { w, bed, server, repo, stops };
}

const storeLine = (server: FakeBitbucketHttp, username: string, password: string) => `http://${username}:${password}@${new URL(server.url).host.replace(':', '%3a')}\n`;
const OTHER_HOST_LINE = 'https://gh:ghp_PlantedCrashGithub0123456789@github.com\n';

export const SCENARIOS: CrashScenario[] = [
  {
    name: 'credential.clear (plain-text store)',
    fixId: 'credential.clear',
    group: 'credentials',
    subset: true,
    unavailable: null,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ userinfo: 'jdoe', helper: 'store', keyring: false });
      await writeFile(path.join(w.bed.home.dir, '.git-credentials'), `${OTHER_HOST_LINE}${storeLine(server, 'jdoe', APP_PASSWORD)}`, { mode: 0o600 });
      return { world: w, fix: ['fix', 'credential.clear', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'credential.clear (keyring helper)',
    fixId: 'credential.clear',
    group: 'keyring',
    unavailable: NEEDS_KEYRING,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ userinfo: 'jdoe', helper: 'libsecret' });
      await approveCredential(w.bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);
      return { world: w, fix: ['fix', 'credential.clear', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'credential.save-token (plain-text store)',
    fixId: 'credential.save-token',
    group: 'credentials',

    unavailable: null,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ userinfo: 'jdoe', helper: 'store', keyring: false });
      await writeFile(path.join(w.bed.home.dir, '.git-credentials'), `${OTHER_HOST_LINE}${storeLine(server, 'jdoe', APP_PASSWORD)}`, { mode: 0o600 });
      return { world: w, fix: ['fix', 'credential.save-token', repo, '--yes', '--json', '--input-stdin'], input: JSON.stringify({ username: 'jdoe', token: NEW_TOKEN }) };
    },
  },
  {
    name: 'credential.save-token (keyring helper)',
    fixId: 'credential.save-token',
    group: 'keyring',
    unavailable: NEEDS_KEYRING,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ userinfo: 'jdoe', helper: 'libsecret' });
      await approveCredential(w.bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);
      return { world: w, fix: ['fix', 'credential.save-token', repo, '--yes', '--json', '--input-stdin'], input: JSON.stringify({ username: 'jdoe', token: NEW_TOKEN }) };
    },
  },
  {
    name: 'credential.use-secure-helper (store file → keyring, git config)',
    fixId: 'credential.use-secure-helper',
    group: 'keyring',
    subset: true,
    unavailable: NEEDS_KEYRING,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ helper: 'store' });
      await writeFile(path.join(w.bed.home.dir, '.git-credentials'), `${OTHER_HOST_LINE}${storeLine(server, 'jdoe', NEW_TOKEN)}`, { mode: 0o600 });
      return { world: w, fix: ['fix', 'credential.use-secure-helper', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'credential.gcm-skip-validation (Git Credential Manager, global git config)',
    fixId: 'credential.gcm-skip-validation',
    group: 'credentials',
    unavailable: null,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ keyring: false });
      await installGcmStandIn(w.bed.home);
      await w.bed.home.git(['config', '--global', 'credential.helper', 'manager']);
      await approveCredential(w.bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', NEW_TOKEN);
      return { world: w, fix: ['fix', 'credential.gcm-skip-validation', repo, '--yes', '--json'] };
    },
  },
  {
    name: "credential.gcm-use-dpapi (WSL, Git for Windows' config; test driver: WSL seam)",
    fixId: 'credential.gcm-use-dpapi',
    group: 'credentials',
    unavailable: null,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ keyring: false });
      const wsl = await makeWsl(w.bed.home, { gcm: true });
      const stop = w.stop;
      w.stop = async () => {
        await stop();
        await wsl.cleanup();
      };
      await w.bed.home.git(['config', '--global', 'credential.helper', helperValueForPath(wsl.gcm!.program)]);
      await writeFile(path.join(wsl.gcm!.dir, 'oauth-next'), `x-token-auth\n${NEW_TOKEN}\n`);
      w.runner = 'driver';
      w.seams = { systemRoot: wsl.root };
      w.roots = { windows: path.dirname(wsl.windowsConfig) };
      void server;
      return { world: w, fix: ['fix', 'credential.gcm-use-dpapi', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'remote.use-ssh-host (.git/config)',
    fixId: 'remote.use-ssh-host',
    group: 'remotes',
    unavailable: null,
    async prepare() {
      const { w, repo } = await remoteWorld('git@bitbucket.org:acme/widgets.git');
      return { world: w, fix: ['fix', 'remote.use-ssh-host', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'remote.use-ssh (pushurl and url)',
    fixId: 'remote.use-ssh',
    group: 'remotes',
    subset: true,
    unavailable: null,
    async prepare() {
      const { w, repo } = await remoteWorld('https://jdoe@bitbucket.org/acme/widgets.git');
      await w.bed.home.git(['config', '--add', 'remote.origin.pushurl', 'https://jdoe@bitbucket.org/acme/widgets.git'], repo);
      await w.bed.home.git(['config', '--add', 'remote.origin.pushurl', 'https://jdoe@bitbucket.org/acme/mirror.git'], repo);
      return { world: w, fix: ['fix', 'remote.use-ssh', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'remote.use-https (global rewrite rule)',
    fixId: 'remote.use-https',
    group: 'remotes',
    unavailable: null,
    async prepare() {
      const { w, repo } = await remoteWorld('bb:acme/widgets.git');
      await w.bed.home.git(['config', '--global', 'url.git@ssh.bitbucket.org:.insteadOf', 'bb:']);
      return { world: w, fix: ['fix', 'remote.use-https', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'remote.use-token-username (.git/config)',
    fixId: 'remote.use-token-username',
    group: 'remotes',
    unavailable: null,
    async prepare() {
      const { w, repo } = await remoteWorld('https://jane.doe%40example.com@bitbucket.org/acme/widgets.git');
      return { world: w, fix: ['fix', 'remote.use-token-username', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'remote.set-username (.git/config, username on stdin)',
    fixId: 'remote.set-username',
    group: 'remotes',
    unavailable: null,
    async prepare() {
      const { w, repo } = await remoteWorld('https://jane.doe%40example.com@bitbucket.org/acme/widgets.git');
      return { world: w, fix: ['fix', 'remote.set-username', repo, '--yes', '--json', '--input-stdin'], input: JSON.stringify({ username: 'jdoe' }) };
    },
  },
  {
    name: 'remote.remove-secret (token into the keyring, .git/config)',
    fixId: 'remote.remove-secret',
    group: 'keyring',
    unavailable: NEEDS_KEYRING,
    async prepare() {
      const { w, server, repo } = await httpsWorld({ userinfo: `jdoe:${URL_TOKEN}`, helper: 'libsecret' });
      await w.bed.route(server, 'jdoe');
      return { world: w, fix: ['fix', 'remote.remove-secret', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'remote.remove-secret (rewrite rule in ~/.gitconfig, no keyring)',
    fixId: 'remote.remove-secret',
    group: 'remotes',
    unavailable: null,
    async prepare() {
      const { w, repo } = await remoteWorld('bb:acme/widgets.git');
      await w.bed.home.git(['config', '--global', `url.https://jdoe:${URL_TOKEN}@bitbucket.org/.insteadOf`, 'bb:']);
      return { world: w, fix: ['fix', 'remote.remove-secret', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'ssh.generate-key (~/.ssh)',
    fixId: 'ssh.generate-key',
    group: 'ssh',
    unavailable: null,
    async prepare() {
      const { w, repo } = await sshWorld();
      return { world: w, fix: ['fix', 'ssh.generate-key', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'push-doctor keygen --file (new folders)',
    fixId: 'ssh.generate-key',
    group: 'ssh',
    subset: true,
    unavailable: null,
    async prepare() {
      const { w } = await world({ keyring: false });
      const file = path.join(w.bed.home.dir, 'keys', 'bitbucket', 'id_ed25519');
      return { world: w, fix: ['keygen', '--file', file, '--json'], refusesAgain: /already exists; an existing key is never replaced/ };
    },
  },
  {
    name: 'ssh.fix-key-permissions (chmod 600)',
    fixId: 'ssh.fix-key-permissions',
    group: 'ssh',
    subset: true,
    unavailable: null,
    async prepare() {
      const { w, bed, server, repo } = await sshWorld();
      const key = await makeKey(bed.home, 'id_ed25519', { mode: 0o644 });
      server.authorize(key.publicLine, { kind: 'personal' });
      return { world: w, fix: ['fix', 'ssh.fix-key-permissions', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'ssh.add-key-to-agent (ssh-add, passphrase on stdin)',
    fixId: 'ssh.add-key-to-agent',
    group: 'ssh',
    subset: true,
    unavailable: null,
    async prepare() {
      const { w, bed, server, repo, stops } = await sshWorld();
      const key = await makeKey(bed.home, 'id_ed25519', { passphrase: PASSPHRASE });
      server.authorize(key.publicLine, { kind: 'personal' });
      const agent = await startAgent(bed.home);
      stops.push(() => agent.stop());
      bed.home.env.SSH_AUTH_SOCK = agent.socket;
      w.ignored.push(agent.socket);
      w.outside = async () => agentKeys(agent.socket);
      return { world: w, fix: ['fix', 'ssh.add-key-to-agent', repo, '--yes', '--json', '--input-stdin'], input: JSON.stringify({ passphrase: PASSPHRASE }) };
    },
  },
  {
    name: 'ssh.configure-host (~/.ssh/config)',
    fixId: 'ssh.configure-host',
    group: 'ssh',
    unavailable: null,
    async prepare() {
      const { w, bed, server, repo } = await sshWorld({ identity: null });
      const key = await makeKey(bed.home);
      const old = await makeKey(bed.home, 'id_old');
      const config = path.join(bed.home.sshDir, 'config');
      await exec('sh', ['-c', `printf '  IdentityFile %s\\n  IdentityFile %s\\n' "$1" "$2" >> "$3"`, 'sh', old.path, key.path, config]);
      server.authorize(key.publicLine, { kind: 'personal' });
      return { world: w, fix: ['fix', 'ssh.configure-host', repo, '--yes', '--json'] };
    },
  },
  {
    name: "ssh.trust-host-keys (known_hosts; test driver: published-keys seam)",
    fixId: 'ssh.trust-host-keys',
    group: 'ssh',
    unavailable: null,
    async prepare() {
      const { w, bed, server, repo, stops } = await sshWorld({ trust: false, runner: 'driver' });
      const key = await makeKey(bed.home);
      server.authorize(key.publicLine, { kind: 'personal' });
      const retired = RETIRED_HOST_KEYS[0]!;
      await writeFile(path.join(bed.home.sshDir, 'known_hosts'), `${CLOUD_HOST} ${retired.type} ${retired.key}\n`);
      const published = await startPublishedKeysServer(server.hostKeys.map((k) => `bitbucket.org ${k.line}`));
      stops.push(() => published.stop());
      w.seams = { publishedHostKeys: published.source };
      return { world: w, fix: ['fix', 'ssh.trust-host-keys', repo, '--yes', '--json'] };
    },
  },
  {
    name: 'ssh.add-key-to-account (Bitbucket REST API; test driver: API seam)',
    fixId: 'ssh.add-key-to-account',
    group: 'ssh',
    subset: true,
    unavailable: null,
    async prepare() {
      const api = await startFakeBitbucketApi();
      const jdoe = api.store.addAccount({ username: 'jdoe', email: 'jane.doe@example.com', token: ACCOUNT_TOKEN });
      const { w, bed, repo, stops } = await sshWorld({
        runner: 'driver',
        accountKeys: () => api.store.keys.map((k) => ({ line: k.line, username: api.store.ownerOf(k)?.username ?? '' })),
      });
      stops.push(() => api.stop());
      await makeKey(bed.home);
      Object.assign(bed.home.env, { BITBUCKET_EMAIL: 'jane.doe@example.com', BITBUCKET_API_TOKEN: ACCOUNT_TOKEN });
      w.seams = { bitbucketApi: { cloudBaseUrl: api.baseUrl, caCertificates: [api.ca] } };
      w.outside = async () => api.store.keysOf(jdoe).map((k) => `account key ${k.line}`);
      return { world: w, fix: ['fix', 'ssh.add-key-to-account', repo, '--yes', '--json'] };
    },
  },
];

/** Fixes that write something but are not in the sweep, and why (printed as skipped cases). */
export const NOT_SWEPT: Array<{ fixId: FixId; reason: string }> = [
  {
    fixId: 'ssh.use-windows-openssh',
    reason: "it runs only in a Windows context (Git for Windows' ssh, the OpenSSH agent's named pipe); its one change is a global git config edit, the same write as credential.gcm-skip-validation",
  },
];

/** Fixes that change nothing (they print a page to open). */
export const WRITES_NOTHING: FixId[] = ['open.api-token-page', 'open.ssh-keys-page', 'open.repository-page'];

async function agentKeys(socket: string): Promise<string[]> {
  const listed = await exec('ssh-add', ['-l', '-E', 'sha256'], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket } }).then(
    (r) => r.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return [...listed.matchAll(/SHA256:\S+/g)].map((m) => `agent key ${m[0]}`);
}
