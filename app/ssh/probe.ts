import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { runPlanned } from '../exec/git-runtime.js';
import type { RunResult } from '../exec/run.js';
import { git } from '../git/git.js';
import { acceptsNewHostKeys } from './client-config.js';
import { classifySshOutput, classifyVerboseAuth, type SshOutcome, type VerboseAuth } from './classify.js';
import { commandWithSwitches, maskCommandSecrets, planSsh, portArgs, sshDestination, variantSwitches } from './command.js';
import type { SshEndpoint } from './endpoint.js';

/** ssh's own connect timeout: a little under ours, so a silent server yields ssh's clear message first. */
export function connectTimeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000) - 1);
}

/**
 * The switches every probe adds to the user's ssh command. They keep the probe from prompting and
 * from writing anything, and change nothing else:
 * - BatchMode=yes: never ask for a passphrase or a host key decision.
 * - StrictHostKeyChecking=yes: an unknown host fails instead of being added to known_hosts. When
 *   the user's own ssh trusts new hosts by itself (accept-new/no), their settings stay and ssh
 *   writes to throwaway copies of their known_hosts files instead, so the probe behaves like their
 *   push without touching their files.
 * - ConnectTimeout: a silent server fails with ssh's own message before our hard timeout.
 * - UpdateHostKeys=no, ControlMaster=no (an existing master is still used), AddKeysToAgent=no:
 *   no writes to known_hosts, no new control sockets, no change to the agent.
 * - LogLevel=INFO: the messages the classifier reads are printed even if the config silences them.
 */
export interface ProbeSession {
  sshOptions: Array<[string, string]>;
  /** Redacted note for evidence when throwaway known_hosts copies are used. */
  note: string | null;
  dispose(): Promise<void>;
}

export async function openProbeSession(ctx: EngineContext, endpoint: SshEndpoint): Promise<ProbeSession> {
  const options: Array<[string, string]> = [['BatchMode', 'yes']];
  let tempDir: string | null = null;
  let note: string | null = null;
  const config = endpoint.config;
  if (config && acceptsNewHostKeys(config)) {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-known-hosts-'));
    const copies = await Promise.all(
      config.userKnownHostsFiles.map(async (file, index) => {
        const copy = path.join(tempDir!, `known_hosts_${index}`);
        await copyFile(file, copy).catch(() => writeFile(copy, ''));
        return copy;
      }),
    );
    if (copies.length > 0) options.push(['UserKnownHostsFile', copies.join(' ')]);
    note = `StrictHostKeyChecking is ${config.strictHostKeyChecking} for this host: ssh trusts new host keys by itself (the probe used copies of known_hosts)`;
  } else {
    options.push(['StrictHostKeyChecking', 'yes']);
  }
  options.push(['ConnectTimeout', String(connectTimeoutSeconds(ctx.timeoutMs))], ['UpdateHostKeys', 'no'], ['ControlMaster', 'no'], ['AddKeysToAgent', 'no']);
  return {
    sshOptions: options,
    note,
    dispose: async () => {
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

export interface ProbeRun {
  /** The command as run, for evidence (secrets masked). */
  display: string;
  result: RunResult;
  outcome: SshOutcome;
}

export interface AuthProbeOptions {
  /** One `-v` run to see which keys were offered and accepted. */
  verbose?: boolean;
  /** Data Center: run `whoami` instead of asking for a shell. */
  whoami?: boolean;
  signal?: AbortSignal;
}

export interface AuthProbeRun extends ProbeRun {
  verbose: VerboseAuth | null;
}

/** `ssh -T [user@]host` (or `whoami`) through git's ssh command, exactly as git would start it. */
export async function probeAuth(ctx: EngineContext, endpoint: SshEndpoint, session: ProbeSession, options: AuthProbeOptions = {}): Promise<AuthProbeRun> {
  const flags = ['-T', ...(options.verbose ? ['-v'] : [])];
  const sshOptions = options.verbose ? session.sshOptions : [...session.sshOptions, ['LogLevel', 'INFO'] as [string, string]];
  const switches = variantSwitches(endpoint.variant, { sshOptions, sshFlags: flags });
  const commandLine = commandWithSwitches(endpoint.command, switches);
  const destination = sshDestination(endpoint.url.username, endpoint.url.host ?? '');
  const args = [...portArgs(endpoint.variant, endpoint.url.port), destination, ...(options.whoami ? ['whoami'] : [])];
  const planned = await planSsh(endpoint.runtime, endpoint.command, switches, args);
  const result = await runPlanned(endpoint.runtime, planned, { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: options.signal ?? ctx.signal });
  const outcome = classifySshOutput(result, { timeoutMs: ctx.timeoutMs, connectTimeoutSeconds: connectTimeoutSeconds(ctx.timeoutMs), expect: options.whoami ? 'whoami' : 'shell' });
  return {
    display: ctx.secrets.redact(maskCommandSecrets(`${commandLine} ${args.join(' ')}`)),
    result,
    outcome,
    verbose: options.verbose ? classifyVerboseAuth(result.stderr) : null,
  };
}

/** A branch name no repository has: the write probe asks to delete it, which --dry-run never sends. */
export function probeRefName(): string {
  return `refs/heads/push-doctor-probe-${randomBytes(6).toString('hex')}`;
}

/**
 * The write path through git itself, so the user's push URL, rewrites and ssh command apply:
 * `git push --dry-run` connects to git-receive-pack (where Bitbucket refuses deploy keys and
 * missing repositories) and sends nothing. Our switches reach ssh through GIT_SSH_COMMAND, built
 * from the user's own command.
 */
export async function probeWrite(ctx: EngineContext, repoRoot: string, remoteName: string, endpoint: SshEndpoint, session: ProbeSession, signal?: AbortSignal): Promise<ProbeRun> {
  const sshCommand = commandWithSwitches(endpoint.command, variantSwitches(endpoint.variant, { sshOptions: [...session.sshOptions, ['LogLevel', 'INFO']], sshFlags: [] }));
  const args = ['push', '--dry-run', '--no-verify', '--porcelain', '--no-recurse-submodules', remoteName, `:${probeRefName()}`];
  const result = await git(ctx, args, { cwd: repoRoot, env: { GIT_SSH_COMMAND: sshCommand }, signal });
  const outcome = classifySshOutput(result, { timeoutMs: ctx.timeoutMs, connectTimeoutSeconds: connectTimeoutSeconds(ctx.timeoutMs), expect: 'git' });
  return { display: ctx.secrets.redact(maskCommandSecrets(`GIT_SSH_COMMAND="${sshCommand}" git ${args.join(' ')}`)), result, outcome };
}
