/**
 * The HTTPS probe hands git the credential it tests through a one-shot helper that reads it from
 * file descriptor 3 (app/https/probe.ts): never argv, the environment or the disk. This proves it
 * with this system's own git, on every CI runner: the helper git starts gets the pair. On Windows
 * it is an open question until the windows-latest runner answers it: Git for Windows lets the
 * programs it starts inherit only the standard handles (git-for-windows/git#1481, git/git#670),
 * which would leave the helper's descriptor 3 empty there, and every live HTTPS probe without its
 * credential.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../app/git/git.js';
import { credentialLines, ONE_SHOT_HELPER } from '../../app/https/probe.js';
import { Secret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome('credential-handoff-');
});
afterEach(async () => {
  await home.cleanup();
});

const fill = (fd3: string) =>
  git(home.context({ timeoutMs: 20_000 }), ['credential', 'fill'], {
    cwd: home.dir,
    config: [
      ['credential.helper', ''],
      ['credential.helper', ONE_SHOT_HELPER],
    ],
    input: 'protocol=https\nhost=bitbucket.org\npath=acme/widgets.git\n\n',
    fd3,
  });

describe("the HTTPS probe's one-shot credential helper, through this system's git", () => {
  it('gets the username and secret from descriptor 3, and git hands them on', async () => {
    const result = await fill(credentialLines({ username: 'jdoe', secret: new Secret('ATATT3xFfGF0handoffPlanted=0A1B2C3D') })!);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('username=jdoe\n');
    expect(result.stdout).toContain('password=ATATT3xFfGF0handoffPlanted=0A1B2C3D\n');
  });

  it('without a pair on descriptor 3, git gets nothing and fails instead of prompting', async () => {
    const result = await fill('');
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).not.toContain('password=');
  });
});
