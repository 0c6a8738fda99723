import type { EngineContext } from '../context.js';
import { withoutPassword } from '../credentials/fill.js';
import type { RemoteTarget } from '../diagnose/target.js';
import { git } from '../git/git.js';
import { revealSecret, type Secret } from '../secrets/secret.js';
import { classifyGitHttpOutput, type HttpsOutcome } from './classify.js';
import { credentialHandoff, handoffChannel } from './credential-handoff.js';

/**
 * Live HTTPS probes, run as the user's own push runs (their repo, config, environment, proxy and CA
 * settings), with one difference: the user's credential helpers are switched off for the call and
 * a one-shot helper hands git the credential instead. git tells helpers to erase a credential
 * after a 401; switching theirs off is what keeps the diagnosis read-only.
 *
 * How the one-shot helper gets the credential (a descriptor, or on Windows the environment of git's
 * process tree) is credential-handoff.ts.
 */

/**
 * The branch the write probe "deletes". With --dry-run git only fetches the receive-pack
 * advertisement (which is where Bitbucket checks write access) and sends nothing; a deletion
 * refspec needs no local branch.
 */
export const WRITE_PROBE_REF = 'refs/heads/push-doctor-write-probe';

export type ProbeKind = 'read' | 'write';

export interface ProbeCredential {
  username: string | null;
  secret: Secret;
}

export interface ProbeResult {
  kind: ProbeKind;
  outcome: HttpsOutcome;
  /** What ran, safe to show ("git push --dry-run ... origin :refs/heads/..."). */
  command: string;
  /** Redacted output lines. */
  evidence: string[];
  exitCode: number | null;
  durationMs: number;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Runs each probe of probeRemote (a fleet run shares and limits them, see shared-probes.ts); default: at once. */
  via?: (kind: ProbeKind, probe: () => Promise<ProbeResult>) => Promise<ProbeResult>;
}

/** Where a probe connects: a remote name (git resolves it) or a URL without a password. */
export interface ProbeTarget {
  where: string;
  /** How many credential requests to answer (one per URL git connects to). */
  answers: number;
}

export async function runProbe(
  ctx: EngineContext,
  repoRoot: string,
  kind: ProbeKind,
  target: ProbeTarget,
  credential: ProbeCredential | null,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const args =
    kind === 'read'
      ? ['ls-remote', target.where, 'HEAD']
      : ['push', '--dry-run', '--no-verify', '--porcelain', '--no-recurse-submodules', '--no-signed', '--no-follow-tags', target.where, `:${WRITE_PROBE_REF}`];
  const command = ctx.secrets.redact(`git ${args.join(' ')}`);
  const pair = credential ? credentialLines(credential) : null;
  if (credential && !pair) {
    const outcome: HttpsOutcome = { kind: 'unknown', status: null, hint: null, reason: 'the saved username or secret contains a line break, which git cannot send', serverMessage: [] };
    return { kind, outcome, command, evidence: [], exitCode: null, durationMs: 0 };
  }
  const handoff = credentialHandoff(handoffChannel(ctx.platform), pair ?? '', target.answers);
  const result = await git(ctx, args, {
    cwd: repoRoot,
    config: [
      ['credential.helper', ''],
      ['credential.helper', handoff.helper],
      // Protocol v2 adds a POST after the advertisement; access is decided on the advertisement
      // already (as for push, which never uses v2), so the read probe saves that round trip.
      ...(kind === 'read' ? ([['protocol.version', '0']] as Array<[string, string]>) : []),
    ],
    fd3: handoff.fd3,
    env: handoff.env,
    signal: options.signal,
  });
  const outcome: HttpsOutcome = options.signal?.aborted
    ? { kind: 'unknown', status: null, hint: null, reason: 'cancelled', serverMessage: [] }
    : classifyGitHttpOutput(result, ctx.timeoutMs);
  const evidence = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .map((line) => ctx.secrets.redact(line));
  return { kind, outcome, command, evidence, exitCode: result.exitCode, durationMs: result.durationMs };
}

export function credentialLines(credential: ProbeCredential): string | null {
  const secret = revealSecret(credential.secret);
  const username = credential.username ?? '';
  if (/[\n\r\0]/.test(secret) || /[\n\r\0]/.test(username)) return null;
  // An unknown key keeps the pair two lines long when there is no username (git ignores it).
  return `${credential.username === null ? 'x-push-doctor=no-username' : `username=${username}`}\npassword=${secret}\n`;
}

/**
 * The probes as the user's push runs them: the write probe pushes to the remote by name (pushurl,
 * pushInsteadOf and every push URL apply); the read probe lists the same URL the push uses.
 */
export function configuredProbeTargets(target: RemoteTarget): { read: ProbeTarget; write: ProbeTarget } {
  const pushUrls = target.remote.resolvedPushUrls;
  const firstPush = pushUrls[0] ?? target.remote.resolvedFetchUrl;
  const sameAsFetch = firstPush === target.remote.resolvedFetchUrl;
  return {
    read: { where: sameAsFetch ? target.remote.name : withoutPassword(firstPush), answers: 1 },
    write: { where: target.remote.name, answers: Math.max(1, pushUrls.length) },
  };
}

/** Reads and pushes (dry run) concurrently, as configured, with the given credential. */
export async function probeRemote(
  ctx: EngineContext,
  target: RemoteTarget,
  credential: ProbeCredential | null,
  options: ProbeOptions = {},
): Promise<{ read: ProbeResult; write: ProbeResult }> {
  const where = configuredProbeTargets(target);
  const via = options.via ?? ((_kind, probe) => probe());
  const [read, write] = await Promise.all([
    via('read', () => runProbe(ctx, target.repoRoot, 'read', where.read, credential, options)),
    via('write', () => runProbe(ctx, target.repoRoot, 'write', where.write, credential, options)),
  ]);
  return { read, write };
}

/**
 * Tests a credential that is not saved yet (the repairs call this before saving a new token): the
 * first push URL with its username and password removed, so git takes exactly this credential.
 */
export async function testCredential(
  ctx: EngineContext,
  target: RemoteTarget,
  credential: { username: string; secret: Secret },
  options: ProbeOptions = {},
): Promise<{ read: ProbeResult; write: ProbeResult }> {
  ctx.secrets.add(credential.secret);
  const url = withoutUserinfo(target.remote.resolvedPushUrls[0] ?? target.remote.resolvedFetchUrl);
  const where: ProbeTarget = { where: url, answers: 1 };
  const [read, write] = await Promise.all([
    runProbe(ctx, target.repoRoot, 'read', where, credential, options),
    runProbe(ctx, target.repoRoot, 'write', where, credential, options),
  ]);
  return { read, write };
}

function withoutUserinfo(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/, '$1');
}
