import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A private Secret Service for tests: its own D-Bus session bus and an unlocked gnome-keyring
 * whose files live in a temp folder (never the real user's keyrings).
 *
 * @napi-rs/keyring runs in-process and reads DBUS_SESSION_BUS_ADDRESS from the process
 * environment when it connects, so `start()` sets it on process.env (vitest runs each test file
 * in its own process) and `stop()` puts the old value back.
 */
export interface TestKeyring {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export function keyringUnavailableReason(): string | null {
  for (const tool of ['dbus-daemon', 'gnome-keyring-daemon', 'gdbus', 'secret-tool']) {
    if (!['/usr/bin', '/usr/local/bin', '/bin'].some((dir) => existsSync(path.join(dir, tool)))) return `${tool} is not installed (Debian: gnome-keyring dbus libglib2.0-bin libsecret-tools)`;
  }
  if (process.platform !== 'linux') return 'the test keyring is a Linux Secret Service';
  return null;
}

function readLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no output within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline).trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

/** Waits until the keyring daemon owns org.freedesktop.secrets on the bus. */
async function waitForSecretService(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { stdout } = await exec('gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.NameHasOwner', 'org.freedesktop.secrets'], { env }).catch(() => ({ stdout: '' }));
    if (stdout.includes('true')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the keyring daemon did not appear on the bus within ${timeoutMs} ms`);
}

export async function startKeyring(password = 'test-keyring-password'): Promise<TestKeyring> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyring-'));
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    XDG_RUNTIME_DIR: dir,
  };
  // The bus gets the private home too: anything it activates stays in the temp folder.
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env: base, stdio: ['ignore', 'pipe', 'ignore'] });
  const children: ChildProcess[] = [bus];
  const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const address = await readLine(bus, 5000);
    const env: NodeJS.ProcessEnv = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
    const daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(daemon);
    daemon.stdin.end(password);
    await waitForSecretService(env, 10_000);
    process.env.DBUS_SESSION_BUS_ADDRESS = address;
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
