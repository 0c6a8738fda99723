import type { Finding, FindingCode, FixId } from '../contract/report.js';
import { finding, type FindingParams } from '../diagnose/catalogue.js';
import { CLOUD_SSH_HOST_MOVE_DATE } from '../facts/bitbucket.js';
import { WINDOWS_OPENSSH_SSH_EXAMPLE } from '../facts/windows.js';
import { agentMismatch, type AgentState } from './agent.js';
import type { SshOutcome } from './classify.js';
import { acceptsNewHostKeys } from './client-config.js';
import { maskCommandSecrets } from './command.js';
import type { SshEndpoint } from './endpoint.js';
import { FLAVOUR_NAMES, type SshFlavour } from './flavour.js';
import type { IdentityFileInfo } from './keys.js';
import { describeMatch, type KnownHostsReport } from './known-hosts-check.js';
import type { AuthProbeRun, ProbeRun } from './probe.js';

/** Everything the SSH checks saw for one remote. */
export interface SshObservations {
  remote: string;
  endpoint: SshEndpoint;
  keys: IdentityFileInfo[] | null;
  agent: AgentState | null;
  knownHosts: KnownHostsReport | null;
  /** null when offline. */
  auth: AuthProbeRun | null;
  /** The `-v` run after an authentication failure. */
  verbose: AuthProbeRun | null;
  write: ProbeRun | null;
  now: Date;
  /** The remote uses the host that stopped serving SSH (RemoteTarget.bitbucket.legacySshHost). */
  legacySshHost: boolean;
  /** Redacts a line with the run's secret registry. */
  redact(line: string): string;
}

/**
 * Turns what was seen into findings: the live probes decide when they ran (ssh's own verdict is
 * authoritative), local inspection explains them (which key, which file, which mode) and stands
 * alone only offline. Pure.
 */
export function sshFindings(o: SshObservations): Finding[] {
  const host = o.endpoint.hostname;
  const make = (code: FindingCode, evidence: string[], params: FindingParams = {}, fixes?: FixId[]) =>
    finding(code, { remote: o.remote, evidence: [...new Set(evidence.filter(Boolean).map(o.redact))], params: { host, now: o.now, ...params }, fixes });

  if (o.endpoint.commandError || o.auth?.outcome.kind === 'command-not-found') {
    const reason = o.endpoint.commandError ?? o.auth?.outcome.reason ?? '';
    return [make('ssh.command-not-found', [...o.endpoint.evidence, reason, o.auth?.outcome.line ?? ''], { command: maskCommandSecrets(o.endpoint.command.value), reason })];
  }
  if (o.endpoint.commandHangs) {
    return [make('ssh.command-hangs', o.endpoint.evidence, { command: maskCommandSecrets(o.endpoint.command.value), reason: o.endpoint.commandHangs })];
  }
  // ssh stops at a broken config file before it connects: nothing else can be learnt until it is fixed.
  if (o.endpoint.configError) return [make('ssh.config-invalid', o.endpoint.evidence, { reason: o.endpoint.configError })];
  if (!o.auth) return offlineFindings(o, make);

  const auth = o.auth.outcome;
  if (auth.kind !== 'ok') return failureFindings(o, o.auth, make);
  if (!o.write) return [];
  const write = o.write.outcome;
  const writeEvidence = [`ran: ${o.write.display}`, `git exit code ${o.write.result.exitCode ?? 'none'}`, write.line];
  if (write.kind === 'ok') return [make('ssh.ok', [`ran: ${o.auth.display}`, auth.line, ...writeEvidence])];
  // Authenticated, yet the push path failed: the same classification, with the write probe's words.
  return failureFindings(o, { ...o.write, verbose: null }, make, auth);
}

type Make = (code: FindingCode, evidence: string[], params?: FindingParams, fixes?: FixId[]) => Finding;

function failureFindings(o: SshObservations, probe: AuthProbeRun, make: Make, authOk?: SshOutcome): Finding[] {
  const outcome = probe.outcome;
  const ran = [`ran: ${probe.display}`, `exit code ${probe.result.exitCode ?? 'none'}`, outcome.line];
  const hostsEvidence = knownHostsEvidence(o.knownHosts);
  // PuTTY keeps its own host key cache: known_hosts and the fix that edits it do not apply.
  const putty = o.endpoint.variant === 'plink' || o.endpoint.variant === 'putty' || o.endpoint.variant === 'tortoiseplink';
  switch (outcome.kind) {
    // ssh stopped before authenticating, so it said nothing about keys: what it has to offer is
    // known only locally (no key at all comes first: it is the bigger job, and the SSH guide
    // trusts the host keys on the way).
    case 'host-unknown':
      if (putty) return [make('ssh.host-unknown', ran, { client: 'putty' }, [])];
      return [...localKeyFindings(o, make), make('ssh.host-unknown', [...ran, ...hostsEvidence], { host: knownHostsName(o) })];
    case 'host-key-changed': {
      if (putty) return [make('ssh.host-key-changed', ran, { client: 'putty' }, [])];
      const offending = outcome.offending ? `offending key: ${outcome.offending.file}:${outcome.offending.line} (${outcome.offending.keyType})` : '';
      return [...localKeyFindings(o, make), make('ssh.host-key-changed', [...ran, offending, ...hostsEvidence], { host: knownHostsName(o) })];
    }
    case 'unreachable': {
      const legacy = o.legacySshHost && o.now.toISOString().slice(0, 10) >= CLOUD_SSH_HOST_MOVE_DATE;
      if (legacy) return [make('remote.legacy-ssh-host', [...ran, outcome.reason ?? ''], { reason: outcome.reason ?? undefined })];
      return [make('ssh.unreachable', [...ran, `connecting to ${o.endpoint.hostname} port ${o.endpoint.port}`], { reason: outcome.reason ?? undefined })];
    }
    case 'repo-not-found':
      return [make('ssh.repo-not-found', ran)];
    case 'deploy-key-read-only':
      return [make('ssh.deploy-key-read-only', [...(authOk ? [`authenticated: ${authOk.line}`] : []), ...ran])];
    case 'access-denied':
      return [make('ssh.read-only', [...(authOk ? [`authenticated: ${authOk.line}`] : []), ...ran])];
    case 'permission-denied':
      return permissionFindings(o, ran, make);
    default:
      // Unclassified failures stay in the check's summary; guessing a cause would mislead.
      return [];
  }
}

function permissionFindings(o: SshObservations, ran: string[], make: Make): Finding[] {
  const verbose = o.verbose?.verbose ?? null;
  const verboseEvidence = verbose
    ? [
        `ran: ${o.verbose!.display}`,
        ...verbose.candidates.map((k) => `ssh would try: ${k.label}${k.fingerprint ? ` ${k.fingerprint}` : ''}${k.source ? ` (${k.source})` : ''}`),
        ...verbose.missing.map((p) => `no such identity file: ${p}`),
        ...verbose.offered.map((k) => `offered: ${k.label} ${k.fingerprint ?? ''}`.trim()),
        verbose.accepted ? `the server accepts: ${verbose.accepted.label} ${verbose.accepted.fingerprint ?? ''}`.trim() : '',
        ...verbose.badPermissions.map((p) => `ssh refused to load ${p}: bad permissions`),
      ]
    : [];
  const evidence = [...ran, ...verboseEvidence, ...keysEvidence(o.keys), ...agentEvidence(o)];
  const tooOpen = tooOpenKeys(o);
  const permissionsFinding = () => {
    const key = tooOpen[0]!;
    return make('ssh.key-permissions', evidence, keyPermissionParams(key));
  };
  // Windows: the key is in an agent this ssh does not talk to. That explains a refusal in which
  // ssh offered nothing that worked; next to keys the server rejected, it is the likelier cause.
  const mismatch = mismatchFinding(o, evidence, make);
  if (mismatch) {
    if (verbose?.verdict === 'key-rejected') return [mismatch, make('ssh.permission-denied', evidence, { reason: o.auth?.outcome.reason ?? undefined })];
    if (verbose?.verdict === 'key-permissions' && tooOpen.length > 0) return [mismatch, permissionsFinding()];
    return [mismatch];
  }
  switch (verbose?.verdict) {
    case 'key-permissions':
      return tooOpen.length > 0 ? [permissionsFinding()] : [make('ssh.permission-denied', evidence)];
    case 'no-key-offered': {
      if (tooOpen.length > 0) return [permissionsFinding()];
      // A locked key without its .pub file cannot even be offered: ssh needs the passphrase first.
      const locked = (o.keys ?? []).find((k) => k.exists && k.encrypted === true && !agentHolds(o.agent, k.fingerprint));
      return locked ? [make('ssh.key-needs-passphrase', evidence, { keyPath: locked.path })] : [make('ssh.no-key', evidence)];
    }
    case 'key-needs-passphrase':
      return [make('ssh.key-needs-passphrase', evidence, { keyPath: verbose.accepted?.label })];
    case 'agent-refused':
      return [make('ssh.permission-denied', evidence, { reason: 'The SSH agent refused to sign with the key Bitbucket accepted ("agent refused operation").' })];
    case 'key-rejected': {
      const offered = verbose.offered.map((k) => `${k.label}${k.fingerprint ? ` (${k.fingerprint})` : ''}`).join(', ');
      const denied = make('ssh.permission-denied', evidence, { reason: o.auth?.outcome.reason ?? `ssh offered ${offered}, and none of them is registered for this account or repository.` });
      return tooOpen.length > 0 ? [denied, permissionsFinding()] : [denied];
    }
    default:
      return [make('ssh.permission-denied', evidence, { reason: o.auth?.outcome.reason ?? undefined })];
  }
}

/** Without the network only local facts speak: keys that cannot work, host keys that cannot match. */
function offlineFindings(o: SshObservations, make: Make): Finding[] {
  const findings = localKeyFindings(o, make);
  const config = o.endpoint.config;
  if (o.knownHosts && config && !acceptsNewHostKeys(config)) {
    const evidence = knownHostsEvidence(o.knownHosts);
    if (o.knownHosts.verdict === 'missing') findings.push(make('ssh.host-unknown', evidence, { host: knownHostsName(o) }));
    if (o.knownHosts.verdict === 'retired') findings.push(make('ssh.host-key-changed', evidence, { host: knownHostsName(o) }));
  }
  return findings;
}

/** Keys that cannot work, from the files and the agent alone: too open, or none at all. */
function localKeyFindings(o: SshObservations, make: Make): Finding[] {
  const findings: Finding[] = [];
  const config = o.endpoint.config;
  const keys = o.keys ?? [];
  const keyEvidence = keysEvidence(o.keys);
  const tooOpen = tooOpenKeys(o);
  if (tooOpen.length > 0) findings.push(make('ssh.key-permissions', keyEvidence, keyPermissionParams(tooOpen[0]!)));
  const agentHasKeys = o.agent?.status === 'keys' && o.agent.keys.length > 0 && !config?.identitiesOnly;
  if (config && keys.length > 0 && !keys.some((k) => k.exists) && !agentHasKeys) {
    const evidence = [...keyEvidence, ...agentEvidence(o)];
    findings.push(mismatchFinding(o, evidence, make) ?? make('ssh.no-key', evidence));
  }
  return findings;
}

function agentEvidence(o: SshObservations): string[] {
  if (!o.agent) return [];
  const windows = o.agent.windows ? [o.agent.windows.openssh.summary, o.agent.windows.pageant.summary] : [];
  return [`agent: ${o.agent.summary}`, ...windows.filter((line) => line !== o.agent!.summary)];
}

/** ssh.agent-mismatch when another agent on Windows holds keys that the ssh git runs cannot reach. */
function mismatchFinding(o: SshObservations, evidence: string[], make: Make): Finding | null {
  const other = agentMismatch(o.agent, o.endpoint.flavour);
  if (!other) return null;
  const agent = other.kind === 'pageant' ? 'Pageant' : 'the OpenSSH Authentication Agent';
  const ssh = FLAVOUR_NAMES[o.endpoint.flavour];
  const ran = o.endpoint.program ? [`git runs ${o.endpoint.program} (${ssh})`] : [];
  const found = make('ssh.agent-mismatch', [...ran, ...evidence], { agent, ssh, reason: mismatchAdvice(o.endpoint.flavour, other.kind) });
  // Only the Windows agent is reached by switching git to OpenSSH for Windows; Pageant's ways out are manual.
  return other.kind === 'windows-openssh' && o.endpoint.flavour !== 'putty' ? found : { ...found, fixes: [] };
}

/** The way out for each pair of ssh build and agent, in one sentence with the command. */
function mismatchAdvice(flavour: SshFlavour, other: 'windows-openssh' | 'pageant'): string {
  if (other === 'windows-openssh') {
    if (flavour === 'putty') return 'plink only talks to Pageant: load the key into Pageant, or let git use OpenSSH for Windows, which talks to that agent.';
    return `Let git use OpenSSH for Windows, which talks to that agent: git config --global core.sshCommand ${WINDOWS_OPENSSH_SSH_EXAMPLE}`;
  }
  if (flavour === 'windows-openssh') return 'OpenSSH for Windows reaches Pageant only through its pipe: start Pageant with --openssh-config and Include that file from ~/.ssh/config, or load the key into the OpenSSH Authentication Agent (ssh-add).';
  return "Let git use PuTTY's plink, which talks to Pageant (set GIT_SSH to plink.exe, or core.sshCommand to plink with ssh.variant plink), or load the key into an agent git's ssh uses.";
}

/** The name ssh looks the host key up under: HostKeyAlias when set (an alias pointing elsewhere), else the host. */
function knownHostsName(o: SshObservations): string {
  return o.endpoint.config?.hostKeyAlias ?? o.endpoint.hostname;
}

function agentHolds(agent: AgentState | null, fingerprint: string | null): boolean {
  return fingerprint !== null && (agent?.keys ?? []).some((k) => k.fingerprint === fingerprint);
}

type TooOpen = { path: string; mode: string; who?: string };

/** POSIX: its mode; Windows: who else may use it ("BUILTIN\Users"). */
function keyPermissionParams(key: TooOpen): FindingParams {
  return key.mode ? { keyPath: key.path, mode: key.mode } : { keyPath: key.path, reason: key.who ? `${key.who} may use it` : undefined };
}

function tooOpenKeys(o: SshObservations): TooOpen[] {
  const fromOutput = o.auth?.outcome.unprotectedKeys ?? [];
  const fromFiles = (o.keys ?? []).filter((k) => k.tooOpen).map((k) => ({ path: k.path, mode: k.mode ?? '', who: k.othersAccess ?? undefined }));
  const seen = new Set<string>();
  return [...fromOutput, ...fromFiles].filter((k) => !seen.has(k.path) && seen.add(k.path));
}

/** "/h/.ssh/id_ed25519: mode 0600, ssh-ed25519 SHA256:..., passphrase-protected" per identity file. */
export function keysEvidence(keys: IdentityFileInfo[] | null): string[] {
  return (keys ?? []).map(describeIdentityFile);
}

export function describeIdentityFile(k: IdentityFileInfo): string {
  if (!k.exists) return `${k.path}: does not exist`;
  const facts = [
    k.mode ? `mode ${k.mode}${k.tooOpen ? ' (readable by others: ssh ignores it)' : ''}` : null,
    k.othersAccess ? `others may use it: ${k.othersAccess}${k.tooOpen ? ' (OpenSSH for Windows ignores it)' : ' (OpenSSH for Windows would ignore it; the ssh git runs does not check)'}` : null,
    k.keyType,
    k.fingerprint,
    k.encrypted === true ? 'passphrase-protected' : k.encrypted === false ? 'no passphrase' : null,
    k.pubFingerprint && k.fingerprint && k.pubFingerprint !== k.fingerprint ? `its .pub file holds a different key (${k.pubFingerprint})` : null,
    k.problem,
  ].filter(Boolean);
  return `${k.path}: ${facts.join(', ')}`;
}

export function knownHostsEvidence(report: KnownHostsReport | null): string[] {
  if (!report) return [];
  const files = report.files.map((f) => `${f.path}${f.exists ? '' : ' (missing)'}`).join(', ');
  const lines = report.matches.map(describeMatch);
  return [`known_hosts entries for ${report.lookupName} in ${files || 'no files'}: ${lines.length === 0 ? 'none' : lines.length}`, ...lines];
}
