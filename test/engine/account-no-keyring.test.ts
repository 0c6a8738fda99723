import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unixPath } from '../../app/account/dbus-probe.js';
import { classifyKeyringError, keyringPrecheck, SystemAccountKeyring } from '../../app/account/keyring.js';
import { resolveAccount } from '../../app/account/resolve.js';
import { Secret, revealSecret } from '../../app/secrets/secret.js';
import { fakeApiToken } from '../support/bitbucket-api.js';
import { createHome, type TestHome } from '../support/home.js';
import { startBareBus } from '../support/keyring.js';

/**
 * Machines without a keychain: no D-Bus at all (a server, a container, CI), or a D-Bus session with
 * no Secret Service on it. Nothing is ever written to a file instead; BITBUCKET_EMAIL and
 * BITBUCKET_API_TOKEN serve for the run.
 */
let home: TestHome;
beforeAll(async () => {
  home = await createHome('account-nokeyring-');
});
afterAll(async () => {
  await home.cleanup();
});

/** macOS and Windows always have their keychain (Keychain, Credential Manager): a machine without one is a Linux one. */
const notLinux = process.platform === 'linux' ? null : `${process.platform === 'darwin' ? 'macOS' : 'Windows'} always has its own keychain, which this would write to: only Linux can lack one`;
const noDbus = process.platform !== 'linux' ? 'needs Linux D-Bus (the Secret Service is reached over a D-Bus Unix socket)' : null;

describe('no D-Bus session at all', () => {
  it.skipIf(notLinux)(`reads, stores and deletes all say "no keyring on this machine", name the variables, and write no file${notLinux ? ` (skipped: ${notLinux})` : ''}`, async () => {
    const env = { ...home.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const ctx = { ...home.context(), env };
    const store = new SystemAccountKeyring(ctx);
    const sentence = 'This computer has no system keyring (Secret Service) Push Doctor can use (no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set (a headless session, a container or CI)). Nothing is stored in a plain file instead: set BITBUCKET_EMAIL and BITBUCKET_API_TOKEN in the environment for this run, or link the account where a keychain runs.';
    expect(await store.read('bitbucket.org')).toEqual({ state: 'unavailable', sentence });
    expect(await store.write({ kind: 'cloud', email: 'jdoe@example.com', token: new Secret(fakeApiToken()) })).toEqual({ ok: false, state: 'unavailable', sentence });
    expect(await store.delete('bitbucket.org')).toEqual({ ok: false, state: 'unavailable', sentence });
    expect((await readdir(home.dir, { recursive: true })).filter((f) => /push-doctor|account/i.test(String(f)))).toEqual([]);
  });

  it('BITBUCKET_EMAIL and BITBUCKET_API_TOKEN serve for the run, and the token is registered as a secret', async () => {
    const token = fakeApiToken('env');
    const ctx = { ...home.context(), env: { ...home.env, BITBUCKET_EMAIL: 'ci@example.com', BITBUCKET_API_TOKEN: token } };
    const resolved = await resolveAccount(ctx);
    expect(resolved).toMatchObject({ ok: true, source: 'environment', link: { kind: 'cloud', email: 'ci@example.com' } });
    if (resolved.ok) expect(revealSecret(resolved.link.token)).toBe(token);
    expect(ctx.secrets.redact(token)).not.toContain(token);
    // A Data Center site takes BITBUCKET_USERNAME with the token.
    const dc = await resolveAccount({ ...ctx, env: { ...ctx.env, BITBUCKET_USERNAME: 'jdoe' } }, 'git.example.com:8443');
    expect(dc).toMatchObject({ ok: true, link: { kind: 'datacenter', baseUrl: 'https://git.example.com:8443', username: 'jdoe' } });
    // Half of it is not a link: the keychain (absent here) is asked, and says why there is none.
    const half = await resolveAccount({ ...ctx, env: { ...home.env, BITBUCKET_API_TOKEN: token } });
    expect(half).toMatchObject({ ok: false, state: process.platform === 'linux' ? 'unavailable' : expect.any(String) });
  });

  it('precheck: an environment naming another bus than this process uses is refused, not read from the wrong session', () => {
    expect(keyringPrecheck({}, 'linux', {})).toMatch(/^no D-Bus session bus/);
    expect(keyringPrecheck({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/a' }, 'linux', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/b' })).toMatch(/different D-Bus session/);
    expect(keyringPrecheck({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/a' }, 'linux', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/a' })).toBeNull();
    expect(keyringPrecheck({}, 'darwin', {})).toBeNull();
  });

  it('classifies the native library\'s words: locked apart from unavailable', () => {
    expect(classifyKeyringError("Couldn't access platform storage: Secret Service: unlock prompt was dismissed").state).toBe('locked');
    expect(classifyKeyringError('Platform secure storage failure: User interaction is not allowed.').state).toBe('locked');
    expect(classifyKeyringError('Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files')).toEqual({ state: 'unavailable', reason: 'no Secret Service (such as gnome-keyring or KeePassXC) runs on the D-Bus session' });
    expect(classifyKeyringError('Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead').reason).toBe('no D-Bus session bus');
    expect(classifyKeyringError('Platform failure: DBus error: Failed to connect to socket /run/user/0/bus: No such file or directory').reason).toBe('the D-Bus session bus cannot be reached');
  });
});

describe.skipIf(noDbus)(`a D-Bus socket that never answers${noDbus ? ` (skipped: ${noDbus})` : ''}`, () => {
  it('is reported as "no keyring" within the limit, without ever blocking the process in the native library', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'silent-bus-'));
    const socket = path.join(dir, 'bus');
    const server = net.createServer(() => {});
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${socket}`;
    try {
      const ctx = { ...home.context({ timeoutMs: 800 }), env: { ...home.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` } };
      const started = Date.now();
      const read = await new SystemAccountKeyring(ctx).read('bitbucket.org');
      expect(read).toMatchObject({ state: 'unavailable', sentence: expect.stringContaining('(the D-Bus session bus does not answer (timed out after 0.8 s))') });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(unixPath('unix:abstract=/tmp/dbus-abc,guid=123')).toBe('\0/tmp/dbus-abc');
      expect(unixPath('tcp:host=localhost,port=1;unix:path=/run/user/1000/bus')).toBe('/run/user/1000/bus');
      expect(unixPath('tcp:host=localhost,port=1')).toBeNull();
    } finally {
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(noDbus)(`a D-Bus session without a Secret Service${noDbus ? ` (skipped: ${noDbus})` : ''}`, () => {
  it('the real library\'s failure becomes "no keyring on this machine", named as a missing Secret Service', async () => {
    const bus = await startBareBus({ inProcess: true });
    try {
      const ctx = { ...home.context(), env: { ...home.env, DBUS_SESSION_BUS_ADDRESS: bus.address } };
      const read = await new SystemAccountKeyring(ctx).read('bitbucket.org');
      expect(read).toMatchObject({ state: 'unavailable' });
      if (read.state === 'unavailable') expect(read.sentence).toContain('(no Secret Service (such as gnome-keyring or KeePassXC) runs on the D-Bus session)');
    } finally {
      await bus.stop();
    }
  });
});
