import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { DC_DEFAULT_SSH_PORT, SSH_USER } from '../facts/bitbucket.js';
import { resolveSshFixTarget } from '../fix/ssh-target.js';
import type { FixScope } from '../fix/types.js';
import { formatSshUrl, parseRemoteUrl } from '../repo/url.js';
import { inspectAgent } from '../ssh/agent.js';
import { inspectSshEndpoint, type SshEndpoint } from '../ssh/endpoint.js';
import { inspectIdentityFiles } from '../ssh/keys.js';
import { checkPublicKeyLine } from '../ssh/public-key-line.js';
import { sha256Fingerprint } from '../ssh/fingerprint.js';
import { CLOUD_SITE, type Site } from './link.js';

/** A key ssh would offer to Bitbucket, as far as can be told without its passphrase. */
export interface OfferedKey {
  fingerprint: string;
  type: string | null;
  /** The identity file, or null for a key only the agent holds. */
  path: string | null;
  /** "type base64 comment" from the .pub file beside it (null when there is none that matches). */
  publicKey: string | null;
  publicKeyPath: string | null;
  inAgent: boolean;
}

export interface OfferedKeys {
  /** The host ssh connects to for Bitbucket ("ssh.bitbucket.org"). */
  host: string;
  keys: OfferedKey[];
  /** Why the list may be incomplete (no ssh -G, no agent), or null. */
  note: string | null;
}

/**
 * The keys ssh will offer when git pushes to Bitbucket: the identity files `ssh -G` names that
 * exist, and the agent's keys (only those matching an identity file under IdentitiesOnly). For the
 * scope's SSH remote, or for Bitbucket Cloud's SSH host (a Data Center site: its SSH port) when
 * there is no repository. Read-only.
 */
export async function keysSshOffers(ctx: EngineContext, scope: FixScope, site: Site = CLOUD_SITE): Promise<OfferedKeys> {
  const endpoint = await endpointFor(ctx, scope, site);
  if (!endpoint) return { host: site, keys: [], note: 'the ssh command git uses cannot be started' };
  return offeredByEndpoint(ctx, endpoint);
}

export async function offeredByEndpoint(ctx: EngineContext, endpoint: SshEndpoint): Promise<OfferedKeys> {
  const config = endpoint.config;
  // The host as the remote names it (an alias's HostName is where ssh goes, not what the user knows).
  const host = endpoint.url.host ?? endpoint.hostname;
  if (!config) return { host, keys: [], note: endpoint.configNote ?? 'the effective ssh configuration is unknown' };
  if (!config.pubkeyAuthentication) return { host, keys: [], note: 'ssh is configured not to use keys (PubkeyAuthentication no)' };
  const [files, agent] = await Promise.all([inspectIdentityFiles(config.identityFiles, ctx.platform), inspectAgent(ctx, config.identityAgent)]);
  const keys: OfferedKey[] = [];
  const agentPrints = new Set(agent.keys.map((k) => k.fingerprint));
  for (const file of files) {
    if (!file.exists || !file.fingerprint || file.tooOpen) continue;
    const pub = await publicKeyFile(`${file.path}.pub`);
    const matches = pub !== null && pub.fingerprint === file.fingerprint;
    keys.push({
      fingerprint: file.fingerprint,
      type: file.keyType,
      path: file.path,
      publicKey: matches ? pub.line : null,
      publicKeyPath: matches ? `${file.path}.pub` : null,
      inAgent: agentPrints.has(file.fingerprint),
    });
  }
  for (const key of agent.keys) {
    if (keys.some((k) => k.fingerprint === key.fingerprint)) continue;
    if (config.identitiesOnly) continue;
    keys.push({ fingerprint: key.fingerprint, type: key.type.toLowerCase(), path: null, publicKey: null, publicKeyPath: null, inAgent: true });
  }
  const note = agent.status === 'unreachable' || agent.status === 'unavailable' ? agent.summary : null;
  return { host, keys, note };
}

async function endpointFor(ctx: EngineContext, scope: FixScope, site: Site): Promise<SshEndpoint | null> {
  if (site === CLOUD_SITE || (scope.repoRoot && scope.remoteName)) {
    const target = await resolveSshFixTarget(ctx, scope);
    return target.ok ? target.target.endpoint : null;
  }
  // A Data Center server without a repository: its SSH port, as its clone URLs use it.
  const host = site.replace(/:\d+$/, '');
  const parsed = parseRemoteUrl(formatSshUrl(SSH_USER, host, 'project/repository.git', DC_DEFAULT_SSH_PORT));
  if (!parsed.ok) return null;
  const endpoint = await inspectSshEndpoint(ctx, ctx.homeDir, parsed.url);
  return endpoint.commandError ? null : endpoint;
}

/** A public key file: its line (comment included) and fingerprint, or null. */
export async function publicKeyFile(file: string): Promise<{ line: string; fingerprint: string; type: string } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  if (text.length > 16 * 1024) return null;
  const check = checkPublicKeyLine(text.trim());
  if (!check.ok) return null;
  return { line: check.line, type: check.type, fingerprint: sha256Fingerprint(check.line.split(' ')[1]!) };
}

/** The public keys in ~/.ssh (*.pub), for "on your account, but ssh does not offer it". */
export async function localPublicKeys(ctx: EngineContext): Promise<Array<{ path: string; fingerprint: string }>> {
  const dir = path.join(ctx.homeDir, '.ssh');
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: Array<{ path: string; fingerprint: string }> = [];
  for (const name of names.filter((n) => n.endsWith('.pub')).slice(0, 200)) {
    const pub = await publicKeyFile(path.join(dir, name));
    if (pub) found.push({ path: path.join(dir, name.slice(0, -'.pub'.length)), fingerprint: pub.fingerprint });
  }
  return found;
}
