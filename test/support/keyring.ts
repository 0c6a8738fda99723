import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { createHome, type TestHome } from './home.js';

const execFileAsync = promisify(execFile);

/**
 * A real Secret Service for tests: a private D-Bus session bus (no service activation, so nothing
 * starts behind our back) with gnome-keyring-daemon on it, its login keyring unlocked, and git's
 * own libsecret credential helper built from git's contrib sources. The keyring files live in the
 * test home (~/.local/share/keyrings), so a snapshot of the home covers them.
 */

const LIBSECRET_SOURCE = '/usr/share/doc/git/contrib/credential/libsecret';
const REQUIRED_PROGRAMS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool', 'make', 'gcc', 'pkg-config'];

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, program)));
}

/** Why keyring tests cannot run here, or null when they can. */
export function keyringUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'the Secret Service keyring tests need Linux';
  const missing = REQUIRED_PROGRAMS.filter((p) => !onPath(p));
  if (missing.length > 0) return `missing programs: ${missing.join(', ')} (Debian: gnome-keyring dbus dbus-x11 libsecret-tools libsecret-1-dev make gcc pkg-config)`;
  if (!existsSync(path.join(LIBSECRET_SOURCE, 'git-credential-libsecret.c'))) return `git's libsecret helper source is missing (${LIBSECRET_SOURCE})`;
  if (!existsSync('/usr/include/libsecret-1')) return 'libsecret headers are missing (Debian: libsecret-1-dev)';
  return null;
}

let helperBuild: Promise<string> | null = null;

/** Builds git-credential-libsecret once per machine into a cache folder; returns the folder holding it. */
export function buildLibsecretHelper(): Promise<string> {
  helperBuild ??= (async () => {
    const { stdout: version } = await execFileAsync('git', ['--version']);
    const uid = process.getuid?.() ?? 0;
    const dir = path.join(os.tmpdir(), `push-doctor-libsecret-${version.trim().replace(/[^\w.]+/g, '-')}-${uid}`);
    if (existsSync(path.join(dir, 'git-credential-libsecret'))) return dir;
    const work = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-libsecret-build-'));
    try {
      await cp(LIBSECRET_SOURCE, work, { recursive: true });
      await execFileAsync('make', ['-s'], { cwd: work });
      // Parallel test files may race: the first rename wins, the others use its result.
      await rename(work, dir).catch(() => {});
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    if (!existsSync(path.join(dir, 'git-credential-libsecret'))) throw new Error('building git-credential-libsecret failed');
    return dir;
  })();
  return helperBuild;
}

export interface TestKeyring {
  /** Add to the test home's environment: the private bus, and PATH with git-credential-libsecret. */
  env: NodeJS.ProcessEnv;
  /** Folder that holds git-credential-libsecret. */
  helperDir: string;
  stop(): Promise<void>;
}

const BUS_CONFIG = (socket: string) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export interface StartKeyringOptions {
  password?: string;
  /**
   * Point this process at the bus too: in-process keyring clients (@napi-rs/keyring) read
   * DBUS_SESSION_BUS_ADDRESS from process.env when they connect. stop() puts the old value back.
   */
  inProcess?: boolean;
}

/**
 * Starts the bus and the unlocked keyring for a test home (HOME decides where keyrings are kept).
 * Without a home environment, the keyring gets a private temporary home of its own.
 */
export async function startKeyring(homeEnv?: NodeJS.ProcessEnv, options: StartKeyringOptions = {}): Promise<TestKeyring> {
  const helperDir = await buildLibsecretHelper();
  const runtime = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-bus-'));
  await mkdir(path.join(runtime, 'run'), { mode: 0o700 });
  const ownHome: NodeJS.ProcessEnv = homeEnv
    ? {}
    : { PATH: process.env.PATH, HOME: path.join(runtime, 'home'), XDG_DATA_HOME: path.join(runtime, 'home', 'data'), XDG_CONFIG_HOME: path.join(runtime, 'home', 'config'), XDG_CACHE_HOME: path.join(runtime, 'home', 'cache') };
  const baseEnv = homeEnv ?? ownHome;
  const socket = path.join(runtime, 'bus');
  await writeFile(path.join(runtime, 'bus.conf'), BUS_CONFIG(socket));
  const children: ChildProcess[] = [];
  const previousBus = process.env.DBUS_SESSION_BUS_ADDRESS;
  const stop = async () => {
    for (const child of children.reverse()) await terminate(child);
    if (options.inProcess) {
      if (previousBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previousBus;
    }
    await rm(runtime, { recursive: true, force: true });
  };
  try {
    const bus = spawn('dbus-daemon', ['--nofork', `--config-file=${path.join(runtime, 'bus.conf')}`, '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(bus);
    const address = await firstLine(bus, 5000);
    const env: NodeJS.ProcessEnv = {
      ...ownHome,
      DBUS_SESSION_BUS_ADDRESS: address,
      XDG_RUNTIME_DIR: path.join(runtime, 'run'),
      PATH: `${helperDir}${path.delimiter}${baseEnv.PATH ?? process.env.PATH ?? ''}`,
    };
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: { ...baseEnv, ...env },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    children.push(keyring);
    keyring.stdin!.end(options.password ?? 'push-doctor-test-keyring');
    await waitForName(env, 'org.freedesktop.secrets', 5000);
    if (options.inProcess) process.env.DBUS_SESSION_BUS_ADDRESS = address;
    return { env, helperDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('dbus-daemon did not print its address')), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline !== -1) {
        clearTimeout(timer);
        resolve(buffer.slice(0, newline).trim());
      }
    });
    child.once('exit', () => reject(new Error('dbus-daemon exited')));
  });
}

async function waitForName(env: NodeJS.ProcessEnv, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { stdout } = await execFileAsync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`],
      { env: { ...process.env, ...env } },
    ).catch(() => ({ stdout: '' }));
    if (/boolean true/.test(stdout)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not appear on the test bus`);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A private D-Bus session bus with nothing on it (no Secret Service): a desktop-less machine that
 * still has D-Bus. With `inProcess`, this process is pointed at it (stop() puts the old value back).
 */
export async function startBareBus(options: { inProcess?: boolean } = {}): Promise<{ address: string; stop(): Promise<void> }> {
  const runtime = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-barebus-'));
  const socket = path.join(runtime, 'bus');
  await writeFile(path.join(runtime, 'bus.conf'), BUS_CONFIG(socket));
  const bus = spawn('dbus-daemon', ['--nofork', `--config-file=${path.join(runtime, 'bus.conf')}`, '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
  const stop = async () => {
    await terminate(bus);
    if (options.inProcess) {
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
    }
    await rm(runtime, { recursive: true, force: true });
  };
  try {
    const address = await firstLine(bus, 5000);
    if (options.inProcess) process.env.DBUS_SESSION_BUS_ADDRESS = address;
    return { address, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Locks the keyring's login collection, as a screen lock or `secret-tool lock` would. */
export async function lockKeyring(env: NodeJS.ProcessEnv): Promise<void> {
  await execFileAsync(
    'dbus-send',
    ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'],
    { env: { ...process.env, ...env } },
  );
}

/** A throwaway home whose environment reaches a running, unlocked keyring; stop() ends both. */
export async function createKeyringHome(): Promise<{ home: TestHome; stop(): Promise<void> }> {
  const home = await createHome();
  try {
    const keyring = await startKeyring(home.env);
    Object.assign(home.env, keyring.env);
    return {
      home,
      async stop() {
        await keyring.stop();
        await home.cleanup();
      },
    };
  } catch (error) {
    await home.cleanup();
    throw error;
  }
}

/** Registers one keyring home for the calling describe block; the getter returns it. */
export function useKeyringHome(): () => TestHome {
  let current: { home: TestHome; stop(): Promise<void> } | null = null;
  beforeAll(async () => {
    current = await createKeyringHome();
  });
  afterAll(async () => {
    await current?.stop();
    current = null;
  });
  return () => current!.home;
}
