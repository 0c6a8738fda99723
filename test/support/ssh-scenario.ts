import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, lstat, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EngineContext } from '../../app/context.js';
import type { CheckResult, Finding } from '../../app/contract/report.js';
import { CheckReporter } from '../../app/diagnose/reporter.js';
import { inspectSshEndpoint, runSshChecks } from '../../app/ssh/checks.js';
import { startFakeBitbucketSsh, type FakeBitbucketSsh } from './bitbucket-ssh.js';
import type { TestHome } from './home.js';
import { remoteTarget } from './target.js';

const execFileAsync = promisify(execFile);

export interface TestKey {
  path: string;
  /** "ssh-ed25519 AAAA... comment" */
  publicLine: string;
}

/** A real key made by the real ssh-keygen (async: the fake server shares this process). */
export async function makeKey(home: TestHome, name = 'id_ed25519', options: { passphrase?: string; mode?: number } = {}): Promise<TestKey> {
  const file = path.join(home.sshDir, name);
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', options.passphrase ?? '', '-C', `${name}@test`, '-f', file]);
  await chmod(file, options.mode ?? 0o600);
  return { path: file, publicLine: (await readFile(`${file}.pub`, 'utf8')).trim() };
}

/**
 * An ssh config block that sends a real Bitbucket host name to the fake server, the way a user
 * would point a host at a key. HostKeyAlias keeps known_hosts keyed by the real name.
 */
export function hostBlock(name: string, port: number, identityFile: string | null, extra: string[] = []): string {
  return [
    `Host ${name}`,
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    `  HostKeyAlias ${name}`,
    ...(identityFile ? [`  IdentityFile ${identityFile}`, '  IdentitiesOnly yes'] : []),
    ...extra.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** known_hosts lines that trust the fake server's host keys under `name`. */
export async function trustHost(home: TestHome, server: FakeBitbucketSsh, name = 'ssh.bitbucket.org'): Promise<void> {
  await writeFile(path.join(home.sshDir, 'known_hosts'), server.hostKeys.map((k) => `${name} ${k.line}\n`).join(''));
}

export const CLOUD_HOST = 'ssh.bitbucket.org';
export const CLOUD_REMOTE = `git@${CLOUD_HOST}:acme/widgets.git`;

export interface CloudScenarioOptions {
  /** IdentityFile of the host block; default ~/.ssh/id_ed25519 (null: none, ssh's defaults). */
  identity?: string | null;
  remote?: string;
  /** Write known_hosts trusting the server (default true). */
  trust?: boolean;
  greetingStream?: 'stdout' | 'stderr';
  /** More lines for the host block. */
  extra?: string[];
  /** Keys registered through the fake REST API (FakeAccountStore), accepted like authorized ones. */
  accountKeys?: () => Array<{ line: string; username: string }>;
}

/**
 * A fake Cloud server holding acme/widgets, ssh.bitbucket.org pointed at it by ~/.ssh/config, and
 * a repository whose origin is git@ssh.bitbucket.org:acme/widgets.git. The caller stops the server.
 */
export async function startCloudScenario(home: TestHome, options: CloudScenarioOptions = {}): Promise<{ server: FakeBitbucketSsh; repo: string }> {
  const server = await startFakeBitbucketSsh({ greetingStream: options.greetingStream, accountKeys: options.accountKeys });
  await server.createRepo('acme/widgets');
  const identity = options.identity === undefined ? path.join(home.sshDir, 'id_ed25519') : options.identity;
  await home.writeSshConfig(hostBlock(CLOUD_HOST, server.port, identity, options.extra));
  if (options.trust !== false) await trustHost(home, server);
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', options.remote ?? CLOUD_REMOTE], repo);
  return { server, repo };
}

export interface Diagnosis {
  findings: Finding[];
  checks: CheckResult[];
  codes: string[];
}

/** What the orchestrator does for one SSH remote: target, endpoint, then the SSH checks. */
export async function diagnoseSsh(ctx: EngineContext, repo: string, remoteName = 'origin', options: { offline?: boolean } = {}): Promise<Diagnosis> {
  const target = await remoteTarget(ctx, repo, remoteName);
  const endpoint = await inspectSshEndpoint(ctx, repo, target.pushUrl);
  const reporter = new CheckReporter();
  const findings = await runSshChecks(ctx, target, endpoint, reporter, { offline: options.offline ?? false });
  return { findings, checks: reporter.results, codes: findings.map((f) => f.code) };
}

/** A real ssh-agent on its own socket (foreground, so the test can stop exactly this process). */
export async function startAgent(home: TestHome): Promise<{ socket: string; add(key: string): Promise<void>; stop(): void }> {
  const socket = path.join(home.dir, 'agent.sock');
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await lstat(socket).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    socket,
    add: async (key) => {
      await execFileAsync('ssh-add', ['-q', key], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket, SSH_ASKPASS: '', SSH_ASKPASS_REQUIRE: 'never' } });
    },
    stop: () => {
      child.kill('SIGTERM');
    },
  };
}
