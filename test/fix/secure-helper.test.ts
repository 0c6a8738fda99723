import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseSecureHelper } from '../../app/fix/secure-helper.js';
import { createHome, type TestHome } from '../support/home.js';

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

/** Puts runnable `git-credential-<name>` programs on the home's PATH (the choice only checks that git can start them). */
async function installHelpers(...names: string[]): Promise<void> {
  const bin = path.join(home.dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const name of names) {
    await writeFile(path.join(bin, `git-credential-${name}`), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(bin, `git-credential-${name}`), 0o755);
  }
  home.env.PATH = `${bin}${path.delimiter}${home.env.PATH}`;
}

describe("the platform's secure credential helper", () => {
  it.each([
    ['linux', ['libsecret', 'manager'], { helper: 'libsecret', note: null }],
    ['linux', ['manager'], { helper: 'manager', note: 'git-credential-libsecret is not installed, so Git Credential Manager is used instead.' }],
    ['darwin', ['osxkeychain', 'manager'], { helper: 'osxkeychain', note: null }],
    ['darwin', ['manager'], { helper: 'manager', note: 'git-credential-osxkeychain is not installed, so Git Credential Manager is used instead.' }],
    ['win32', ['manager', 'wincred'], { helper: 'manager', note: null }],
    ['win32', ['wincred'], { helper: 'wincred', note: 'git-credential-manager is not installed, so the Windows Credential Manager (wincred) is used instead.' }],
  ] as const)('%s with %j', async (platform, installed, expected) => {
    await installHelpers(...installed);
    expect(await chooseSecureHelper({ ...home.context(), platform })).toMatchObject({ ok: true, ...expected });
  });

  it('names what is missing and how to get it when none can run', async () => {
    const choice = await chooseSecureHelper({ ...home.context(), platform: 'darwin' });
    expect(choice).toEqual({
      ok: false,
      reason: "No secure credential helper can run on this computer (looked for git-credential-osxkeychain, git-credential-manager). Install git from Apple's command line tools or Homebrew: both include git-credential-osxkeychain, then run this fix again.",
    });
  });
});
