import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel } from 'ssh2';
import { MESSAGES } from '../../app/facts/bitbucket.js';
import { sha256Fingerprint } from '../../app/ssh/fingerprint.js';
import { systemEnv } from './platform.js';

const { Server, utils } = ssh2;
const execFileAsync = promisify(execFile);

/**
 * A local SSH server that answers like Bitbucket: publickey authentication only, the Cloud greeting
 * on a shell request, `conq:` errors for missing repositories and read-only deploy keys, and real
 * git-upload-pack / git-receive-pack processes behind `exec` for bare repositories on disk.
 *
 * Everything is asynchronous: the server runs in the test's own process, so the code under test
 * must reach it through async child processes (a spawnSync client would deadlock the event loop).
 */
export type FakeMode = 'cloud' | 'datacenter' | 'silent';

export interface FakeBitbucketSshOptions {
  /** cloud (default): greeting on shell; datacenter: `whoami`, no shell; silent: accepts TCP, never answers. */
  mode?: FakeMode;
  /** Bitbucket's greeting stream is undocumented: tests exercise both. Default stdout. */
  greetingStream?: 'stdout' | 'stderr';
  /** Host keys to present; generated once per test process when omitted (ed25519 and rsa). */
  hostKeys?: HostKeyPair[];
  /**
   * Personal keys registered on accounts elsewhere (the fake REST API's store), looked up at each
   * login, so a key added through the API opens a session at once: "type base64" lines.
   */
  accountKeys?: () => Array<{ line: string; username: string }>;
  /** Where to listen (default 127.0.0.1, a free port); in a private network namespace: the real port 22. */
  listen?: { host: string; port: number };
}

export interface HostKeyPair {
  private: string;
  /** "ssh-ed25519 AAAA..." */
  public: string;
}

export interface FakeHostKey {
  type: string;
  /** base64 blob */
  key: string;
  /** "type base64" as in known_hosts after the host field */
  line: string;
  fingerprint: string;
}

export interface Authorization {
  kind: 'personal' | 'deploy';
  /** Deploy keys: the repositories ("workspace/slug") the key belongs to; default: all. */
  repos?: string[];
  /** Personal keys: "read" refuses pushes (the account has read permission only). Default "write". */
  access?: 'read' | 'write';
  /** Data Center: the name `whoami` answers. */
  username?: string;
}

export interface FakeBitbucketSsh {
  port: number;
  hostKeys: FakeHostKey[];
  /** Directory holding the bare repositories as "<workspace>/<slug>.git". */
  reposDir: string;
  authorize(publicKeyLine: string, authorization: Authorization): void;
  /** Creates a bare repository for "workspace/slug"; seeded with one commit on main unless `empty`. */
  createRepo(repoPath: string, options?: { empty?: boolean }): Promise<string>;
  /** Commands the clients ran (exec requests, or "shell"), for assertions. */
  commands: string[];
  stop(): Promise<void>;
}

let defaultHostKeys: HostKeyPair[] | undefined;

/** An ed25519 and an RSA host key, like Bitbucket offers (RSA lets ssh report a changed RSA key). */
export function generateHostKeys(): HostKeyPair[] {
  defaultHostKeys ??= (['ed25519', 'rsa'] as const).map((type) => {
    // ssh2 1.17 sometimes (about 1 in 200 ed25519 keys) writes a private key its own parser calls
    // "Malformed OpenSSH private key": generate again until it reads back.
    for (;;) {
      const pair = type === 'rsa' ? utils.generateKeyPairSync('rsa', { bits: 2048 }) : utils.generateKeyPairSync('ed25519');
      if (!(utils.parseKey(pair.private) instanceof Error)) return { private: pair.private, public: pair.public };
    }
  });
  return defaultHostKeys;
}

interface AuthorizedKey extends Authorization {
  algo: string;
  blob: Buffer;
  line: string;
}

export async function startFakeBitbucketSsh(options: FakeBitbucketSshOptions = {}): Promise<FakeBitbucketSsh> {
  const mode = options.mode ?? 'cloud';
  const greetingStream = options.greetingStream ?? 'stdout';
  const hostKeyPairs = options.hostKeys ?? generateHostKeys();
  const reposDir = await mkdtemp(path.join(os.tmpdir(), 'fake-bitbucket-repos-'));
  const authorized: AuthorizedKey[] = [];
  const children = new Set<ChildProcess>();
  const sockets = new Set<net.Socket>();
  const connections = new Set<Connection>();
  const commands: string[] = [];

  const fromAccounts = (): AuthorizedKey[] =>
    (options.accountKeys?.() ?? []).map(({ line, username }) => {
      const [algo, key] = line.trim().split(/\s+/) as [string, string];
      return { kind: 'personal', username, algo, blob: Buffer.from(key, 'base64'), line: `${algo} ${key}` };
    });
  const findKey = (algo: string, blob: Buffer) =>
    [...authorized, ...fromAccounts()].find((k) => k.blob.equals(blob) && (k.algo === algo || algo.startsWith('rsa-sha2') || algo.startsWith('ssh-rsa')));

  const onConnection = (client: Connection) => {
    connections.add(client);
    let user: AuthorizedKey | undefined;
    client.on('error', () => {});
    client.on('close', () => connections.delete(client));
    client.on('authentication', (ctx: AuthContext) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const key = findKey(ctx.key.algo, ctx.key.data);
      if (!key) return ctx.reject(['publickey']);
      // Without a signature the client only asks whether the key would do ("Server accepts key").
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      const parsed = utils.parseKey(key.line);
      if (parsed instanceof Error || !parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.reject(['publickey']);
      user = key;
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const env: Record<string, string> = {};
        session.on('env', (accept, _reject, info) => {
          env[info.key] = info.val;
          accept?.();
        });
        // Bitbucket refuses terminals ("PTY allocation request failed on channel 0").
        session.on('pty', (_accept, reject) => reject?.());
        session.on('shell', (accept, reject) => {
          commands.push('shell');
          if (mode === 'datacenter' || !user) return reject();
          const channel = accept();
          const first = user.kind === 'deploy' ? MESSAGES.sshDeployKeyGreeting : MESSAGES.sshGreeting;
          const text = `${first}\n\n${MESSAGES.sshGreetingShell}\n`;
          (greetingStream === 'stderr' ? channel.stderr : channel).write(text);
          finish(channel, 0);
        });
        session.on('exec', (accept, _reject, info) => {
          commands.push(info.command);
          const channel = accept();
          if (!user) return finish(channel, 1);
          handleExec(channel, info.command, user, env);
        });
      });
    });
  };

  const finish = (channel: ServerChannel, code: number) => {
    channel.exit(code);
    channel.end();
  };

  const fail = (channel: ServerChannel, message: string) => {
    channel.stderr.write(`${message}\n`);
    finish(channel, 1);
  };

  const handleExec = (channel: ServerChannel, command: string, user: AuthorizedKey, env: Record<string, string>) => {
    if (mode === 'datacenter' && command.trim() === 'whoami') {
      channel.write(`${user.username ?? 'git-user'}\n`);
      return finish(channel, 0);
    }
    const match = /^git[- ](upload-pack|receive-pack) '?\/?([^']*?)'?$/.exec(command.trim());
    if (!match) return fail(channel, mode === 'cloud' ? MESSAGES.conqInvalidCommand : 'Unsupported command');
    const service = match[1]!;
    const repo = match[2]!.replace(/\.git$/, '');
    const dir = path.join(reposDir, `${repo}.git`);
    const known = repos.has(repo);
    if (mode === 'datacenter') {
      // [OFFICIAL KB, Bamboo DC submodules] "Repository not found / The requested repository does not exist, or you do not have permission to access it."
      if (!known) return fail(channel, `Repository not found\n${MESSAGES.dcRepoNotFound}`);
    } else {
      if (!known) return fail(channel, MESSAGES.conqRepoMissing);
      if (user.kind === 'deploy' && user.repos && !user.repos.includes(repo)) return fail(channel, `${MESSAGES.conqAccessDenied}. ${MESSAGES.conqDeployKeyWrongRepo}.`);
      if (user.kind === 'deploy' && service === 'receive-pack') return fail(channel, `${MESSAGES.conqAccessDenied}. ${MESSAGES.conqDeployKeyReadOnly}.`);
      // UNCONFIRMED wording for an account with read permission only: conq's generic refusal.
      if (user.access === 'read' && service === 'receive-pack') return fail(channel, `${MESSAGES.conqAccessDenied}.`);
    }
    const child = spawn('git', [service, dir], {
      env: { ...systemEnv(), PATH: process.env.PATH, HOME: reposDir, GIT_CONFIG_NOSYSTEM: '1', ...(env.GIT_PROTOCOL ? { GIT_PROTOCOL: env.GIT_PROTOCOL } : {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    channel.pipe(child.stdin);
    child.stdin.on('error', () => {});
    child.stdout.pipe(channel, { end: false });
    child.stderr.pipe(channel.stderr, { end: false });
    child.on('error', () => fail(channel, 'fatal: could not start git'));
    child.on('close', (code) => {
      children.delete(child);
      finish(channel, code ?? 1);
    });
  };

  const repos = new Set<string>();
  let listener: net.Server;
  try {
    if (mode === 'silent') {
      // Accepts the TCP connection and never sends a banner: a dead proxy or a black-holing firewall.
      listener = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => sockets.delete(socket));
      });
    } else {
      const ident = mode === 'cloud' ? 'conker_fake' : 'SSHD-CORE-fake-ATLASSIAN';
      listener = new Server({ hostKeys: hostKeyPairs.map((k) => k.private), ident }, onConnection) as unknown as net.Server;
    }
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(options.listen?.port ?? 0, options.listen?.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    // Unreadable host keys or no port: leave nothing behind.
    await rm(reposDir, { recursive: true, force: true });
    throw error;
  }
  const port = (listener.address() as net.AddressInfo).port;

  const hostKeys: FakeHostKey[] = hostKeyPairs.map((pair) => {
    const [type, key] = pair.public.trim().split(/\s+/) as [string, string];
    return { type, key, line: `${type} ${key}`, fingerprint: sha256Fingerprint(key) };
  });

  return {
    port,
    hostKeys,
    reposDir,
    commands,
    authorize(publicKeyLine, authorization) {
      const [algo, key] = publicKeyLine.trim().split(/\s+/) as [string, string];
      authorized.push({ ...authorization, algo, blob: Buffer.from(key, 'base64'), line: `${algo} ${key}` });
    },
    async createRepo(repoPath, createOptions = {}) {
      const dir = path.join(reposDir, `${repoPath}.git`);
      await mkdir(path.dirname(dir), { recursive: true });
      await execFileAsync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
      if (!createOptions.empty) await seed(dir);
      repos.add(repoPath);
      return dir;
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      for (const socket of sockets) socket.destroy();
      for (const connection of connections) connection.end();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await rm(reposDir, { recursive: true, force: true });
    },
  };
}

/** One commit on main, made in a scratch clone and pushed over the file system. */
async function seed(bareDir: string): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'fake-bitbucket-seed-'));
  const env = { ...systemEnv(), PATH: process.env.PATH, HOME: work, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Seed', GIT_AUTHOR_EMAIL: 'seed@example.com', GIT_COMMITTER_NAME: 'Seed', GIT_COMMITTER_EMAIL: 'seed@example.com' };
  try {
    await execFileAsync('git', ['init', '-q', '-b', 'main', work], { env });
    await writeFile(path.join(work, 'README.md'), '# seeded\n');
    await execFileAsync('git', ['add', 'README.md'], { cwd: work, env });
    await execFileAsync('git', ['commit', '-q', '-m', 'seed'], { cwd: work, env });
    await execFileAsync('git', ['push', '-q', bareDir, 'main'], { cwd: work, env });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A loopback port with nothing listening on it (connections are refused). */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
