/**
 * The HTTPS probe hands git the credential it tests through a one-shot helper
 * (app/https/credential-handoff.ts): on descriptor 3 where git passes it on, in the environment of
 * git's process tree on Windows, where Git for Windows hands its children only the standard handles
 * (git-for-windows/git#1481). This proves each channel with this system's own git, on every CI
 * runner that can use it: the helper git starts gets the pair, and without one git fails instead of
 * asking.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../app/git/git.js';
import { credentialHandoff, handoffChannel, type HandoffChannel } from '../../app/https/credential-handoff.js';
import { credentialLines } from '../../app/https/probe.js';
import { Secret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';

let home: TestHome;
beforeEach(async () => {
  home = await createHome('credential-handoff-');
});
afterEach(async () => {
  await home.cleanup();
});

const PAIR = credentialLines({ username: 'jdoe', secret: new Secret('ATATT3xFfGF0handoffPlanted=0A1B2C3D') })!;

function fill(channel: HandoffChannel, pair: string, answers = 1) {
  const handoff = credentialHandoff(channel, pair, answers);
  return git(home.context({ timeoutMs: 20_000 }), ['credential', 'fill'], {
    cwd: home.dir,
    config: [
      ['credential.helper', ''],
      ['credential.helper', handoff.helper],
    ],
    input: 'protocol=https\nhost=bitbucket.org\npath=acme/widgets.git\n\n',
    fd3: handoff.fd3,
    env: handoff.env,
  });
}

const NO_DESCRIPTOR = process.platform === 'win32' ? 'Git for Windows hands the programs it starts only the standard handles' : null;
const channels: Array<[HandoffChannel, string | null]> = [
  ['descriptor', NO_DESCRIPTOR],
  ['environment', null],
];

describe("the HTTPS probe's one-shot credential helper, through this system's git", () => {
  it('uses the environment on Windows and descriptor 3 elsewhere', () => {
    expect(handoffChannel('win32')).toBe('environment');
    expect(handoffChannel('linux')).toBe('descriptor');
    expect(handoffChannel('darwin')).toBe('descriptor');
  });

  for (const [channel, skip] of channels) {
    describe.skipIf(skip)(`through the ${channel}${skip ? ` (skipped: ${skip})` : ''}`, () => {
      it('gives git the username and the secret', async () => {
        const result = await fill(channel, PAIR);
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain('username=jdoe\n');
        expect(result.stdout).toContain('password=ATATT3xFfGF0handoffPlanted=0A1B2C3D\n');
      });

      it('without a pair, git gets nothing and fails instead of prompting', async () => {
        const result = await fill(channel, '');
        expect(result.exitCode).not.toBe(0);
        expect(result.stdout).not.toContain('password=');
      });
    });
  }

  it('the environment channel puts the pair in one variable of git only, and nothing in the helper', () => {
    const handoff = credentialHandoff('environment', PAIR, 2);
    expect(handoff.helper).not.toContain('ATATT3x');
    expect(handoff.fd3).toBeUndefined();
    expect(Object.values(handoff.env ?? {})).toEqual([PAIR]);
  });
});
