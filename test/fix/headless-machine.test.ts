/**
 * Runs in the "headless" project only (vitest.config.ts), beside the fix suites it makes
 * meaningful: it proves that this run really has no D-Bus session, no Secret Service and no
 * display, and walks the issue's own case through the real CLI: a stale app password in
 * ~/.git-credentials removed and put back on such a machine, with the secret nowhere but in the
 * one 0600 file undo keeps it in.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIX_IDS } from '../../app/contract/report.js';
import { KeyringUndoSecretStore } from '../../app/fix/undo-secrets.js';
import { runPushDoctor } from '../support/cli.js';
import { createFixBed, type FixBed } from '../support/fix-bed.js';
import { FIX_SUITES } from '../support/fix-suites.js';
import { homeGit } from '../support/https-home.js';
import { MACHINE } from '../support/machine.js';
import { modesUnder } from '../support/tree.js';

const APP_PASSWORD = 'ATBBPlantedHeadless7xQ2mR5tV8wY1zB4cE6';
const OTHER = 'https://gh:ghp_PlantedHeadlessGithub0123456789@github.com';

/** How a program fails to reach the session bus (its message), or null if it reached one. */
async function busError(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<string | null> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 10_000 }, (error, _stdout, stderr) => resolve(error ? `${stderr}`.trim() || error.message : null));
    // A program that fails before reading its input must not fail the run with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

const NOT_LINUX = process.platform === 'linux' ? null : 'a machine without D-Bus and a Secret Service is a Linux one (servers, containers, WSL)';

describe.skipIf(NOT_LINUX !== null)(`a headless machine: no D-Bus session, no Secret Service, no display${NOT_LINUX ? ` (skipped: ${NOT_LINUX})` : ''}`, () => {
  let bed: FixBed;
  beforeEach(async () => {
    bed = await createFixBed();
  });
  afterEach(async () => {
    await bed.cleanup();
  });

  it('this run is the headless machine, and nothing here can reach a Secret Service', async () => {
    expect(MACHINE.name).toBe('headless');
    for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'DISPLAY', 'WAYLAND_DISPLAY']) {
      expect(process.env[name], name).toBeUndefined();
      expect(bed.home.env[name], name).toBeUndefined();
    }
    const env = { ...bed.home.env };
    // The session bus itself.
    expect(await busError('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames'], env)).toMatch(
      /DBUS_SESSION_BUS_ADDRESS|autolaunch|Unable to autolaunch|not found|ENOENT/i,
    );
    // A Secret Service client (libsecret, as secret-tool and git's helper use it).
    expect(await busError('secret-tool', ['search', 'service', 'push-doctor-probe'], env)).toMatch(/D-Bus|DBus|autolaunch|ENOENT/i);
    const helper = await homeGit(bed.home, ['credential-libsecret', 'get'], bed.home.dir, 'protocol=https\nhost=example.invalid\n\n');
    expect(helper.code).not.toBe(0);
    // This process's own keychain client (@napi-rs/keyring), which undo used to need.
    const keychain = await new KeyringUndoSecretStore('push-doctor-headless-probe').check();
    expect(keychain.ok).toBe(false);
    expect(keychain.ok ? '' : keychain.reason).toMatch(/system keychain is not usable: .*(DBus|D-Bus|dbus)/i);
  });

  it('every fix is applied and undone by a suite of this headless run', async () => {
    const sources = (await Promise.all(FIX_SUITES.map((file) => readFile(file, 'utf8')))).join('\n');
    expect(FIX_IDS.filter((id) => !sources.includes(`'${id}'`))).toEqual([]);
  });

  it("the issue's case through the real CLI: credential.clear on an app password in ~/.git-credentials, then undo; the secret is only in undo's 0600 file", async () => {
    const server = await bed.serve({ accounts: [{ username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    await bed.route(server, 'jdoe');
    await bed.home.git(['config', '--global', 'credential.helper', 'store']);
    const repo = await bed.home.repo();
    await bed.home.git(['remote', 'add', 'origin', 'https://jdoe@bitbucket.org/acme/widgets.git'], repo);
    const store = path.join(bed.home.dir, '.git-credentials');
    const host = new URL(server.url).host.replace(':', '%3a');
    const original = `${OTHER}\nhttp://jdoe:${APP_PASSWORD}@${host}\n`;
    await writeFile(store, original, { mode: 0o600 });
    const stateDir = path.join(bed.home.dir, '.local', 'state', 'push-doctor');
    const outputs: string[] = [];
    const cli = async (args: string[]) => {
      const run = await runPushDoctor(args, { env: bed.home.env });
      outputs.push(run.stdout, run.stderr);
      return run;
    };

    const diagnosed = await cli(['diagnose', repo, '--json']);
    expect(JSON.parse(diagnosed.stdout).findings.map((f: { code: string }) => f.code)).toContain('https.app-password');
    const cleared = await cli(['fix', 'credential.clear', repo, '--yes', '--json']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ applied: true, changed: [store] });
    expect(await readFile(store, 'utf8')).toBe(`${OTHER}\n`);

    // The journal and every other state file hold no secret; the old file is in one 0600 file of a 0700 folder.
    const undoDir = path.join(stateDir, 'undo-secrets');
    const kept = await readdir(undoDir);
    expect(kept).toHaveLength(1);
    expect((await stat(undoDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(undoDir, kept[0]!))).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await readFile(path.join(undoDir, kept[0]!), 'utf8'), 'base64').toString('utf8')).toBe(original);
    for (const [rel, kind, mode] of await modesUnder(stateDir)) expect(`${rel} ${mode.toString(8)}`).toBe(`${rel} ${kind === 'dir' ? '700' : '600'}`);
    for (const [rel, kind] of await modesUnder(stateDir)) {
      if (kind === 'dir' || rel.startsWith('undo-secrets')) continue;
      const text = await readFile(path.join(stateDir, rel), 'utf8');
      expect(text, rel).not.toContain('Planted');
      expect(text, rel).not.toContain(Buffer.from(original).toString('base64').slice(0, 40));
    }

    const undone = await cli(['undo', '--json']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(JSON.parse(undone.stdout)).toMatchObject({ undone: true, fixId: 'credential.clear' });
    expect(await readFile(store, 'utf8')).toBe(original);
    expect((await stat(store)).mode & 0o777).toBe(0o600);
    expect(await readdir(undoDir)).toEqual([]);

    for (const output of outputs) expect(output).not.toContain('Planted');
  });
});
