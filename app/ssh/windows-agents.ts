import { readdir } from 'node:fs/promises';
import type { EngineContext } from '../context.js';
import { envValue, nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';
import { systemTool, windowsOpenSsh } from '../exec/windows-tools.js';
import { PAGEANT_IMAGE_NAMES, PAGEANT_PIPE_PATTERN, WINDOWS_OPENSSH_AGENT_PIPE_NAME, WINDOWS_OPENSSH_AGENT_SERVICE, WINDOWS_PIPE_DIR } from '../facts/windows.js';
import { parseAgentList, type AgentKey } from './agent-keys.js';

/** The Windows service's state as sc.exe reports it (numbers, so a translated Windows reads the same). */
export interface ServiceState {
  installed: boolean;
  state: 'running' | 'stopped' | 'starting' | 'stopping' | 'paused' | 'unknown';
  startType: 'auto' | 'manual' | 'disabled' | 'unknown';
}

/** One agent on Windows that some ssh could use, and what it holds. */
export interface WindowsAgent {
  kind: 'windows-openssh' | 'pageant';
  /** `\\.\pipe\…` when it listens on a pipe, or null (Pageant before 0.75: window messages only). */
  pipe: string | null;
  running: boolean;
  /** Keys it holds, or null when they could not be listed. */
  keys: AgentKey[] | null;
  /** One plain line for evidence. */
  summary: string;
}

export interface WindowsAgents {
  openssh: WindowsAgent & { service: ServiceState | null };
  pageant: WindowsAgent;
}

/** `sc query ssh-agent` → installed and state. Reads STATE's number only. Pure. */
export function parseScQuery(text: string): Pick<ServiceState, 'installed' | 'state'> {
  const state = /^\s*STATE\s*:\s*(\d+)/m.exec(text)?.[1];
  if (state === undefined) return { installed: !/FAILED 1060/.test(text) && /SERVICE_NAME/i.test(text), state: 'unknown' };
  const states: Record<string, ServiceState['state']> = { '1': 'stopped', '2': 'starting', '3': 'stopping', '4': 'running', '5': 'starting', '6': 'stopping', '7': 'paused' };
  return { installed: true, state: states[state] ?? 'unknown' };
}

/** `sc qc ssh-agent` → start type (2 AUTO_START, 3 DEMAND_START, 4 DISABLED). Pure. */
export function parseScStartType(text: string): ServiceState['startType'] {
  const type = /^\s*START_TYPE\s*:\s*(\d+)/m.exec(text)?.[1];
  return type === '2' ? 'auto' : type === '3' ? 'manual' : type === '4' ? 'disabled' : 'unknown';
}

/** The Pageant pipe of this user among the pipe names, or null. Pure. */
export function pageantPipeName(pipes: readonly string[], username: string | undefined): string | null {
  const own = pipes.filter((name) => {
    const m = PAGEANT_PIPE_PATTERN.exec(name);
    return m && (!username || m[1]!.toLowerCase() === username.toLowerCase());
  });
  return own[0] ?? null;
}

/** `tasklist /FO CSV /NH` lines: whether a Pageant process runs. Pure. */
export function tasklistHasPageant(text: string): boolean {
  return text.split(/\r?\n/).some((line) => PAGEANT_IMAGE_NAMES.includes(/^"([^"]+)"/.exec(line.trim())?.[1]?.toLowerCase() ?? ''));
}

/**
 * Looks for the agents of Windows (read-only): the OpenSSH Authentication Agent (its pipe and its
 * service) and Pageant (its pipe, else its process), and lists their keys with Windows' own
 * ssh-add, which speaks to both pipes. Only on Windows; ctx.windowsPipeDir is the test seam that
 * stands in for `\\.\pipe\`.
 */
export async function inspectWindowsAgents(ctx: EngineContext): Promise<WindowsAgents> {
  const pipeDir = ctx.windowsPipeDir ?? WINDOWS_PIPE_DIR;
  const pipes = await readdir(pipeDir).catch(() => [] as string[]);
  const username = envValue(ctx.env, 'USERNAME', 'win32');
  const opensshPipe = pipes.includes(WINDOWS_OPENSSH_AGENT_PIPE_NAME) ? `${WINDOWS_PIPE_DIR}${WINDOWS_OPENSSH_AGENT_PIPE_NAME}` : null;
  const pageantName = pageantPipeName(pipes, username);
  const pageantPipe = pageantName ? `${WINDOWS_PIPE_DIR}${pageantName}` : null;
  const [service, opensshKeys, pageantKeys, pageantProcess] = await Promise.all([
    agentService(ctx),
    opensshPipe ? listKeys(ctx, opensshPipe) : Promise.resolve(null),
    pageantPipe ? listKeys(ctx, pageantPipe) : Promise.resolve(null),
    pageantPipe ? Promise.resolve(true) : pageantRunning(ctx),
  ]);
  const serviceWords = service?.installed ? ` (service ${WINDOWS_OPENSSH_AGENT_SERVICE}: ${service.state}, start type ${service.startType})` : service ? ' (the service is not installed)' : '';
  const openssh = {
    kind: 'windows-openssh' as const,
    pipe: opensshPipe,
    running: opensshPipe !== null,
    keys: opensshKeys,
    service,
    summary: opensshPipe
      ? `the OpenSSH Authentication Agent (${opensshPipe}) ${holds(opensshKeys)}`
      : `the OpenSSH Authentication Agent is not running${serviceWords}`,
  };
  const pageant = {
    kind: 'pageant' as const,
    pipe: pageantPipe,
    running: pageantProcess,
    keys: pageantKeys,
    summary: pageantPipe ? `Pageant (${pageantPipe}) ${holds(pageantKeys)}` : pageantProcess ? 'Pageant is running (without a named pipe: PuTTY before 0.75)' : 'Pageant is not running',
  };
  return { openssh, pageant };
}

function holds(keys: AgentKey[] | null): string {
  if (keys === null) return 'is running (its keys could not be listed)';
  if (keys.length === 0) return 'is running but holds no keys';
  return `holds ${keys.length} key${keys.length === 1 ? '' : 's'}: ${keys.map((k) => `${k.fingerprint} ${k.comment}`.trim()).join(', ')}`;
}

async function agentService(ctx: EngineContext): Promise<ServiceState | null> {
  const sc = systemTool(ctx.env, 'sc');
  const opts = { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs };
  const [query, config] = await Promise.all([run(sc, ['query', WINDOWS_OPENSSH_AGENT_SERVICE], opts), run(sc, ['qc', WINDOWS_OPENSSH_AGENT_SERVICE], opts)]);
  if (query.spawnError) return null;
  const { installed, state } = parseScQuery(`${query.stdout}${query.stderr}`);
  return { installed, state, startType: installed ? parseScStartType(config.stdout) : 'unknown' };
}

async function pageantRunning(ctx: EngineContext): Promise<boolean> {
  const result = await run(systemTool(ctx.env, 'tasklist'), ['/FI', 'IMAGENAME eq pageant.exe', '/FO', 'CSV', '/NH'], { env: nonInteractiveEnv(ctx.env), timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  return result.exitCode === 0 && tasklistHasPageant(result.stdout);
}

/** Windows' ssh-add -l against one agent pipe: its keys, [] when empty, null when it cannot be asked. */
async function listKeys(ctx: EngineContext, pipe: string): Promise<AgentKey[] | null> {
  const result = await run(windowsOpenSsh(ctx.env, 'ssh-add'), ['-l', '-E', 'sha256'], { env: { ...nonInteractiveEnv(ctx.env), SSH_AUTH_SOCK: pipe }, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  if (result.exitCode === 0) return parseAgentList(result.stdout);
  if (result.exitCode === 1) return [];
  return null;
}
