import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../../app/context.js';
import { startFakeBitbucketHttp, type FakeBitbucketHttp } from './bitbucket-http.js';
import { startFakeBitbucketSsh, type FakeBitbucketSsh } from './bitbucket-ssh.js';
import { createHome, type TestHome } from './home.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import { hostBlock, makeKey } from './ssh-scenario.js';

/**
 * Many repositories of one user against one fake Bitbucket (HTTPS and SSH), for the fleet tests and
 * the benchmark. Each kind of repository has its own, known verdict:
 * - https-ok: https://bitbucket.org/acme/shared.git with jdoe's saved API token: pushes.
 * - https-revoked: the same URL, but the repository's own `credential.username = kim` makes git send
 *   kim's token, which Bitbucket no longer knows (same remote, different credential).
 * - https-read-only: acme/read-only.git, where jdoe may only read.
 * - ssh-ok: git@ssh.bitbucket.org:acme/shared.git with a key Bitbucket knows: pushes.
 * - ssh-other-key: the same URL, but the repository's own core.sshCommand points ssh at a config
 *   whose key Bitbucket does not know (same remote, different key).
 * - ssh-missing: git@ssh.bitbucket.org:acme/missing.git, which does not exist.
 * - https-own / ssh-own: each repository on a Bitbucket repository of its own (acme/own-N), pushes.
 */
export type FleetKind = 'https-ok' | 'https-revoked' | 'https-read-only' | 'ssh-ok' | 'ssh-other-key' | 'ssh-missing' | 'https-own' | 'ssh-own';

export const FLEET_TOKEN = 'ATATT3xFfGF0fleetFleetFleetFleetFleetFleet0123456789=ABCD1234';
export const REVOKED_TOKEN = 'ATATT3xFfGF0revokedRevokedRevokedRevoked0123456789=EF567890';

export interface FleetBedOptions {
  /** Round trip added in front of both servers (latency proxies); 0 (default): none. */
  rttMs?: number;
  /** Delay before each HTTP answer (keeps requests in flight long enough to count them). */
  httpDelayMs?: number;
  /** How many Bitbucket repositories of their own the https-own and ssh-own kinds may use. */
  own?: { https?: number; ssh?: number };
}

export interface FleetBed {
  home: TestHome;
  http: FakeBitbucketHttp;
  ssh: FakeBitbucketSsh;
  context(options?: { timeoutMs?: number }): EngineContext;
  /** Makes `count` repositories of a kind (numbered on from the ones made before). */
  repos(kind: FleetKind, count: number): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startFleetBed(options: FleetBedOptions = {}): Promise<FleetBed> {
  const ownHttps = options.own?.https ?? 0;
  const ownSsh = options.own?.ssh ?? 0;
  const home = await createHome('push-doctor-fleet-');
  const http = await startFakeBitbucketHttp({
    accounts: [{ username: 'jdoe', secret: FLEET_TOKEN, kind: 'api-token' }],
    repos: {
      'acme/shared.git': { jdoe: 'write' },
      'acme/read-only.git': { jdoe: 'read' },
      ...Object.fromEntries(Array.from({ length: ownHttps }, (_, i) => [`acme/own-${i + 1}.git`, { jdoe: 'write' as const }])),
    },
    delayMs: options.httpDelayMs,
  });
  const ssh = await startFakeBitbucketSsh();
  await Promise.all(['acme/shared', ...Array.from({ length: ownSsh }, (_, i) => `acme/own-${i + 1}`)].map((r) => ssh.createRepo(r)));
  const proxies: LatencyProxy[] = [];
  const rtt = options.rttMs ?? 0;
  const front = async (port: number) => {
    if (rtt <= 0) return port;
    const proxy = await startLatencyProxy(port, rtt);
    proxies.push(proxy);
    return proxy.port;
  };
  const httpPort = await front(http.port);
  const sshPort = await front(ssh.port);

  // HTTPS: git itself sends bitbucket.org to the fake server; the store helper holds jdoe's token first, then kim's.
  await home.git(['config', '--global', `url.http://127.0.0.1:${httpPort}/.insteadOf`, 'https://bitbucket.org/']);
  await home.git(['config', '--global', 'credential.helper', 'store']);
  await writeFile(
    path.join(home.dir, '.git-credentials'),
    `http://jdoe:${encodeURIComponent(FLEET_TOKEN)}@127.0.0.1%3a${httpPort}\nhttp://kim:${encodeURIComponent(REVOKED_TOKEN)}@127.0.0.1%3a${httpPort}\n`,
    { mode: 0o600 },
  );

  // SSH: ~/.ssh/config sends ssh.bitbucket.org to the fake server with a known key; config-other with an unknown one.
  const known = await makeKey(home, 'id_known');
  const unknown = await makeKey(home, 'id_unknown');
  ssh.authorize(known.publicLine, { kind: 'personal' });
  await home.writeSshConfig(hostBlock('ssh.bitbucket.org', sshPort, known.path));
  const knownHosts = path.join(home.sshDir, 'known_hosts');
  await writeFile(knownHosts, ssh.hostKeys.map((k) => `ssh.bitbucket.org ${k.line}\n`).join(''));
  const otherConfig = path.join(home.sshDir, 'config-other');
  await writeFile(otherConfig, `${hostBlock('ssh.bitbucket.org', sshPort, unknown.path)}Host *\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile /dev/null\n`, { mode: 0o600 });

  const made = new Map<FleetKind, number>();
  const setups: Record<FleetKind, { remote: (n: number) => string; config?: Array<[string, string]> }> = {
    'https-ok': { remote: () => 'https://bitbucket.org/acme/shared.git' },
    'https-revoked': { remote: () => 'https://bitbucket.org/acme/shared.git', config: [['credential.username', 'kim']] },
    'https-read-only': { remote: () => 'https://bitbucket.org/acme/read-only.git' },
    'ssh-ok': { remote: () => 'git@ssh.bitbucket.org:acme/shared.git' },
    'ssh-other-key': { remote: () => 'git@ssh.bitbucket.org:acme/shared.git', config: [['core.sshCommand', `ssh -F '${otherConfig}'`]] },
    'ssh-missing': { remote: () => 'git@ssh.bitbucket.org:acme/missing.git' },
    'https-own': { remote: (n) => `https://bitbucket.org/acme/own-${n}.git` },
    'ssh-own': { remote: (n) => `git@ssh.bitbucket.org:acme/own-${n}.git` },
  };
  // One real repository (git init, a commit) is copied for the others: much faster than git for each.
  let template: string | null = null;

  return {
    home,
    http,
    ssh,
    context: (contextOptions = {}) => home.context(contextOptions),
    async repos(kind, count) {
      template ??= await home.repo('template');
      const setup = setups[kind];
      const paths: string[] = [];
      for (let i = 0; i < count; i++) {
        const n = (made.get(kind) ?? 0) + 1;
        made.set(kind, n);
        if (kind === 'https-own' && n > ownHttps) throw new Error(`the bed has ${ownHttps} own HTTPS repositories`);
        if (kind === 'ssh-own' && n > ownSsh) throw new Error(`the bed has ${ownSsh} own SSH repositories`);
        const repo = path.join(home.dir, 'repos', `${kind}-${n}`);
        await cp(template, repo, { recursive: true });
        await home.git(['remote', 'add', 'origin', setup.remote(n)], repo);
        for (const [key, value] of setup.config ?? []) await home.git(['config', key, value], repo);
        paths.push(repo);
      }
      return paths;
    },
    async stop() {
      await Promise.all(proxies.map((p) => p.stop()));
      await Promise.all([http.stop(), ssh.stop()]);
      await home.cleanup();
    },
  };
}

/** The result each kind must get, tested alone or among many. */
export const FLEET_EXPECTED: Record<FleetKind, { status: 'ok' | 'failing'; codes: string[] }> = {
  'https-ok': { status: 'ok', codes: [] },
  'https-revoked': { status: 'failing', codes: ['https.token-refused'] },
  'https-read-only': { status: 'failing', codes: ['https.read-only'] },
  'ssh-ok': { status: 'ok', codes: [] },
  'ssh-other-key': { status: 'failing', codes: ['ssh.permission-denied'] },
  'ssh-missing': { status: 'failing', codes: ['ssh.repo-not-found'] },
  'https-own': { status: 'ok', codes: [] },
  'ssh-own': { status: 'ok', codes: [] },
};
