import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EngineContext } from '../../app/context.js';
import type { FixResult, SshVerifyResult } from '../../app/contract/fixes.js';
import { applyFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { verifySsh } from '../../app/ssh/verify.js';
import { startFakeBitbucketSsh, type FakeBitbucketSsh, type FakeBitbucketSshOptions } from './bitbucket-ssh.js';
import type { TestHome } from './home.js';
import { startPublishedKeysServer, type PublishedKeysServer } from './published-host-keys.js';
import { CLOUD_HOST } from './ssh-scenario.js';

const execFileAsync = promisify(execFile);

/**
 * A home with nothing for SSH: no ~/.ssh, no key, no known_hosts, a repository whose origin is
 * Bitbucket Cloud over HTTPS. The only SSH setting is the test's stand-in for DNS: git's ssh
 * command reads a config file (outside ~/.ssh) that sends ssh.bitbucket.org to the fake server.
 */
export interface EmptySshHome {
  repo: string;
  server: FakeBitbucketSsh;
  keysServer: PublishedKeysServer;
  /** The file git's ssh command reads (-F): where ssh.configure-host must write. */
  sshConfig: string;
  stop(): Promise<void>;
}

export async function emptySshHome(home: TestHome, options: Pick<FakeBitbucketSshOptions, 'accountKeys'> = {}): Promise<EmptySshHome> {
  const server = await startFakeBitbucketSsh(options);
  await server.createRepo('acme/widgets');
  const keysServer = await startPublishedKeysServer(server.hostKeys.map((k) => `bitbucket.org ${k.line}`));
  await rm(home.sshDir, { recursive: true, force: true });
  const sshConfig = path.join(home.dir, 'net', 'ssh_config');
  await mkdir(path.dirname(sshConfig));
  await writeFile(
    sshConfig,
    [
      '# test network: ssh.bitbucket.org is the local fake server',
      `Host ${CLOUD_HOST}`,
      '  HostName 127.0.0.1',
      `  Port ${server.port}`,
      `  HostKeyAlias ${CLOUD_HOST}`,
      '',
      'Host *',
      `  UserKnownHostsFile ${path.join(home.sshDir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await home.git(['config', '--global', 'core.sshCommand', `ssh -F ${sshConfig}`]);
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
  return {
    repo,
    server,
    keysServer,
    sshConfig,
    async stop() {
      await server.stop();
      await keysServer.stop();
    },
  };
}

export interface SshPathRun {
  generated: FixResult;
  trusted: FixResult;
  configured: FixResult;
  /** remote.use-ssh: the HTTPS remote switched to ssh.bitbucket.org. */
  switched: FixResult;
  verified: SshVerifyResult;
  pushedBranch: string;
  /** Milliseconds per step, in order. */
  timings: Array<[string, number]>;
}

/**
 * The whole SSH setup from nothing, as a user goes through it: new key → its public key added in
 * Bitbucket (here: authorized on the fake server) → host keys → ssh config → remote switched to SSH
 * → `ssh -T` greeting → a real `git push` over SSH.
 */
export async function walkSshPath(userCtx: EngineContext, home: TestHome, setup: EmptySshHome): Promise<SshPathRun> {
  // The fake server's host keys are published by the local list, reached through the engine's seam.
  const ctx: EngineContext = { ...userCtx, publishedHostKeys: setup.keysServer.source };
  const timings: Array<[string, number]> = [];
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await work();
    timings.push([name, Math.round(performance.now() - started)]);
    return value;
  };
  const scope = () => resolveFixScope(ctx, setup.repo);
  const generated = await step('ssh.generate-key', async () => applyFix(ctx, 'ssh.generate-key', await scope()));
  if (!generated.key) throw new Error(`no key: ${generated.message}`);
  setup.server.authorize(generated.key.publicKey, { kind: 'personal' });
  const trusted = await step('ssh.trust-host-keys', async () => applyFix(ctx, 'ssh.trust-host-keys', await scope()));
  const configured = await step('ssh.configure-host', async () => applyFix(ctx, 'ssh.configure-host', await scope()));
  const switched = await step('remote.use-ssh', async () => applyFix(ctx, 'remote.use-ssh', await scope()));
  const verified = await step('verifySsh (ssh -T)', () => verifySsh(ctx, setup.repo, 'origin'));
  const pushedBranch = 'from-nothing';
  await step('git push over SSH', () => execFileAsync('git', ['push', '-q', 'origin', `HEAD:refs/heads/${pushedBranch}`], { cwd: setup.repo, env: { ...ctx.env, GIT_TERMINAL_PROMPT: '0' } }));
  return { generated, trusted, configured, switched, verified, pushedBranch, timings };
}
