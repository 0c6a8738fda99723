import path from 'node:path';
import type { PlannedChange } from '../../contract/fixes.js';
import type { EngineContext } from '../../context.js';
import { DC_DEFAULT_SSH_PORT, RETIRED_DSA_FINGERPRINT, RETIRED_HOST_KEYS } from '../../facts/bitbucket.js';
import type { SshClientConfig } from '../../ssh/client-config.js';
import { inspectSshEndpoint } from '../../ssh/endpoint.js';
import { knownHostsName, type KnownHostsEntry } from '../../ssh/known-hosts.js';
import { connectTimeoutSeconds, probeAuth, type ProbeSession } from '../../ssh/probe.js';
import { trustedCloudHostKeys, type TrustedHostKeys } from '../../ssh/published-host-keys.js';
import { readTextIfExists } from '../atomic-write.js';
import { oncePerContext } from '../memo.js';
import { addHostKeys, removeHostKeys, type RemoveResult } from '../edit/known-hosts.js';
import { resolveSshFixTarget, type SshFixTarget } from '../ssh-target.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

interface FileEdit {
  file: string;
  before: string | null;
  after: string;
  removed: RemoveResult['removed'];
  kept: RemoveResult['kept'];
  added: string[];
}

interface TrustPlan {
  target: SshFixTarget;
  /** The name ssh looks the host up under: HostKeyAlias, else host or [host]:port. */
  lookup: { host: string; port: number | null; name: string };
  trusted: TrustedHostKeys;
  edits: FileEdit[];
}

type Planned = { ok: true; value: TrustPlan } | { ok: false; reason: string; manualSteps?: string[] };

function lookupOf(config: SshClientConfig): TrustPlan['lookup'] {
  // ssh looks an alias up as written (no port); otherwise host, or [host]:port off port 22.
  const host = config.hostKeyAlias ?? config.hostname;
  const port = config.hostKeyAlias ? null : config.port;
  return { host, port, name: knownHostsName(host.toLowerCase(), port) };
}

const retiredFingerprints = new Set([...RETIRED_HOST_KEYS.map((k) => k.fingerprint), RETIRED_DSA_FINGERPRINT]);

function dataCenterSteps(target: SshFixTarget): string[] {
  const port = target.endpoint.port;
  const host = target.endpoint.hostname;
  const portArg = port === 22 ? '' : ` -p ${port}`;
  return [
    `Ask your Bitbucket administrator for the SSH host key fingerprint of ${host}${port === DC_DEFAULT_SSH_PORT ? '' : ` port ${port}`}.`,
    `Compare it with what the server presents: ssh-keyscan${portArg} ${host} | ssh-keygen -lf -`,
    `Only if they match, connect once in a terminal and answer "yes": ssh${portArg} git@${host}`,
  ];
}

/**
 * What the fix would write: in every user known_hosts file ssh reads, the host's entries whose key
 * is not in the trusted set go (the retired 2023 RSA key, any key Bitbucket does not publish; also
 * hashed entries); the trusted keys are added to the first file, the one ssh writes to.
 */
async function planTrust(ctx: EngineContext, scope: FixScope): Promise<Planned> {
  const resolved = await resolveSshFixTarget(ctx, scope);
  if (!resolved.ok) return { ok: false, reason: resolved.reason };
  const target = resolved.target;
  const config = target.endpoint.config;
  if (!config) return { ok: false, reason: `ssh's known_hosts files cannot be told for this ssh command (${target.endpoint.configNote ?? 'no ssh -G'}).` };
  if (target.kind !== 'cloud') {
    return { ok: false, reason: `${target.endpoint.hostname} is not Bitbucket Cloud: its host keys are its own, and Push Doctor cannot vouch for them.`, manualSteps: dataCenterSteps(target) };
  }
  const files = config.userKnownHostsFiles;
  if (files.length === 0) return { ok: false, reason: 'ssh is configured to read no known_hosts file of yours (UserKnownHostsFile none).' };
  const lookup = lookupOf(config);
  const trusted = await trustedKeys(ctx);
  const isTrusted = (entry: Pick<KnownHostsEntry, 'keyType' | 'key'>) => trusted.keys.some((k) => k.type === entry.keyType && k.key === entry.key);
  const hashed = config.raw.get('hashknownhosts')?.[0] === 'yes' ? true : undefined;
  const edits: FileEdit[] = [];
  for (const [index, file] of files.entries()) {
    const before = await readTextIfExists(file);
    if (before === null && index > 0) continue;
    const removal = removeHostKeys(before ?? '', lookup.host, lookup.port, (entry) => !isTrusted(entry));
    const addition = index === 0 ? addHostKeys(removal.text, lookup.host, lookup.port, trusted.keys, { hashed }) : { text: removal.text, added: [] };
    edits.push({ file, before, after: addition.text, removed: removal.removed, kept: removal.kept, added: addition.added });
  }
  return { ok: true, value: { target, lookup, trusted, edits } };
}

/** The published list is fetched once per operation, not for each of inEffect, describe, apply and verify. */
const trustedKeys = (ctx: EngineContext) => oncePerContext(ctx, `published-host-keys ${ctx.publishedHostKeys?.url ?? ''}`, () => trustedCloudHostKeys(ctx));

const changedEdits = (plan: TrustPlan) => plan.edits.filter((e) => e.after !== (e.before ?? ''));

/** The switches of the check: never prompt, never trust a new key, never reuse an old connection, never write. */
function strictSession(ctx: EngineContext): ProbeSession {
  return {
    sshOptions: [
      ['BatchMode', 'yes'],
      ['StrictHostKeyChecking', 'yes'],
      ['ConnectTimeout', String(connectTimeoutSeconds(ctx.timeoutMs))],
      ['UpdateHostKeys', 'no'],
      ['ControlMaster', 'no'],
      ['ControlPath', 'none'],
      ['AddKeysToAgent', 'no'],
    ],
    note: null,
    dispose: async () => {},
  };
}

/** ssh.trust-host-keys: known_hosts holds exactly Bitbucket's published keys for the host ssh connects to. */
export const trustHostKeys: Fix = {
  id: 'ssh.trust-host-keys',

  async describe(ctx, scope) {
    const planned = await planTrust(ctx, scope);
    if (!planned.ok) return fixPlan(this.id, { applicable: false, reason: planned.reason, manualSteps: planned.manualSteps ?? [] });
    const plan = planned.value;
    const edits = changedEdits(plan);
    if (!edits.length) return fixPlan(this.id, { applicable: false, reason: `known_hosts already holds exactly Bitbucket's published keys for ${plan.lookup.name}.` });
    const changes: PlannedChange[] = [];
    for (const edit of edits) {
      for (const r of edit.removed) {
        const why = retiredFingerprints.has(r.fingerprint) ? 'the key Bitbucket retired' : 'a key Bitbucket does not publish';
        changes.push({ target: edit.file, action: `Remove line ${r.line}: ${r.keyType} ${r.fingerprint} for ${plan.lookup.name} (${why})` });
      }
      if (edit.added.length) changes.push({ target: edit.file, action: `${edit.before === null ? 'Create it (mode 600) and add' : 'Add'} ${edit.added.length} published host key${edit.added.length === 1 ? '' : 's'} for ${plan.lookup.name}` });
    }
    return fixPlan(this.id, {
      applicable: true,
      changes,
      details: [
        `Trusts only: ${plan.trusted.keys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}.`,
        `Source: ${plan.trusted.note}.`,
        `Afterwards a real ssh login to ${plan.target.endpoint.hostname} (StrictHostKeyChecking yes) must accept the server's key; if the server presents any other key, everything is put back.`,
        ...plan.edits.flatMap((e) => e.kept.map((k) => `Line ${k.line} of ${e.file} (${k.hostField}) also covers other hosts: left as it is.`)),
        'Every other line (other hosts, comments, @cert-authority and @revoked lines) stays exactly as it is.',
      ],
    });
  },

  async inEffect(ctx, scope) {
    const planned = await planTrust(ctx, scope);
    return { inEffect: planned.ok && changedEdits(planned.value).length === 0, outcome: { message: "known_hosts already holds exactly Bitbucket's published host keys for this host." } };
  },

  async apply(ctx, scope, change) {
    const planned = await planTrust(ctx, scope);
    if (!planned.ok) throw new Error(planned.reason);
    const plan = planned.value;
    for (const edit of changedEdits(plan)) {
      await change.ensureDir(path.dirname(edit.file), 0o700);
      await change.writeFile(edit.file, edit.after, { mode: 0o600 });
    }
    const removed = plan.edits.reduce((n, e) => n + e.removed.length, 0);
    const added = plan.edits.reduce((n, e) => n + e.added.length, 0);
    const parts = [added ? `added ${added} published host key${added === 1 ? '' : 's'}` : '', removed ? `removed ${removed} outdated one${removed === 1 ? '' : 's'}` : ''].filter(Boolean);
    return { message: `known_hosts for ${plan.lookup.name}: ${parts.join(', ')}; ssh accepts the server's key.` };
  },

  /** A real login with strict host key checking: the key the server presents must now be trusted. */
  async verify(ctx, scope) {
    const resolved = await resolveSshFixTarget(ctx, scope);
    if (!resolved.ok) return { ok: false, detail: resolved.reason };
    const { target } = resolved;
    const endpoint = await inspectSshEndpoint(ctx, target.cwd, target.url);
    const run = await probeAuth(ctx, endpoint, strictSession(ctx), { verbose: true });
    const presented = /^debug1: Server host key: (\S+) (SHA256:\S+)/m.exec(run.result.stderr);
    const key = presented ? `${presented[1]} ${presented[2]}` : 'its key';
    switch (run.outcome.kind) {
      case 'host-unknown':
      case 'host-key-changed': {
        const trusted = await trustedKeys(ctx);
        if (!presented || !trusted.keys.some((k) => k.fingerprint === presented[2])) {
          return { ok: false, detail: `the server ${target.host} presents ${key}, which is not one Bitbucket publishes; it was not trusted` };
        }
        const offending = run.outcome.kind === 'host-key-changed' && run.outcome.offending ? ` (ssh still reads ${run.outcome.offending.file}:${run.outcome.offending.line})` : '';
        return { ok: false, detail: `ssh still refuses the host key of ${target.host} (${key})${offending}` };
      }
      case 'unreachable':
      case 'command-not-found':
        return { ok: false, detail: `could not reach ${target.host} to confirm its host key (${run.outcome.reason ?? run.outcome.line})` };
      default:
        return { ok: true, detail: `ssh accepts the host key of ${target.host} (${key}).` };
    }
  },
};
