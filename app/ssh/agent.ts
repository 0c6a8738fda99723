import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';

export interface AgentKey {
  fingerprint: string;
  /** "ED25519" */
  type: string;
  /** The agent's comment for the key (often the file it was loaded from). */
  comment: string;
}

export type AgentStatus = 'keys' | 'empty' | 'not-set' | 'disabled' | 'unreachable' | 'unavailable';

export interface AgentState {
  status: AgentStatus;
  /** The socket ssh would use, or null. */
  socket: string | null;
  /** Where the socket comes from: "IdentityAgent", "SSH_AUTH_SOCK". */
  source: string | null;
  keys: AgentKey[];
  /** One plain line: what the agent holds or why it cannot be asked. */
  summary: string;
}

/** The agent socket ssh uses: IdentityAgent from `ssh -G` (path, $VAR, SSH_AUTH_SOCK, none), else $SSH_AUTH_SOCK. Pure. */
export function agentSocket(identityAgent: string | null, env: NodeJS.ProcessEnv, homeDir: string): { socket: string | null; source: string | null; disabled: boolean } {
  if (identityAgent === 'none') return { socket: null, source: 'IdentityAgent', disabled: true };
  if (identityAgent && identityAgent !== 'SSH_AUTH_SOCK') {
    if (identityAgent.startsWith('$')) return { socket: env[identityAgent.slice(1)] || null, source: `IdentityAgent ${identityAgent}`, disabled: false };
    return { socket: identityAgent.replace(/^~(?=\/|$)/, homeDir), source: 'IdentityAgent', disabled: false };
  }
  return { socket: env.SSH_AUTH_SOCK || null, source: 'SSH_AUTH_SOCK', disabled: false };
}

/** Parses `ssh-add -l -E sha256` lines: "256 SHA256:abc comment words (ED25519)". Pure. */
export function parseAgentList(output: string): AgentKey[] {
  const keys: AgentKey[] = [];
  for (const line of output.split('\n')) {
    const match = /^\d+\s+(SHA256:[A-Za-z0-9+/]+)\s+(.*?)\s*\(([^)]+)\)\s*$/.exec(line.trim());
    if (match) keys.push({ fingerprint: match[1]!, comment: match[2]!, type: match[3]! });
  }
  return keys;
}

/** Asks the agent ssh would use which keys it holds (`ssh-add -l`). Read-only. */
export async function inspectAgent(ctx: EngineContext, identityAgent: string | null): Promise<AgentState> {
  const { socket, source, disabled } = agentSocket(identityAgent, ctx.env, ctx.homeDir);
  if (disabled) return { status: 'disabled', socket: null, source, keys: [], summary: 'ssh is configured not to use an agent (IdentityAgent none)' };
  if (!socket) return { status: 'not-set', socket: null, source, keys: [], summary: 'no SSH agent is running for this session (SSH_AUTH_SOCK is not set)' };
  const env = { ...nonInteractiveEnv(ctx.env), SSH_AUTH_SOCK: socket };
  const result = await run('ssh-add', ['-l', '-E', 'sha256'], { env, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  if (result.spawnError) return { status: 'unavailable', socket, source, keys: [], summary: `ssh-add could not be started: ${result.spawnError}` };
  if (result.timedOut) return { status: 'unreachable', socket, source, keys: [], summary: `the agent at ${socket} did not answer: ${timedOutReason(ctx.timeoutMs)}` };
  if (result.exitCode === 0) {
    const keys = parseAgentList(result.stdout);
    return { status: 'keys', socket, source, keys, summary: `the agent holds ${keys.length} key${keys.length === 1 ? '' : 's'}` };
  }
  if (result.exitCode === 1) return { status: 'empty', socket, source, keys: [], summary: 'the agent is running but holds no keys' };
  const line = `${result.stderr}${result.stdout}`.trim().split('\n')[0] ?? '';
  return { status: 'unreachable', socket, source, keys: [], summary: `the agent at ${socket} cannot be reached${line ? ` (${line})` : ''}` };
}
