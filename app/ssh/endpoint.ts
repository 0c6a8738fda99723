import { access, constants } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { findProgram, gitRuntime, runPlanned, type GitRuntime } from '../exec/git-runtime.js';
import { oncePerRun } from '../exec/once-per-run.js';
import { describeRepoCommand, type RepoCommand } from '../contract/trust.js';
import { blockedSshCommand, notRunSummary, repoGuard } from '../repo/repo-commands.js';
import type { RemoteUrl } from '../repo/url.js';
import { parseSshG, type SshClientConfig } from './client-config.js';
import { describeSshCommand, planSsh, portArgs, resolveSshCommand, splitCommandLine, sshDestination, type SshCommand, type SshVariant } from './command.js';
import { FLAVOUR_NAMES, sshFlavour, type SshFlavour } from './flavour.js';

/** Where an SSH remote really goes: git's ssh command and OpenSSH's effective config for the URL. */
export interface SshEndpoint {
  url: RemoteUrl;
  command: SshCommand;
  /** The variant git will use, after its `-G` test for programs it does not know. */
  variant: Exclude<SshVariant, 'auto'>;
  /** Why the ssh command cannot be run at all, or null. */
  commandError: string | null;
  /** The file git starts for ssh (resolved on git's PATH), or null when only a shell knows it. */
  program: string | null;
  /** Which ssh build that is: it decides the agent and the key-permission rules. */
  flavour: SshFlavour;
  /** git's shell, PATH and environment, for everything that runs "the ssh git uses". */
  runtime: GitRuntime;
  /** OpenSSH's effective config (`ssh -G`), or null for plink or when -G failed (see configNote). */
  config: SshClientConfig | null;
  configNote: string | null;
  /** ssh refuses to start because a config file it reads has an error ("line 2: Bad configuration option"), or null. */
  configError: string | null;
  /** The repository's own core.sshCommand, which git would run but the repository is not trusted to: nothing was run. */
  blockedBy: RepoCommand | null;
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
  const [command, runtime, guard] = await Promise.all([resolveSshCommand(ctx, repoRoot), gitRuntime(ctx), repoGuard(ctx, repoRoot)]);
  const host = url.host ?? '';
  const evidence: string[] = [];
  const variant = command.variant === 'auto' ? 'ssh' : command.variant;
  const endpoint: SshEndpoint = { url, command, variant, commandError: null, program: null, flavour: 'openssh', runtime, config: null, configNote: null, configError: null, blockedBy: null, commandHangs: null, hostname: host, port: url.port ?? 22, user: url.username, evidence };
  // Not even `ssh -G`: it would start the repository's command.
  const blocked = blockedSshCommand(guard);
  if (blocked) {
    endpoint.blockedBy = blocked;
    endpoint.configNote = notRunSummary([blocked]);
    endpoint.evidence = [ctx.secrets.redact(`ssh command: ${describeRepoCommand(blocked)} (not run: the repository is not trusted)`)];
    return endpoint;
  }

  const openSsh = command.variant === 'ssh' || command.variant === 'auto';
  // ssh -G and ssh -V do not depend on the repository: a re-test of many asks once per command and destination.
  const once = <T>(question: unknown[], ask: () => Promise<T>) => oncePerRun(ctx, [...question, command.value, command.shell], ask);
  const [located, g, version] = await Promise.all([
    locateProgram(ctx, runtime, command),
    openSsh ? once(['ssh -G', url.username, url.host, url.port], () => runSshG(ctx, runtime, command, url)) : Promise.resolve(null),
    // On Windows the build decides the agent and the key checks: ask it (`ssh -V`).
    openSsh && ctx.platform === 'win32' ? once(['ssh -V'], () => sshVersion(ctx, runtime, command)) : Promise.resolve(null),
  ]);
  const missing = located.problem;
  endpoint.commandError = missing;
  endpoint.program = located.file;
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
  endpoint.flavour = sshFlavour({ variant: endpoint.variant, program: endpoint.program, runtime, env: ctx.env, versionLine: version });
  const build = ctx.platform === 'win32' && endpoint.program ? [`git starts ${endpoint.program} (${FLAVOUR_NAMES[endpoint.flavour]}${version ? `, ${version}` : ''})`] : [];
  endpoint.evidence = [`ssh command: ${describeSshCommand(command, endpoint.variant)}`, ...build, ...evidence].map((line) => ctx.secrets.redact(line));
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

async function runSshG(ctx: EngineContext, runtime: GitRuntime, command: SshCommand, url: RemoteUrl): Promise<SshGResult> {
  const host = url.host ?? '';
  const planned = await planSsh(runtime, command, [], ['-G', ...portArgs('ssh', url.port), sshDestination(url.username, host)]);
  const result = await runPlanned(runtime, planned, { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const said = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).find((l) => l && !/^Pseudo-terminal/.test(l)) ?? '';
  if (result.timedOut) return { config: null, error: timedOutReason(ctx.timeoutMs), timedOut: true, said: said.slice(0, 200) };
  if (result.exitCode !== 0 || !/^hostname /m.test(result.stdout)) {
    const line = result.stderr.split('\n').map((l) => l.trim()).find((l) => l && !/^Pseudo-terminal/.test(l));
    return { config: null, error: line ?? result.spawnError ?? `exit code ${result.exitCode}`, timedOut: false, said };
  }
  const localUser = ctx.env.USER || ctx.env.LOGNAME || ctx.env.USERNAME || safeUsername();
  return { config: parseSshG(result.stdout, { homeDir: ctx.homeDir, localUser, originalHost: host }), error: '', timedOut: false, said };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

/** `ssh -V` of the program git starts: its first line ("OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2"), or null. */
async function sshVersion(ctx: EngineContext, runtime: GitRuntime, command: SshCommand): Promise<string | null> {
  const result = await runPlanned(runtime, await planSsh(runtime, command, [], ['-V']), { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  return `${result.stderr}${result.stdout}`.split(/\r?\n/).map((l) => l.trim()).find((l) => /^OpenSSH/i.test(l)) ?? null;
}

/**
 * The file git will start for ssh, found the way git finds it (its PATH on Windows puts its own
 * usr\bin first), and why it cannot be started: null problem = fine, or cannot be told.
 */
async function locateProgram(ctx: EngineContext, runtime: GitRuntime, command: SshCommand): Promise<{ file: string | null; problem: string | null }> {
  const program = command.shell ? (splitCommandLine(command.value)?.[0] ?? null) : command.value;
  if (command.shell && command.value.trim() === '') return { file: null, problem: `${command.origin} is empty` };
  // An assignment or expansion first ("FOO=1 ssh", "$SSH"): only the shell knows the program.
  if (!program || /[=$`]/.test(program)) return { file: null, problem: null };
  // The shell expands a leading ~ of a command line; git does not for GIT_SSH.
  const expanded = command.shell ? program.replace(/^~(?=[\\/]|$)/, ctx.homeDir) : program;
  if (expanded.includes('/') || (ctx.platform === 'win32' && expanded.includes('\\'))) {
    const file = (await findProgram(runtime, expanded)) ?? (ctx.platform === 'win32' ? null : expanded);
    if (!file) return { file: null, problem: `${program} does not exist` };
    try {
      await access(path.resolve(file), ctx.platform === 'win32' ? constants.F_OK : constants.X_OK);
      return { file, problem: null };
    } catch (error) {
      return { file: null, problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${program} does not exist` : `${program} is not executable` };
    }
  }
  const file = await findProgram(runtime, expanded);
  return file ? { file, problem: null } : { file: null, problem: `${program} was not found on git's PATH` };
}
