import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseSecureHelper } from '../../app/fix/secure-helper.js';
import { helperValueForPath } from '../../app/platform/wsl.js';
import { createHome, type TestHome } from '../support/home.js';
import { makeWsl, RECORDED } from '../support/wsl.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome('secure-helper-');
  // The choice also looks in git's own exec path, where a Mac's git ships osxkeychain and Git for
  // Windows ships manager: an empty one leaves only the helpers a test installs.
  home.env.GIT_EXEC_PATH = path.join(home.dir, 'empty-exec-path');
  await mkdir(home.env.GIT_EXEC_PATH);
});
afterEach(async () => {
  await home.cleanup();
});

/** Puts runnable `git-credential-<name>` programs on the home's PATH (they answer every lookup with nothing, exit 0). */
async function installHelpers(...names: string[]): Promise<void> {
  for (const name of names) await installHelper(name, '#!/bin/sh\ncat >/dev/null\nexit 0\n');
}

async function installHelper(name: string, script: string): Promise<void> {
  const bin = path.join(home.dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, `git-credential-${name}`), script);
  await chmod(path.join(bin, `git-credential-${name}`), 0o755);
  if (!home.env.PATH!.startsWith(bin)) home.env.PATH = `${bin}${path.delimiter}${home.env.PATH}`;
}

/** Git Credential Manager on Linux with the gpg/pass store set up (docs/credstores.md). */
async function gcmWithGpgStore(): Promise<void> {
  await home.git(['config', '--global', 'credential.credentialStore', 'gpg']);
  await mkdir(path.join(home.dir, '.password-store'));
  await writeFile(path.join(home.dir, '.password-store', '.gpg-id'), 'jdoe@example.com\n');
}

/**
 * What git's real libsecret helper prints without a D-Bus session, recorded on this project's
 * Debian 12 machine (git 2.39's contrib helper, libsecret 0.20, no DBUS_SESSION_BUS_ADDRESS), exit 1.
 */
const LIBSECRET_WITHOUT_DBUS = '\n** (process:16304): CRITICAL **: 02:54:04.580: could not connect to Secret Service: Cannot autolaunch D-Bus without X11 $DISPLAY\n';
const WAY_OUT =
  'push over SSH instead (remote.use-ssh), or set up Git Credential Manager with credential.credentialStore gpg (or a desktop session with a keyring), then run this fix again.';

describe("the platform's secure credential helper", () => {
  it('linux: Git Credential Manager counts only with an encrypted store set up', async () => {
    await installHelpers('manager');
    expect(await chooseSecureHelper({ ...home.context(), platform: 'linux' })).toEqual({
      ok: false,
      reason: `No keyring is reachable on this computer (git-credential-manager: no credential store is configured for it (credential.credentialStore)), so git has no safer place than a plain-text file to keep credentials: ${WAY_OUT}`,
    });
    await home.git(['config', '--global', 'credential.credentialStore', 'plaintext']);
    expect(await chooseSecureHelper({ ...home.context(), platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('git-credential-manager: its credential store "plaintext" is not an encrypted one') });
    await gcmWithGpgStore();
    expect(await chooseSecureHelper({ ...home.context(), platform: 'linux' })).toMatchObject({ ok: true, helper: 'manager', note: 'git-credential-libsecret is not installed, so Git Credential Manager is used instead.' });
  });

  it('linux without a D-Bus session: a libsecret helper that cannot reach a keyring is not chosen; the sentence says why and what to do', async () => {
    await installHelper('libsecret', `#!/bin/sh\ncat >/dev/null\nprintf '%s' '${LIBSECRET_WITHOUT_DBUS}' >&2\nexit 1\n`);
    const choice = await chooseSecureHelper({ ...home.context(), platform: 'linux' });
    expect(choice).toEqual({
      ok: false,
      reason: `No keyring is reachable on this computer (git-credential-libsecret: could not connect to Secret Service: Cannot autolaunch D-Bus without X11 $DISPLAY), so git has no safer place than a plain-text file to keep credentials: ${WAY_OUT}`,
    });
    // git's memory cache is never offered instead: it forgets the token after 15 minutes.
    expect(JSON.stringify(choice)).not.toContain('cache');
    await installHelpers('manager');
    await gcmWithGpgStore();
    expect(await chooseSecureHelper({ ...home.context(), platform: 'linux' })).toMatchObject({ ok: true, helper: 'manager', note: 'git-credential-libsecret cannot reach a keyring here, so Git Credential Manager is used instead.' });
  });

  it('linux: with no helper installed, a machine without a session bus gets the keyring sentence, a desktop the install hint', async () => {
    expect(await chooseSecureHelper({ ...home.context(), platform: 'linux' })).toEqual({
      ok: false,
      reason: `No keyring is reachable on this computer (no D-Bus session, so no Secret Service), so git has no safer place than a plain-text file to keep credentials: ${WAY_OUT}`,
    });
    const desktop = { ...home.context(), platform: 'linux' as const, env: { ...home.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' } };
    expect((await chooseSecureHelper(desktop)).ok ? '' : ((await chooseSecureHelper(desktop)) as { reason: string }).reason).toBe(
      "No secure credential helper can run on this computer (looked for git-credential-libsecret, git-credential-manager): install Git Credential Manager, or build git's libsecret helper (its source ships with git in contrib/credential/libsecret) and put git-credential-libsecret on your PATH, then run this fix again.",
    );
  });

  it("WSL: Git for Windows' Git Credential Manager is chosen (Windows always has a keyring), as the helper path GCM's guide writes", async () => {
    const wsl = await makeWsl(home, { gcm: true });
    try {
      await installHelpers('libsecret');
      expect(await chooseSecureHelper({ ...home.context(), systemRoot: wsl.root })).toMatchObject({
        ok: true,
        helper: helperValueForPath(wsl.gcm!.program),
        label: "Git Credential Manager for Windows (Windows' Credential Manager)",
        note: expect.stringContaining("In WSL, Git Credential Manager for Windows keeps credentials in Windows' Credential Manager"),
      });
      expect(helperValueForPath(wsl.gcm!.program).replace(wsl.root, '')).toBe(RECORDED.gcmHelperValue);
    } finally {
      await wsl.cleanup();
    }
  });

  it.each([
    ['linux', ['libsecret', 'manager'], { helper: 'libsecret', note: null }],
    ['darwin', ['osxkeychain', 'manager'], { helper: 'osxkeychain', note: null }],
    ['darwin', ['manager'], { helper: 'manager', note: 'git-credential-osxkeychain is not installed, so Git Credential Manager is used instead.' }],
    ['win32', ['manager', 'wincred'], { helper: 'manager', note: null }],
    ['win32', ['wincred'], { helper: 'wincred', note: 'git-credential-manager is not installed, so the Windows Credential Manager (wincred) is used instead.' }],
  ] as const)('%s with %j', async (platform, installed, expected) => {
    await installHelpers(...installed);
    expect(await chooseSecureHelper({ ...home.context(), platform })).toMatchObject({ ok: true, ...expected });
  });

  it('names what is missing and how to get it when none can run, in one sentence', async () => {
    const choice = await chooseSecureHelper({ ...home.context(), platform: 'darwin' });
    expect(choice).toEqual({
      ok: false,
      reason: "No secure credential helper can run on this computer (looked for git-credential-osxkeychain, git-credential-manager): install git from Apple's command line tools or Homebrew (both include git-credential-osxkeychain), then run this fix again.",
    });
  });
});
