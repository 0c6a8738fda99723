import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type EngineContext } from '../../app/context.js';
import { applyFix, describeFix, undoLastFix } from '../../app/fix/registry.js';
import { parseRemoteUrl } from '../../app/repo/url.js';
import { inspectSshEndpoint } from '../../app/ssh/endpoint.js';
import { agentMismatch, agentSocket, inspectAgent, type AgentState } from '../../app/ssh/agent.js';
import { inspectWindowsAgents, pageantPipeName, parseScQuery, parseScStartType, tasklistHasPageant, type WindowsAgents } from '../../app/ssh/windows-agents.js';
import { generateHostKeys, type FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { fakeGitForWindows, type FakeGitForWindows } from '../support/git-for-windows.js';
import { createHome, type TestHome } from '../support/home.js';
import { posixSsh, skipNote, windowsOnly } from '../support/platform.js';
import { diagnoseSsh, makeKey, startCloudScenario } from '../support/ssh-scenario.js';

const execFileAsync = promisify(execFile);

/**
 * `sc query state=all` on Windows 10 22H2 (10.0.19045), posted with a bug report on GitHub (found
 * with the code search of this project's tools): the ssh-agent entry as installed (stopped), and a
 * running service from the same listing.
 */
const SC_AGENT_STOPPED = `SERVICE_NAME: ssh-agent
DISPLAY_NAME: OpenSSH Authentication Agent
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 1  STOPPED
        WIN32_EXIT_CODE    : 1077  (0x435)
        SERVICE_EXIT_CODE  : 0  (0x0)
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
`;
const SC_RUNNING = `SERVICE_NAME: AdobeARMservice
DISPLAY_NAME: Adobe Acrobat Update Service
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 4  RUNNING
                                (STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)
        WIN32_EXIT_CODE    : 0  (0x0)
`;

describe("reading Windows' answers about its agents", () => {
  it('reads the service state by its number, whatever the language of the words after it', () => {
    expect(parseScQuery(SC_AGENT_STOPPED)).toEqual({ installed: true, state: 'stopped' });
    expect(parseScQuery(SC_RUNNING)).toEqual({ installed: true, state: 'running' });
    expect(parseScQuery(SC_AGENT_STOPPED.replace('STOPPED', 'ARRÊTÉ'))).toEqual({ installed: true, state: 'stopped' });
    // sc's answer for a service that does not exist (error 1060), e.g. Windows without the OpenSSH client.
    expect(parseScQuery('[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n').installed).toBe(false);
    expect(parseScStartType('        START_TYPE         : 4   DISABLED\r\n')).toBe('disabled');
    expect(parseScStartType('        START_TYPE         : 3   DEMAND_START\r\n')).toBe('manual');
  });

  it("finds this user's Pageant pipe (Pageant 0.75+: pageant.<user>.<sha256>)", () => {
    const hash = 'a'.repeat(64);
    const pipes = ['openssh-ssh-agent', `pageant.other.${'b'.repeat(64)}`, `pageant.JDoe.${hash}`, 'mojo.1234'];
    expect(pageantPipeName(pipes, 'jdoe')).toBe(`pageant.JDoe.${hash}`);
    expect(pageantPipeName(['pageant.jdoe.short'], 'jdoe')).toBeNull();
  });

  it('tells a running Pageant from tasklist output', () => {
    expect(tasklistHasPageant('"pageant.exe","4120","Console","1","10,484 K"\r\n')).toBe(true);
    expect(tasklistHasPageant('INFO: No tasks are running which match the specified criteria.\r\n')).toBe(false);
  });

  it('OpenSSH for Windows falls back to its agent pipe; other builds only read SSH_AUTH_SOCK', () => {
    expect(agentSocket(null, {}, 'C:/Users/me', 'windows-openssh')).toMatchObject({ socket: '\\\\.\\pipe\\openssh-ssh-agent', disabled: false });
    expect(agentSocket(null, { Ssh_Auth_Sock: '\\\\.\\pipe\\mine' }, 'C:/Users/me', 'windows-openssh').socket).toBe('\\\\.\\pipe\\mine');
    expect(agentSocket(null, {}, 'C:/Users/me', 'git-for-windows').socket).toBeNull();
  });
});

describe('which agent the ssh git runs would talk to', () => {
  const key = { fingerprint: 'SHA256:abc', type: 'ED25519', comment: 'me@pc' };
  const windows = (opensshKeys: typeof key[] | null, pageantKeys: typeof key[] | null): WindowsAgents => ({
    openssh: { kind: 'windows-openssh', pipe: opensshKeys ? '\\\\.\\pipe\\openssh-ssh-agent' : null, running: opensshKeys !== null, keys: opensshKeys, service: null, summary: 'openssh' },
    pageant: { kind: 'pageant', pipe: pageantKeys ? '\\\\.\\pipe\\pageant.me.x' : null, running: pageantKeys !== null, keys: pageantKeys, summary: 'pageant' },
  });
  const used = (w: WindowsAgents, status: AgentState['status'] = 'not-set', socket: string | null = null): AgentState => ({ status, socket, source: null, keys: [], summary: '', windows: w });

  it.each([
    ["Git for Windows' ssh, key in the Windows agent", 'git-for-windows', windows([key], null), 'windows-openssh'],
    ["Git for Windows' ssh, key in Pageant", 'git-for-windows', windows(null, [key]), 'pageant'],
    ['OpenSSH for Windows, key only in Pageant', 'windows-openssh', windows([], [key]), 'pageant'],
    ['plink, key only in the Windows agent', 'putty', windows([key], []), 'windows-openssh'],
  ] as const)('%s', (_name, flavour, w, other) => {
    expect(agentMismatch(used(w), flavour)?.kind).toBe(other);
  });

  it('no mismatch when the agent in use holds keys, or when no other agent has any', () => {
    expect(agentMismatch({ ...used(windows([key], null), 'keys', '/tmp/s'), keys: [key] }, 'git-for-windows')).toBeNull();
    expect(agentMismatch(used(windows([], null)), 'git-for-windows')).toBeNull();
    expect(agentMismatch({ ...used(windows([key], null)), windows: null }, 'git-for-windows')).toBeNull();
  });
});

/** A real ssh-agent listening where the test's stand-in for `\\.\pipe\` says the Windows agent is. */
async function startPipeAgent(pipeDir: string, name: string): Promise<{ socket: string; stop(): void }> {
  const socket = path.join(pipeDir, name);
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await lstat(socket).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 20));
  return { socket, stop: () => child.kill('SIGTERM') };
}

describe.skipIf(posixSsh.skip)(`"Permission denied (publickey)" on Windows: the key is in an agent git's ssh does not use${skipNote(posixSsh)}`, () => {
  let home: TestHome;
  let gfw: FakeGitForWindows;
  let server: FakeBitbucketSsh | null = null;
  let pipeDir: string;
  const stops: Array<() => void> = [];

  beforeAll(() => {
    generateHostKeys();
  });
  beforeEach(async () => {
    home = await createHome();
    // Short: a Unix socket path has at most 107 bytes, and a Pageant pipe name alone has 77.
    pipeDir = await mkdtemp(path.join(os.tmpdir(), 'pd'));
    gfw = await fakeGitForWindows({ pipeDir });
    Object.assign(home.env, gfw.env);
    delete home.env.SSH_AUTH_SOCK;
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await server?.stop();
    server = null;
    await gfw.cleanup();
    await home.cleanup();
    await rm(pipeDir, { recursive: true, force: true });
  });

  const windowsContext = (): EngineContext => ({ ...createContext({ env: home.env }), platform: 'win32', windowsPipeDir: pipeDir });

  it("Git for Windows' ssh cannot offer a key that only the OpenSSH Authentication Agent holds", async () => {
    const scenario = await startCloudScenario(home);
    server = scenario.server;
    const key = await makeKey(home);
    server.authorize(key.publicLine, { kind: 'personal' });
    const agent = await startPipeAgent(pipeDir, 'openssh-ssh-agent');
    stops.push(agent.stop);
    await execFileAsync('ssh-add', ['-q', key.path], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: agent.socket } });
    // The key lives only in the agent now (loaded from a password manager, say).
    await rm(key.path);

    const ctx = windowsContext();
    const result = await diagnoseSsh(ctx, scenario.repo);
    expect(result.codes[0]).toBe('ssh.agent-mismatch');
    const mismatch = result.findings[0]!;
    expect(mismatch.title).toBe("Your SSH key is loaded in the OpenSSH Authentication Agent, but the ssh git runs (Git for Windows' own OpenSSH) does not use that agent.");
    expect(mismatch.detail).toContain('git config --global core.sshCommand C:/Windows/System32/OpenSSH/ssh.exe');
    expect(mismatch.fixes.map((f) => f.id)).toEqual(['ssh.use-windows-openssh']);
    expect(mismatch.evidence.join('\n')).toMatch(/the OpenSSH Authentication Agent \(\\\\\.\\pipe\\openssh-ssh-agent\) holds 1 key: SHA256:/);
    expect(result.checks.find((c) => c.id === 'ssh.agent')).toMatchObject({ status: 'warning' });
    // Git's ssh and the Windows ssh-add were the programs that ran; Windows' ssh never did.
    const calls = await gfw.calls();
    expect(calls.some((c) => c.startsWith('git-ssh '))).toBe(true);
    expect(calls.some((c) => c.startsWith('windows-ssh-add -l'))).toBe(true);
    expect(calls.some((c) => c.startsWith('windows-ssh '))).toBe(false);
  });

  it("ssh.use-windows-openssh points git at Windows' OpenSSH, after which the key in its agent works; undo restores the config", async () => {
    const scenario = await startCloudScenario(home);
    server = scenario.server;
    // The test home's own core.sshCommand (ssh -F …) stands for a user who never set one.
    await home.git(['config', '--global', '--unset', 'core.sshCommand']);
    const gitconfig = await readFile(path.join(home.dir, '.gitconfig'), 'utf8');
    const ctx = windowsContext();
    const scope = { repoRoot: scenario.repo, remoteName: 'origin' };
    const plan = await describeFix(ctx, 'ssh.use-windows-openssh', scope);
    const windowsSsh = `${gfw.systemRoot}/System32/OpenSSH/ssh.exe`;
    expect(plan).toMatchObject({ applicable: true, changes: [{ target: path.join(home.dir, '.gitconfig'), action: expect.stringContaining(`Set core.sshCommand to ${windowsSsh}`) }] });

    const applied = await applyFix(ctx, 'ssh.use-windows-openssh', scope);
    expect(applied).toMatchObject({ applied: true, changed: [path.join(home.dir, '.gitconfig')] });
    expect((await home.git(['config', '--global', 'core.sshCommand'])).trim()).toBe(windowsSsh);
    const url = parseRemoteUrl('git@ssh.bitbucket.org:acme/widgets.git', 'linux');
    if (!url.ok) throw new Error(url.reason);
    expect((await inspectSshEndpoint(windowsContext(), scenario.repo, url.url)).flavour).toBe('windows-openssh');
    expect(await describeFix(windowsContext(), 'ssh.use-windows-openssh', scope)).toMatchObject({ applicable: false, reason: 'git already runs OpenSSH for Windows.' });

    expect(await undoLastFix(windowsContext())).toMatchObject({ undone: true });
    expect(await readFile(path.join(home.dir, '.gitconfig'), 'utf8')).toBe(gitconfig);
  });

  it('reports the Windows agent as not running when its pipe is absent, and finds Pageant by its pipe', async () => {
    const pageant = `pageant.${home.env.USER}.${'0'.repeat(64)}`;
    const agent = await startPipeAgent(pipeDir, pageant);
    stops.push(agent.stop);
    const ctx = { ...windowsContext(), env: { ...home.env, USERNAME: home.env.USER } };
    const found = await inspectWindowsAgents(ctx);
    expect(found.openssh).toMatchObject({ running: false, pipe: null });
    expect(found.pageant).toMatchObject({ running: true, pipe: `\\\\.\\pipe\\${pageant}`, keys: [] });
    expect(found.pageant.summary).toBe(`Pageant (\\\\.\\pipe\\${pageant}) is running but holds no keys`);
    // plink uses Pageant whatever SSH_AUTH_SOCK says.
    const state = await inspectAgent(ctx, null, { flavour: 'putty', runtime: { platform: 'win32', execPath: null, installRoot: null, shell: null, shellMissing: null, path: [], env: {} }, program: null });
    expect(state).toMatchObject({ status: 'empty', source: 'Pageant' });
    expect(await readdir(pipeDir)).toEqual([pageant]);
  });
});

describe.skipIf(windowsOnly.skip)(`the agents of this Windows machine, for real${skipNote(windowsOnly)}`, () => {
  it('lists named pipes and reads the ssh-agent service with sc.exe', async () => {
    const ctx = createContext();
    const found = await inspectWindowsAgents(ctx);
    // sc.exe answered (it is found under %SystemRoot%, not on the PATH).
    expect(found.openssh.service).not.toBeNull();
    if (found.openssh.service!.installed) {
      expect(['running', 'stopped']).toContain(found.openssh.service!.state);
      // The agent's pipe exists exactly when its service runs.
      expect(found.openssh.running).toBe(found.openssh.service!.state === 'running');
    } else {
      expect(found.openssh.running).toBe(false);
    }
    expect(found.pageant.running).toBe(false);
  });
});
