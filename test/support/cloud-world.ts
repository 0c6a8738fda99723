/**
 * The end-to-end path on a machine that believes it talks to the real Bitbucket Cloud. Run by
 * test/cli/account-e2e.test.ts inside a private mount and network namespace (`unshare -mn`, root),
 * where /etc/hosts maps api.bitbucket.org, bitbucket.org and ssh.bitbucket.org to loopback addresses
 * and a fresh folder is mounted over the user's home (OpenSSH finds ~/.ssh there through the password
 * database). Nothing in push-doctor is redirected: it reaches https://api.bitbucket.org/2.0 and
 * https://bitbucket.org/site/ssh by name, with TLS verified against a test CA given the standard way
 * (NODE_EXTRA_CA_CERTS), and ssh/git reach ssh.bitbucket.org:22.
 *
 * Usage: node --import tsx test/support/cloud-world.ts TRANSCRIPT.json   (prints nothing; writes the transcript)
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fakeApiToken, FakeAccountStore, startFakeBitbucketApi } from './bitbucket-api.js';
import { startFakeBitbucketSsh } from './bitbucket-ssh.js';
import { keyringUnavailableReason, startKeyring } from './keyring.js';
import { startPublishedKeysServer } from './published-host-keys.js';

export interface TranscriptStep {
  command: string;
  /** What was typed on stdin, secrets masked. */
  input: string | null;
  exitCode: number | null;
  output: string;
}

export interface Transcript {
  steps: TranscriptStep[];
  /** How the account link was kept: the system keychain, or the environment when none runs. */
  linkStore: 'keyring' | 'environment';
  /** Files under the home (and anything printed) that contain the planted token: must be empty. */
  leaks: string[];
  error: string | null;
}

export const HOSTS = {
  api: { name: 'api.bitbucket.org', address: '127.0.0.2' },
  ssh: { name: 'ssh.bitbucket.org', address: '127.0.0.3' },
  web: { name: 'bitbucket.org', address: '127.0.0.4' },
} as const;

const HOME = os.homedir();
const CLI = path.resolve('out/cli/push-doctor.mjs');

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading stdin (most of them) must not crash the run with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

async function main(outFile: string): Promise<void> {
  const transcript: Transcript = { steps: [], linkStore: 'environment', leaks: [], error: null };
  const stops: Array<() => Promise<void>> = [];
  const token = fakeApiToken('E2ePlantedToken');
  try {
    const store = new FakeAccountStore();
    store.addAccount({ username: 'jdoe', email: 'jdoe@example.com', token, displayName: 'Jane Doe' });
    const ssh = await startFakeBitbucketSsh({
      listen: { host: HOSTS.ssh.address, port: 22 },
      accountKeys: () => store.keys.map((k) => ({ line: k.line, username: store.ownerOf(k)?.username ?? '' })),
    });
    stops.push(() => ssh.stop());
    await ssh.createRepo('acme/widgets', { empty: true });
    const api = await startFakeBitbucketApi({ store, listen: { host: HOSTS.api.address, port: 443, name: HOSTS.api.name } });
    stops.push(() => api.stop());
    const published = await startPublishedKeysServer(ssh.hostKeys.map((k) => `${HOSTS.web.name} ${k.line}`), { host: HOSTS.web.address, port: 443, name: HOSTS.web.name });
    stops.push(() => published.stop());

    const scratch = await mkdtemp(path.join(os.tmpdir(), 'cloud-world-'));
    stops.push(() => rm(scratch, { recursive: true, force: true }));
    const cas = path.join(scratch, 'test-cas.pem');
    await writeFile(cas, `${api.ca}\n${published.source.caCertificates![0]}\n`);

    await writeFile(path.join(HOME, '.gitconfig'), '[user]\n\tname = Jane Doe\n\temail = jdoe@example.com\n[init]\n\tdefaultBranch = main\n');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME,
      USER: 'root',
      LANG: 'C.UTF-8',
      NODE_EXTRA_CA_CERTS: cas,
      GIT_CONFIG_NOSYSTEM: '1',
    };
    if (keyringUnavailableReason() === null) {
      const keyring = await startKeyring({ ...env });
      stops.push(() => keyring.stop());
      Object.assign(env, { DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR: keyring.env.XDG_RUNTIME_DIR });
      transcript.linkStore = 'keyring';
    } else {
      Object.assign(env, { BITBUCKET_EMAIL: 'jdoe@example.com', BITBUCKET_API_TOKEN: token });
    }

    const repo = path.join(HOME, 'widgets');
    await mkdir(repo);
    const git = (args: string[]) => run('git', args, env, repo);
    await git(['init', '-q']);
    await writeFile(path.join(repo, 'README.md'), '# widgets\n');
    await git(['add', 'README.md']);
    await git(['commit', '-q', '-m', 'first']);
    await git(['remote', 'add', 'origin', `git@${HOSTS.ssh.name}:acme/widgets.git`]);

    const step = async (shown: string, file: string, args: string[], options: { input?: string; shownInput?: string } = {}) => {
      const result = await run(file, args, env, repo, options.input);
      transcript.steps.push({ command: shown, input: options.shownInput ?? null, exitCode: result.code, output: `${result.stdout}${result.stderr}`.trimEnd() });
      return result;
    };
    const pd = (args: string[], options: { input?: string; shownInput?: string } = {}) => step(`push-doctor ${args.join(' ')}`, process.execPath, [CLI, ...args], options);

    await pd(['diagnose']);
    if (transcript.linkStore === 'keyring') {
      const masked = `${token.slice(0, 4)}…${token.slice(-4)}`;
      await pd(['account', 'link', '--input-stdin'], { input: JSON.stringify({ email: 'jdoe@example.com', token }), shownInput: JSON.stringify({ email: 'jdoe@example.com', token: masked }) });
    }
    await pd(['account', 'status']);
    await pd(['keygen']);
    await pd(['diagnose']);
    await pd(['keys', 'add']);
    await pd(['fix', 'ssh.trust-host-keys', '--yes']);
    await step(`ssh -o BatchMode=yes -T git@${HOSTS.ssh.name}`, 'ssh', ['-o', 'BatchMode=yes', '-T', `git@${HOSTS.ssh.name}`]);
    await step('git push -u origin main', 'git', ['push', '-u', 'origin', 'main']);
    await pd(['diagnose']);
    await pd(['keys', 'list']);
    await step('git ls-remote origin', 'git', ['ls-remote', 'origin']);

    // The token must appear nowhere: not in what was printed, not in any file of the home.
    const needle = token.slice(12, 48);
    for (const s of transcript.steps) if (`${s.output}${s.input ?? ''}`.includes(needle)) transcript.leaks.push(`output of: ${s.command}`);
    for (const entry of await readdir(HOME, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const text = await readFile(file, 'latin1').catch(() => '');
      if (text.includes(needle)) transcript.leaks.push(file);
    }
  } catch (error) {
    transcript.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await writeFile(outFile, JSON.stringify(transcript, null, 2));
  }
}

// Run as a script (the test imports HOSTS and the types only).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: cloud-world.ts TRANSCRIPT.json\n');
    process.exit(2);
  }
  await main(out);
  process.exit(0);
}
