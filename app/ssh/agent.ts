import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { envValue, nonInteractiveEnv } from '../exec/env.js';
import { siblingProgram, type GitRuntime } from '../exec/git-runtime.js';
import { run } from '../exec/run.js';
import { windowsOpenSsh } from '../exec/windows-tools.js';
import { WINDOWS_OPENSSH_AGENT_PIPE } from '../facts/windows.js';
import { parseAgentList, type AgentKey } from './agent-keys.js';
import type { SshFlavour } from './flavour.js';
import { inspectWindowsAgents, type WindowsAgent, type WindowsAgents } from './windows-agents.js';

export { parseAgentList, type AgentKey } from './agent-keys.js';

export type AgentStatus = 'keys' | 'empty' | 'not-set' | 'disabled' | 'unreachable' | 'unavailable';

export interface AgentState {
  status: AgentStatus;
  /** The socket (or Windows pipe) ssh would use, or null. */
  socket: string | null;
  /** Where the socket comes from: "IdentityAgent", "SSH_AUTH_SOCK", "Pageant". */
  source: string | null;
  keys: AgentKey[];
  /** One plain line: what the agent holds or why it cannot be asked. */
  summary: string;
  /** Windows: every agent found there (OpenSSH Authentication Agent, Pageant), used or not; null elsewhere. */
  windows: WindowsAgents | null;
}

/** The ssh git runs, as far as the agent is concerned: its build, and the program (ssh-add is found beside it). */
export interface AgentTarget {
  flavour: SshFlavour;
  runtime: GitRuntime;
  program: string | null;
}

/**
 * The agent socket ssh uses: IdentityAgent from `ssh -G` (path, $VAR, SSH_AUTH_SOCK, none), else
 * $SSH_AUTH_SOCK; OpenSSH for Windows falls back to its agent's pipe. Pure.
 */
export function agentSocket(
  identityAgent: string | null,
  env: NodeJS.ProcessEnv,
  homeDir: string,
  flavour: SshFlavour = 'openssh',
): { socket: string | null; source: string | null; disabled: boolean } {
  if (identityAgent === 'none') return { socket: null, source: 'IdentityAgent', disabled: true };
  if (identityAgent && identityAgent !== 'SSH_AUTH_SOCK') {
    if (identityAgent.startsWith('$')) return { socket: env[identityAgent.slice(1)] || null, source: `IdentityAgent ${identityAgent}`, disabled: false };
    return { socket: identityAgent.replace(/^~(?=\/|$)/, homeDir), source: 'IdentityAgent', disabled: false };
  }
  const fromEnv = flavour === 'windows-openssh' ? envValue(env, 'SSH_AUTH_SOCK', 'win32') : env.SSH_AUTH_SOCK;
  if (!fromEnv && flavour === 'windows-openssh') return { socket: WINDOWS_OPENSSH_AGENT_PIPE, source: 'the default of OpenSSH for Windows', disabled: false };
  return { socket: fromEnv || null, source: 'SSH_AUTH_SOCK', disabled: false };
}

/** Asks the agent ssh would use which keys it holds (`ssh-add -l`). Read-only. */
export async function inspectAgent(ctx: EngineContext, identityAgent: string | null, target?: AgentTarget): Promise<AgentState> {
  const flavour = target?.flavour ?? 'openssh';
  const windows = ctx.platform === 'win32' ? await inspectWindowsAgents(ctx) : null;
  if (windows && flavour === 'putty') return pageantState(windows);
  const { socket, source, disabled } = agentSocket(identityAgent, ctx.env, ctx.homeDir, flavour);
  const base = { socket, source, keys: [] as AgentKey[], windows };
  if (disabled) return { ...base, status: 'disabled', socket: null, summary: 'ssh is configured not to use an agent (IdentityAgent none)' };
  if (!socket) {
    const only = windows ? " (Git for Windows' ssh only talks to the agent SSH_AUTH_SOCK names, not to the OpenSSH Authentication Agent or Pageant)" : '';
    return { ...base, status: 'not-set', summary: `no SSH agent is running for this session (SSH_AUTH_SOCK is not set)${only}` };
  }
  // A Windows pipe already asked while looking around: the same answer.
  const known = windows ? [windows.openssh, windows.pageant].find((a) => a.pipe !== null && a.pipe.toLowerCase() === socket.toLowerCase()) : undefined;
  if (windows && socket === WINDOWS_OPENSSH_AGENT_PIPE && !windows.openssh.running) return { ...base, status: 'not-set', summary: windows.openssh.summary };
  if (known?.keys) return stateOf(base, known.keys);
  const env = { ...nonInteractiveEnv(ctx.env), SSH_AUTH_SOCK: socket };
  const result = await run(await sshAdd(ctx, target), ['-l', '-E', 'sha256'], { env, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  if (result.spawnError) return { ...base, status: 'unavailable', summary: `ssh-add could not be started: ${result.spawnError}` };
  if (result.timedOut) return { ...base, status: 'unreachable', summary: `the agent at ${socket} did not answer: ${timedOutReason(ctx.timeoutMs)}` };
  if (result.exitCode === 0 || result.exitCode === 1) return stateOf(base, result.exitCode === 0 ? parseAgentList(result.stdout) : []);
  const line = `${result.stderr}${result.stdout}`.trim().split(/\r?\n/)[0] ?? '';
  return { ...base, status: 'unreachable', summary: `the agent at ${socket} cannot be reached${line ? ` (${line})` : ''}` };
}

function stateOf(base: Omit<AgentState, 'status' | 'summary'>, keys: AgentKey[]): AgentState {
  if (keys.length === 0) return { ...base, status: 'empty', summary: 'the agent is running but holds no keys' };
  return { ...base, keys, status: 'keys', summary: `the agent holds ${keys.length} key${keys.length === 1 ? '' : 's'}` };
}

/** plink and TortoisePlink use Pageant, whatever SSH_AUTH_SOCK says. */
function pageantState(windows: WindowsAgents): AgentState {
  const p = windows.pageant;
  const base = { socket: p.pipe, source: 'Pageant', keys: p.keys ?? [], windows };
  if (!p.running) return { ...base, status: 'not-set', summary: 'PuTTY (plink) uses Pageant, and Pageant is not running' };
  if (p.keys === null) return { ...base, status: 'unavailable', summary: p.summary };
  return { ...base, status: p.keys.length ? 'keys' : 'empty', summary: p.summary };
}

/** The ssh-add that speaks to the agent of the ssh git runs: the one beside it, else Windows' own or the PATH's. */
async function sshAdd(ctx: EngineContext, target?: AgentTarget): Promise<string> {
  const beside = target?.program ? await siblingProgram(target.runtime, target.program, 'ssh-add') : null;
  if (beside) return beside;
  return target?.flavour === 'windows-openssh' ? windowsOpenSsh(ctx.env, 'ssh-add') : 'ssh-add';
}

/**
 * Windows: another agent holds keys that the agent of the ssh git runs does not, so ssh cannot
 * offer them ("Permission denied (publickey)" although `ssh-add -l` in PowerShell lists the key).
 * Pure.
 */
export function agentMismatch(agent: AgentState | null, flavour: SshFlavour): WindowsAgent | null {
  if (!agent?.windows) return null;
  if (agent.status === 'keys' && agent.keys.length > 0) return null;
  const { openssh, pageant } = agent.windows;
  const others = flavour === 'putty' ? [openssh] : flavour === 'windows-openssh' ? [pageant] : [openssh, pageant];
  return others.find((a) => a.running && a.pipe !== agent.socket && (a.keys?.length ?? 0) > 0) ?? null;
}
