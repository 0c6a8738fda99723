import { startFakeBitbucketHttp } from '../../support/bitbucket-http.js';
import { refusedPort, startFakeBitbucketSsh } from '../../support/bitbucket-ssh.js';
import { startFaultServer, type FaultServerOptions } from '../../support/fault-servers.js';
import { installFakePlink, pathWithout, preferHomeBin, which, writeTool } from '../../support/fault-tools.js';
import { createHome, type TestHome } from '../../support/home.js';
import { approveCredential } from '../../support/https-home.js';
import { CLOUD_HOST, CLOUD_REMOTE, hostBlock, makeKey } from '../../support/ssh-scenario.js';

/**
 * Throwaway homes with one repository each, set up the way a user's machine is when something is
 * broken. Every bed uses the real Bitbucket remote URL; the user's own config (a URL rewrite, an ssh
 * config Host block) sends it to the misbehaving local server.
 */
export interface FaultBed {
  home: TestHome;
  repo: string;
  protocol: 'https' | 'ssh';
  /** Data Center hosts the user declared (--bitbucket-host). */
  bitbucketHosts: string[];
  /** Time limits the slowest surface may spend one after the other (default 1). */
  stages: number;
  /** Secrets planted in the home: no output may contain them. */
  secrets: string[];
  stop(): Promise<void>;
}

export const CLOUD_HTTPS_REMOTE = 'https://bitbucket.org/acme/widgets.git';
/** An API token of the right shape, saved by the store helper in HTTPS beds. */
export const SAVED_TOKEN = 'ATATT3xFfGF0faultSuiteSavedToken0123456789abcdefXYZ=9F2C1A7B';
export const USERNAME = 'jdoe';

type Stop = () => Promise<void>;

async function bed(protocol: FaultBed['protocol'], setup: (home: TestHome) => Promise<{ repo: string; stop?: Stop; stages?: number; bitbucketHosts?: string[] }>): Promise<FaultBed> {
  const home = await createHome('push-doctor-fault-');
  try {
    const made = await setup(home);
    return {
      home,
      repo: made.repo,
      protocol,
      bitbucketHosts: made.bitbucketHosts ?? [],
      stages: made.stages ?? 1,
      secrets: protocol === 'https' ? [SAVED_TOKEN] : [],
      async stop() {
        await made.stop?.();
        await home.cleanup();
      },
    };
  } catch (error) {
    await home.cleanup();
    throw error;
  }
}

/** origin is https://bitbucket.org/acme/widgets.git, rewritten to `base`; the store helper holds an API token for it. */
async function httpsRepo(home: TestHome, base: string): Promise<string> {
  await home.git(['config', '--global', `url.${base}/.insteadOf`, 'https://bitbucket.org/']);
  await home.git(['config', '--global', 'credential.helper', 'store']);
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', CLOUD_HTTPS_REMOTE], repo);
  await approveCredential(home, repo, `${base}/acme/widgets.git`, USERNAME, SAVED_TOKEN);
  return repo;
}

/** origin is git@ssh.bitbucket.org:acme/widgets.git; ~/.ssh/config sends ssh.bitbucket.org to `hostName`:`port` with a real key. */
async function sshRepo(home: TestHome, hostName: string, port: number): Promise<string> {
  const key = await makeKey(home);
  await home.writeSshConfig(hostBlock(CLOUD_HOST, port, key.path).replace('HostName 127.0.0.1', `HostName ${hostName}`));
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', CLOUD_REMOTE], repo);
  return repo;
}

/** A fake Bitbucket over HTTP that knows the saved token (the push works unless something local breaks it). */
async function workingHttps(home: TestHome): Promise<{ repo: string; stop: Stop }> {
  const server = await startFakeBitbucketHttp({ accounts: [{ username: USERNAME, secret: SAVED_TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { [USERNAME]: 'write' } } });
  return { repo: await httpsRepo(home, server.url), stop: () => server.stop() };
}

// ─── network ──────────────────────────────────────────────────────────────────────────────────────

export function httpsServerBed(options: FaultServerOptions): Promise<FaultBed> {
  return bed('https', async (home) => {
    const server = await startFaultServer(options);
    if (server.caFile) home.env.GIT_SSL_CAINFO = server.caFile;
    return { repo: await httpsRepo(home, `https://127.0.0.1:${server.port}`), stop: () => server.stop() };
  });
}

export function sshServerBed(options: FaultServerOptions): Promise<FaultBed> {
  return bed('ssh', async (home) => {
    const server = await startFaultServer(options);
    return { repo: await sshRepo(home, '127.0.0.1', server.port), stop: () => server.stop() };
  });
}

/** A reserved name (RFC 2606 .invalid): no resolver answers it, anywhere. */
export const UNRESOLVABLE_HOST = 'bitbucket.invalid';

export function httpsUnresolvableBed(): Promise<FaultBed> {
  return bed('https', async (home) => ({ repo: await httpsRepo(home, `https://${UNRESOLVABLE_HOST}`) }));
}

export function sshUnresolvableBed(): Promise<FaultBed> {
  return bed('ssh', async (home) => ({ repo: await sshRepo(home, `ssh.${UNRESOLVABLE_HOST}`, 22) }));
}

export function httpsRefusedBed(): Promise<FaultBed> {
  return bed('https', async (home) => ({ repo: await httpsRepo(home, `https://127.0.0.1:${await refusedPort()}`) }));
}

export function sshRefusedBed(): Promise<FaultBed> {
  return bed('ssh', async (home) => ({ repo: await sshRepo(home, '127.0.0.1', await refusedPort()) }));
}

/**
 * git runs PuTTY's plink (GIT_SSH, as on Windows) against a Data Center the user declared; plink's
 * host key cache is empty, as on a fresh machine. `refused`: nothing listens on the port.
 */
export function plinkBed(options: { refused?: boolean } = {}): Promise<FaultBed> {
  return bed('ssh', async (home) => {
    let port: number;
    let stop: Stop | undefined;
    if (options.refused) port = await refusedPort();
    else {
      const server = await startFakeBitbucketSsh({ mode: 'datacenter' });
      await server.createRepo('proj/widgets');
      port = server.port;
      stop = () => server.stop();
    }
    home.env.GIT_SSH = await installFakePlink(home);
    // The home's default ssh command is OpenSSH through core.sshCommand, which wins over GIT_SSH.
    await home.git(['config', '--global', '--unset', 'core.sshCommand']);
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', `ssh://git@127.0.0.1:${port}/proj/widgets.git`], repo);
    return { repo, stop, bitbucketHosts: ['127.0.0.1'] };
  });
}

// ─── tools ────────────────────────────────────────────────────────────────────────────────────────

/** sh that prints `line` without end, paced so that a dozen at once do not starve the machine (one case floods instead). */
export function endlessOutput(line: string): string {
  return `while :; do echo "${line}"; sleep 0.02; done`;
}

/** A credential helper (a `!shell` snippet) in front of a working Bitbucket: only the helper is broken. */
export function credentialHelperBed(snippet: string): Promise<FaultBed> {
  return bed('https', async (home) => {
    const working = await workingHttps(home);
    await home.git(['config', '--global', 'credential.helper', snippet]);
    return working;
  });
}

/** git's ssh command (core.sshCommand) replaced by a script; ssh.bitbucket.org points at a port that refuses. */
export function sshCommandBed(script: (realSsh: string, home: TestHome) => string): Promise<FaultBed> {
  return bed('ssh', async (home) => {
    const repo = await sshRepo(home, '127.0.0.1', await refusedPort());
    const tool = await writeTool(home, 'ssh', script(which('ssh'), home));
    await home.git(['config', '--global', 'core.sshCommand', tool]);
    return { repo };
  });
}

/** The PATH without `program` (every other program of the test's PATH is still there). */
export function missingProgramBed(program: 'ssh' | 'git', protocol: FaultBed['protocol']): Promise<FaultBed> {
  return bed(protocol, async (home) => {
    const made = protocol === 'ssh' ? { repo: await sshRepo(home, '127.0.0.1', await refusedPort()), stop: undefined } : await workingHttps(home);
    const farm = await pathWithout([program]);
    home.env.PATH = farm.path;
    return {
      repo: made.repo,
      async stop() {
        await made.stop?.();
        await farm.cleanup();
      },
    };
  });
}

/** `git` on the PATH is a wrapper script (the real git is `realGit`) in front of a working Bitbucket. */
export function gitWrapperBed(script: (realGit: string) => string): Promise<FaultBed> {
  return bed('https', async (home) => {
    const working = await workingHttps(home);
    await writeTool(home, 'git', script(which('git')));
    preferHomeBin(home);
    return working;
  });
}
