import type { EngineContext } from '../context.js';
import type { Finding } from '../contract/report.js';
import type { CheckOutcome, CheckReporter } from '../diagnose/reporter.js';
import { sharedOrOwn, sshAuthProbeKey, sshWriteProbeKey } from '../diagnose/shared-probes.js';
import type { CheckOptions, RemoteTarget } from '../diagnose/target.js';
import { agentMismatch, inspectAgent, type AgentState } from './agent.js';
import type { SshOutcome } from './classify.js';
import { acceptsNewHostKeys } from './client-config.js';
import { describeSshCommand } from './command.js';
import type { SshEndpoint } from './endpoint.js';
import { describeIdentityFile, sshFindings } from './findings.js';
import { keyAclOptions } from './key-acl.js';
import { inspectIdentityFiles, type IdentityFileInfo } from './keys.js';
import { checkKnownHosts, type KnownHostsReport } from './known-hosts-check.js';
import { openProbeSession, probeAuth, probeWrite, type AuthProbeRun, type ProbeRun, type ProbeSession } from './probe.js';

export { inspectSshEndpoint, type SshEndpoint } from './endpoint.js';
export { verifySsh } from './verify.js';

/**
 * The SSH half of a diagnosis for one remote. The network probes start first and run concurrently
 * (authentication with `ssh -T`, the push path with `git push --dry-run`); the local inspection of
 * keys, agent and known_hosts happens while they wait; one `ssh -v` run follows only when the
 * server refused authentication. Check ids: ssh.command, ssh.keys, ssh.agent, ssh.known-hosts,
 * ssh.auth, ssh.write. Read-only.
 */
export async function runSshChecks(ctx: EngineContext, target: RemoteTarget, endpoint: SshEndpoint, reporter: CheckReporter, options: CheckOptions): Promise<Finding[]> {
  if (target.pushUrl.protocol !== 'ssh') return [];
  const remote = target.remote.name;
  const host = endpoint.hostname;
  const config = endpoint.config;

  if (endpoint.blockedBy) {
    // The repository's own ssh command would run for every one of these: none of them runs.
    reporter.skip('ssh.command', remote, 'SSH command git runs', endpoint.configNote ?? 'not run: the repository is not trusted');
    const why = `not run: it needs the repository's own ${endpoint.blockedBy.key}`;
    reporter.skip('ssh.keys', remote, 'SSH keys ssh would offer', why);
    reporter.skip('ssh.agent', remote, 'SSH agent', why);
    reporter.skip('ssh.known-hosts', remote, `Host key of ${host} in known_hosts`, why);
    for (const [id, title] of PROBE_CHECKS) reporter.skip(id, remote, title(host), why);
    return [];
  }

  if (endpoint.commandError || endpoint.commandHangs) {
    const problem = endpoint.commandError ? `git cannot start its ssh command: ${endpoint.commandError}` : `the ssh command did not finish reading its configuration: ${endpoint.commandHangs}`;
    await reporter.check('ssh.command', remote, 'SSH command git runs', async () => redacted(ctx, { status: 'error', summary: problem }));
    const why = endpoint.commandError ? 'the ssh command cannot be started' : 'the ssh command hangs';
    for (const [id, title] of PROBE_CHECKS) reporter.skip(id, remote, title(host), `skipped: ${why}`);
    return sshFindings({ remote, endpoint, keys: null, agent: null, knownHosts: null, auth: null, verbose: null, write: null, now: ctx.now(), legacySshHost: target.bitbucket.legacySshHost, redact: (l) => ctx.secrets.redact(l) });
  }

  const session = options.offline ? null : await openProbeSession(ctx, endpoint);
  try {
    const whoami = target.bitbucket.kind === 'datacenter';
    const { signal, sharedProbes } = options;
    // In a fleet run, `ssh -T` is shared by every repository with this endpoint, the push probe by those with the same remote too.
    const authProbe = (s: ProbeSession, verbose: boolean) =>
      sharedOrOwn(sharedProbes, () => sshAuthProbeKey(endpoint, { whoami, verbose }), () => probeAuth(ctx, endpoint, s, { whoami, verbose, signal }), signal);
    // Network first: both probes are in flight before any local file is read.
    const authStarted = session ? authProbe(session, false) : null;
    const writeStarted = session
      ? sharedOrOwn(sharedProbes, (shared) => sshWriteProbeKey(ctx, shared, target, endpoint), () => probeWrite(ctx, target.repoRoot, remote, endpoint, session, signal), signal)
      : null;

    let keys: IdentityFileInfo[] | null = null;
    let agent: AgentState | null = null;
    let knownHosts: KnownHostsReport | null = null;
    let auth: AuthProbeRun | null = null;
    let verbose: AuthProbeRun | null = null;
    let write: ProbeRun | null = null;

    const checks: Array<Promise<unknown>> = [
      reporter.check('ssh.command', remote, 'SSH command git runs', async () => redacted(ctx, commandOutcome(endpoint))),
    ];
    if (config) {
      checks.push(
        reporter.check('ssh.keys', remote, 'SSH keys ssh would offer', async () => {
          keys = await inspectIdentityFiles(config.identityFiles, ctx.platform, ctx.platform === 'win32' ? keyAclOptions(ctx, endpoint.flavour === 'windows-openssh') : undefined);
          return redacted(ctx, keysOutcome(keys));
        }),
        reporter.check('ssh.agent', remote, 'SSH agent', async () => {
          agent = await inspectAgent(ctx, config.identityAgent, endpoint);
          return redacted(ctx, agentOutcome(agent, endpoint));
        }),
        reporter.check('ssh.known-hosts', remote, `Host key of ${host} in known_hosts`, async () => {
          const knownHostsCommand = config.raw.get('knownhostscommand')?.[0];
          if (knownHostsCommand && knownHostsCommand !== 'none') return redacted(ctx, { status: 'ok', summary: `host keys also come from KnownHostsCommand ${knownHostsCommand}: the live probe decides` });
          knownHosts = await checkKnownHosts({ hostname: config.hostname, port: config.port, hostKeyAlias: config.hostKeyAlias, files: [...config.userKnownHostsFiles, ...config.globalKnownHostsFiles], cloud: target.bitbucket.kind === 'cloud' });
          return redacted(ctx, knownHostsOutcome(knownHosts, acceptsNewHostKeys(config)));
        }),
      );
    } else {
      const why = endpoint.configNote ?? 'the effective ssh configuration is unknown';
      reporter.skip('ssh.keys', remote, 'SSH keys ssh would offer', `not inspected: ${why}`);
      if (endpoint.flavour === 'putty' && ctx.platform === 'win32') {
        // plink has no "ssh -G", but its agent is known: Pageant.
        checks.push(
          reporter.check('ssh.agent', remote, 'SSH agent', async () => {
            agent = await inspectAgent(ctx, null, endpoint);
            return redacted(ctx, agentOutcome(agent, endpoint));
          }),
        );
      } else {
        reporter.skip('ssh.agent', remote, 'SSH agent', `not inspected: ${why}`);
      }
      reporter.skip('ssh.known-hosts', remote, `Host key of ${host} in known_hosts`, `not inspected: ${why}`);
    }
    if (authStarted && writeStarted && session) {
      checks.push(
        reporter.check('ssh.auth', remote, `SSH login to ${host}`, async () => {
          auth = await authStarted;
          if (auth.outcome.kind === 'permission-denied' && endpoint.variant === 'ssh') {
            verbose = await authProbe(session, true);
          }
          return redacted(ctx, probeOutcome(auth.outcome, 'auth'));
        }),
        reporter.check('ssh.write', remote, `Push access over SSH to ${host}`, async () => {
          write = await writeStarted;
          return redacted(ctx, probeOutcome(write.outcome, 'write'));
        }),
      );
    } else {
      for (const [id, title] of PROBE_CHECKS) reporter.skip(id, remote, title(host), 'skipped: offline');
    }
    await Promise.all(checks);
    return sshFindings({ remote, endpoint, keys, agent, knownHosts, auth, verbose, write, now: ctx.now(), legacySshHost: target.bitbucket.legacySshHost, redact: (l) => ctx.secrets.redact(l) });
  } finally {
    await session?.dispose();
  }
}

function redacted(ctx: EngineContext, outcome: CheckOutcome): CheckOutcome {
  return { status: outcome.status, summary: ctx.secrets.redact(outcome.summary) };
}

const PROBE_CHECKS: Array<[string, (host: string) => string]> = [
  ['ssh.auth', (host) => `SSH login to ${host}`],
  ['ssh.write', (host) => `Push access over SSH to ${host}`],
];

function commandOutcome(endpoint: SshEndpoint): CheckOutcome {
  const where = endpoint.config ? `; ssh connects to ${endpoint.user ? `${endpoint.user}@` : ''}${endpoint.hostname} port ${endpoint.port}` : endpoint.configNote ? `; ${endpoint.configNote}` : '';
  return { status: 'ok', summary: `${describeSshCommand(endpoint.command, endpoint.variant)}${where}` };
}

function agentOutcome(agent: AgentState, endpoint: SshEndpoint): CheckOutcome {
  const other = agentMismatch(agent, endpoint.flavour);
  if (other) return { status: 'warning', summary: `${agent.summary}; ${other.summary}, which the ssh git runs does not use` };
  return { status: agent.status === 'unreachable' ? 'warning' : 'ok', summary: agent.summary };
}

function keysOutcome(keys: IdentityFileInfo[]): CheckOutcome {
  const present = keys.filter((k) => k.exists);
  if (present.length === 0) return { status: 'warning', summary: `none of the identity files exists (${keys.map((k) => k.path).join(', ') || 'none configured'}); only agent keys can be offered` };
  const tooOpen = present.filter((k) => k.tooOpen);
  const summary = present.map(describeIdentityFile).join('; ');
  return { status: tooOpen.length > 0 ? 'warning' : 'ok', summary };
}

function knownHostsOutcome(report: KnownHostsReport, acceptsNew: boolean): CheckOutcome {
  const name = report.lookupName;
  switch (report.verdict) {
    case 'missing':
      return acceptsNew
        ? { status: 'ok', summary: `no key for ${name} yet; ssh is set to trust a new host key by itself on the first push` }
        : { status: 'error', summary: `no host key for ${name} in ${report.files.map((f) => f.path).join(', ')}` };
    case 'retired':
      return { status: 'error', summary: `known_hosts holds only the host key Bitbucket retired for ${name}` };
    case 'stale-line':
      return { status: 'warning', summary: `known_hosts still holds a host key Bitbucket retired for ${name}, beside a current one` };
    default:
      return { status: 'ok', summary: `${report.matches.length} host key${report.matches.length === 1 ? '' : 's'} for ${name}` };
  }
}

function probeOutcome(outcome: SshOutcome, probe: 'auth' | 'write'): CheckOutcome {
  if (outcome.kind === 'ok') {
    if (probe === 'write') return { status: 'ok', summary: 'git-receive-pack answered: a push would be accepted' };
    const said = outcome.greeting === 'whoami' ? `whoami answered ${outcome.username ?? outcome.line}` : outcome.line ? `the server said "${outcome.line}"` : 'logged in';
    return { status: 'ok', summary: said };
  }
  const words: Record<Exclude<SshOutcome['kind'], 'ok'>, string> = {
    'host-unknown': 'ssh does not know the host key',
    'host-key-changed': 'the host key in known_hosts does not match the server',
    'permission-denied': 'the server did not accept any key',
    'repo-not-found': 'the repository does not exist for this key',
    'deploy-key-read-only': 'the key is a read-only access key',
    'access-denied': 'the key\'s account may not push here',
    unreachable: 'the server could not be reached',
    'command-not-found': 'the ssh command cannot be started',
    failed: 'ssh failed',
  };
  const detail = outcome.reason ?? outcome.line;
  return { status: 'error', summary: `${words[outcome.kind]}${detail ? `: ${detail}` : ''}` };
}
