import { createHmac, randomBytes } from 'node:crypto';
import type { EngineContext } from '../context.js';
import { createKeyedLimiter } from '../exec/limiter.js';
import { git } from '../git/git.js';
import type { ProbeCredential, ProbeKind } from '../https/probe.js';
import { repoGuard } from '../repo/repo-commands.js';
import { parseConfigZ } from '../repo/repository.js';
import type { RemoteUrl } from '../repo/url.js';
import { revealSecret, type Secret } from '../secrets/secret.js';
import type { SshEndpoint } from '../ssh/endpoint.js';
import type { RemoteTarget } from './target.js';

/**
 * Probes shared between the repositories of one fleet run (`push-doctor test`, the tray's re-test).
 * Repositories that would send Bitbucket the same request (same remote, same URLs, same credential,
 * same git transport settings; for SSH the same ssh command and effective ssh config) get one probe,
 * whose result serves each of them. Probes to one server are also limited in number at a time, so
 * a hundred repositories do not open a hundred connections to Bitbucket at once.
 *
 * The key is an HMAC (with a key made for this run) of everything that can change the answer, and
 * the repository's own transport settings are compared as HMACs too; a credential enters only the
 * HMAC, so no secret is kept in clear, and different credentials never share a probe. One
 * SharedProbes belongs to one run and one engine context (same environment, same timeout); a new
 * run starts with nothing shared.
 */

/**
 * Network probes at once against one server (host:port). Each probe is one short connection (an
 * HTTPS request pair, an SSH session); eight at once is about what a browser opens to one host, far
 * from the hundred connections a loop over a hundred repositories would open at once.
 */
export const PROBES_PER_SERVER = 8;

export interface ProbeKey {
  /** What the probe asks ("https.read", "ssh.auth", ...). */
  kind: string;
  /** Where it connects ("host:port"): probes to one server are limited together. */
  server: string;
  /** Everything else that can change the answer. */
  parts: readonly string[];
  /** Secrets that can change the answer: mixed into the HMAC only. */
  secrets?: readonly Secret[];
  /**
   * The repository's own settings that can change the answer. Costs a git process, so it is read
   * only when another repository sends the same request: a remote no other repository uses is
   * probed without it.
   */
  settings?: () => Promise<string>;
}

export interface SharedProbeStats {
  /** Probes really run, by kind. */
  run: Record<string, number>;
  /** Probes answered by a probe another repository (or remote) ran, by kind. */
  shared: Record<string, number>;
  /** The most probes that ran at once against one server. */
  peakPerServer: number;
}

export interface SharedProbes {
  /** Runs `probe` once per key in this run; later callers with the same key get the same result. */
  probe<T>(key: ProbeKey, probe: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /**
   * A digest of the repository's git settings that change what a probe of `remote` sends (http.*,
   * url.*, credential.*, remote.<remote>.*, protocol.*, ssh command, ...), as git resolves them
   * there (includes followed). Read once per repository.
   */
  transportConfig(ctx: EngineContext, repoRoot: string, remote: string): Promise<string>;
  stats(): SharedProbeStats;
}

/**
 * git settings that can change how a probe connects or what it sends. Read with --get-regexp,
 * which sees section and key names in lower case.
 */
const TRANSPORT_KEYS = '^((http|https|url|remote|credential|protocol|ssh|push|transport|gpg|extensions)\\..*|core\\.(sshcommand|askpass|gitproxy|hookspath|repositoryformatversion))$';

/** A probe that ran (or runs) for one request, and the settings of the repository that ran it. */
interface Ran {
  settings: () => Promise<string>;
  result: Promise<unknown>;
}

export function createSharedProbes(options: { probesPerServer?: number } = {}): SharedProbes {
  const hmacKey = randomBytes(32);
  /** Per request (HMAC of the key without settings): the probes run for it, one per distinct settings. */
  const probes = new Map<string, Ran[]>();
  const configs = new Map<string, Promise<Array<[string, string]> | null>>();
  const limiter = createKeyedLimiter(options.probesPerServer ?? PROBES_PER_SERVER);
  const run: Record<string, number> = {};
  const shared: Record<string, number> = {};

  const digest = (key: ProbeKey): string => {
    const mac = createHmac('sha256', hmacKey);
    // Length-prefixed fields: no two different keys can run together into the same bytes.
    for (const field of [key.kind, key.server, ...key.parts, ...(key.secrets ?? []).map(revealSecret)]) mac.update(`${Buffer.byteLength(field)}:${field};`);
    return mac.digest('hex');
  };

  return {
    probe<T>(key: ProbeKey, probe: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const id = digest(key);
      const start = () => {
        run[key.kind] = (run[key.kind] ?? 0) + 1;
        return limiter.run(key.server, probe, signal);
      };
      const settings = once(key.settings ?? (async () => ''));
      const earlier = probes.get(id);
      if (!earlier) {
        const result = start();
        probes.set(id, [{ settings, result }]);
        return result;
      }
      // The same request as earlier ones: take the result of the first whose repository has the
      // same settings, else probe anew. Recorded at once, so that later callers compare with it too.
      const before = [...earlier];
      const result = (async () => {
        const mine = await settings();
        for (const ran of before) {
          if ((await ran.settings()) === mine) {
            shared[key.kind] = (shared[key.kind] ?? 0) + 1;
            return ran.result as Promise<T>;
          }
        }
        return start();
      })();
      earlier.push({ settings, result });
      return result;
    },
    async transportConfig(ctx, repoRoot, remote) {
      let entries = configs.get(repoRoot);
      if (!entries) {
        configs.set(repoRoot, (entries = readTransportConfig(ctx, repoRoot)));
      }
      const list = await entries;
      if (list === null) return `unknown:${randomBytes(16).toString('hex')}`;
      const otherRemote = (k: string) => k.startsWith('remote.') && k !== 'remote.pushdefault' && !k.startsWith(`remote.${remote}.`);
      // Settings may hold secrets (an http.extraHeader token, a password in a URL): compared as digests only.
      return createHmac('sha256', hmacKey).update(JSON.stringify(list.filter(([k]) => !otherRemote(k)))).digest('hex');
    },
    stats: () => ({ run: { ...run }, shared: { ...shared }, peakPerServer: limiter.peak }),
  };
}

/**
 * The repository's transport settings as [key, value] pairs in git's order, or null when they
 * cannot be read (then the repository shares nothing). With a repository-command gate, its guard
 * has read the whole config already (and whether the repository's own commands may run, which
 * changes what git does): no second git process.
 */
async function readTransportConfig(ctx: EngineContext, repoRoot: string): Promise<Array<[string, string]> | null> {
  if (ctx.repoCommands) {
    const guard = await repoGuard(ctx, repoRoot);
    const wanted = new RegExp(TRANSPORT_KEYS, 'i');
    const settings = guard.entries.filter((e) => wanted.test(e.origin.key)).map((e): [string, string] => [e.origin.key, e.value ?? '']);
    const neutralised = Object.entries(guard.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [['repository commands', guard.trusted ? 'run' : `not run: ${JSON.stringify(neutralised)}`], ...settings];
  }
  const result = await git(ctx, ['config', '-z', '--get-regexp', TRANSPORT_KEYS], { cwd: repoRoot });
  // Exit 1: none of these keys is set. Anything else: unknown.
  return result.exitCode === 0 ? parseConfigZ(result.stdout) : result.exitCode === 1 ? [] : null;
}

/** Calls `read` the first time only. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= read());
}

/** "host:port" of a URL, with the scheme's default port. */
function serverOf(url: RemoteUrl): string {
  const port = url.port ?? (url.protocol === 'http' ? 80 : url.protocol === 'ssh' ? 22 : 443);
  return `${url.host ?? ''}:${port}`;
}

/** An HTTPS read or write probe of a remote: its URLs, the credential handed to git, its repository's transport settings. */
export function httpsProbeKey(ctx: EngineContext, shared: SharedProbes, target: RemoteTarget, credential: ProbeCredential | null, probe: ProbeKind): ProbeKey {
  const { remote } = target;
  return {
    kind: `https.${probe}`,
    server: serverOf(target.pushUrl),
    parts: [
      remote.name,
      remote.resolvedFetchUrl,
      JSON.stringify(remote.resolvedPushUrls),
      credential ? `user:${credential.username ?? ''}` : 'no credential',
    ],
    secrets: credential ? [credential.secret] : [],
    settings: () => shared.transportConfig(ctx, target.repoRoot, remote.name),
  };
}

/**
 * `ssh -T` depends on the endpoint only (ssh command, destination, ssh's effective config for it),
 * not on the repository: every repository on that host with that key setup shares it.
 */
export function sshAuthProbeKey(endpoint: SshEndpoint, options: { whoami: boolean; verbose: boolean }): ProbeKey {
  return { kind: options.verbose ? 'ssh.auth-verbose' : 'ssh.auth', server: `${endpoint.hostname}:${endpoint.port}`, parts: [endpointIdentity(endpoint), String(options.whoami)] };
}

/** `git push --dry-run` over SSH: the endpoint, plus the remote, its push URLs and the repository's transport settings. */
export function sshWriteProbeKey(ctx: EngineContext, shared: SharedProbes, target: RemoteTarget, endpoint: SshEndpoint): ProbeKey {
  return {
    kind: 'ssh.write',
    server: `${endpoint.hostname}:${endpoint.port}`,
    parts: [endpointIdentity(endpoint), target.remote.name, JSON.stringify(target.remote.resolvedPushUrls)],
    settings: () => shared.transportConfig(ctx, target.repoRoot, target.remote.name),
  };
}

function endpointIdentity(endpoint: SshEndpoint): string {
  const { command, url, config } = endpoint;
  // ssh -G prints every effective setting (identity files, known_hosts files, proxy, agent, ...).
  const effective = config ? [...config.raw].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : endpoint.configNote;
  return JSON.stringify([command.source, command.value, command.shell, endpoint.variant, url.username, url.host, url.port, effective]);
}

/** Runs `probe` through the run's shared probes when there are any, else on its own. */
export function sharedOrOwn<T>(shared: SharedProbes | undefined, key: (shared: SharedProbes) => ProbeKey, probe: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return shared ? shared.probe(key(shared), probe, signal) : probe();
}
