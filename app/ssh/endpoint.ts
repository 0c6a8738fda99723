import { access, constants } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';
import type { RemoteUrl } from '../repo/url.js';
import { parseSshG, type SshClientConfig } from './client-config.js';
import { commandWithSwitches, describeSshCommand, portArgs, resolveSshCommand, shellInvocation, splitCommandLine, sshDestination, type SshCommand, type SshVariant } from './command.js';

/** Where an SSH remote really goes: git's ssh command and OpenSSH's effective config for the URL. */
export interface SshEndpoint {
  url: RemoteUrl;
  command: SshCommand;
  /** The variant git will use, after its `-G` test for programs it does not know. */
  variant: Exclude<SshVariant, 'auto'>;
  /** Why the ssh command cannot be run at all, or null. */
  commandError: string | null;
  /** OpenSSH's effective config (`ssh -G`), or null for plink or when -G failed (see configNote). */
  config: SshClientConfig | null;
  configNote: string | null;
  /** ssh refuses to start because a config file it reads has an error ("line 2: Bad configuration option"), or null. */
  configError: string | null;
  /** `<command> -G` (which only reads configuration) did not finish in time: why ("timed out after 15 s"), or null. */
  commandHangs: string | null;
  /** Host, port and user ssh really connects to (HostName/Port/User applied). */
  hostname: string;
  port: number;
  user: string | null;
  /** Redacted lines for evidence. */
  evidence: string[];
}

/**
 * Resolves git's ssh command for the repository and asks OpenSSH (through that very command, like
 * git's own variant test) for its effective config for the URL's user, host and port, so that
 * config aliases resolve. Never throws: a missing command is described in the result.
 */
export async function inspectSshEndpoint(ctx: EngineContext, repoRoot: string, url: RemoteUrl): Promise<SshEndpoint> {
  const command = await resolveSshCommand(ctx, repoRoot);
  const host = url.host ?? '';
  const evidence: string[] = [];
  const endpoint: SshEndpoint = { url, command, variant: command.variant === 'auto' ? 'ssh' : command.variant, commandError: null, config: null, configNote: null, configError: null, commandHangs: null, hostname: host, port: url.port ?? 22, user: url.username, evidence };

  const [missing, g] = await Promise.all([
    programProblem(ctx, command),
    command.variant === 'ssh' || command.variant === 'auto' ? runSshG(ctx, command, url) : Promise.resolve(null),
  ]);
  endpoint.commandError = missing;
  if (missing) evidence.push(`cannot run the ssh command: ${missing}`);
  if (g === null) {
    endpoint.configNote = `${command.variant} has no "ssh -G"; its own settings are not inspected`;
  } else if (g.config) {
    endpoint.config = g.config;
    endpoint.hostname = g.config.hostname;
    endpoint.port = g.config.port;
    endpoint.user = g.config.user ?? url.username;
    evidence.push(`ssh -G ${sshDestination(url.username, host)}: hostname ${g.config.hostname}, port ${g.config.port}, user ${g.config.user ?? '(none)'}`);
  } else {
    // git's own test: a program that fails "-G" is run as the "simple" variant, without options.
    if (command.variant === 'auto') endpoint.variant = 'simple';
    endpoint.configNote = g.error;
    if (CONFIG_ERROR.test(g.error)) endpoint.configError = g.error;
    if (g.timedOut && !missing) endpoint.commandHangs = g.error;
    if (!missing) evidence.push(`ssh -G failed: ${g.error}`, ...(g.timedOut && g.said ? [`it printed: ${g.said}`] : []));
  }
  endpoint.evidence = [`ssh command: ${describeSshCommand(command, endpoint.variant)}`, ...evidence].map((line) => ctx.secrets.redact(line));
  return endpoint;
}

/** How OpenSSH reports a broken config file (readconf.c): it then refuses to run at all. */
const CONFIG_ERROR = /: line \d+: |Bad configuration option|bad configuration options|Can't open user config file|Unsupported option|keyword \S+ extra arguments/i;

interface SshGResult {
  config: SshClientConfig | null;
  error: string;
  timedOut: boolean;
  /** The first line the command printed (for a command that hangs). */
  said: string;
}

async function runSshG(ctx: EngineContext, command: SshCommand, url: RemoteUrl): Promise<SshGResult> {
  const host = url.host ?? '';
  const invocation = shellInvocation(commandWithSwitches(command, []), ['-G', ...portArgs('ssh', url.port), sshDestination(url.username, host)]);
  const result = await run(invocation.file, invocation.args, { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const said = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).find((l) => l && !/^Pseudo-terminal/.test(l)) ?? '';
  if (result.timedOut) return { config: null, error: timedOutReason(ctx.timeoutMs), timedOut: true, said: said.slice(0, 200) };
  if (result.exitCode !== 0 || !/^hostname /m.test(result.stdout)) {
    const line = result.stderr.split('\n').map((l) => l.trim()).find((l) => l && !/^Pseudo-terminal/.test(l));
    return { config: null, error: line ?? `exit code ${result.exitCode}`, timedOut: false, said };
  }
  const localUser = ctx.env.USER || ctx.env.LOGNAME || safeUsername();
  return { config: parseSshG(result.stdout, { homeDir: ctx.homeDir, localUser, originalHost: host }), error: '', timedOut: false, said };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

/** Whether the program git will start exists and is executable (null = fine, or cannot be told). */
async function programProblem(ctx: EngineContext, command: SshCommand): Promise<string | null> {
  const program = command.shell ? (splitCommandLine(command.value)?.[0] ?? null) : command.value;
  if (command.shell && command.value.trim() === '') return `${command.origin} is empty`;
  // An assignment or expansion first ("FOO=1 ssh", "$SSH"): only the shell knows the program.
  if (!program || /[=$`]/.test(program)) return null;
  const expanded = program.replace(/^~(?=\/|$)/, ctx.homeDir);
  if (expanded.includes('/') || (ctx.platform === 'win32' && expanded.includes('\\'))) {
    try {
      await access(path.resolve(expanded), constants.X_OK);
      return null;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${program} does not exist` : `${program} is not executable`;
    }
  }
  const lookup = await run('sh', ['-c', 'command -v -- "$1"', 'sh', expanded], { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  if (lookup.spawnError) return null;
  return lookup.exitCode === 0 ? null : `${program} was not found on PATH`;
}
