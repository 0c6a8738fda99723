import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeHelper, resolveHelpers, shellWords } from '../../app/credentials/helpers.js';
import { credentialUrlParts, urlMatches } from '../../app/credentials/urlmatch.js';
import { createHome, type TestHome } from '../support/home.js';

describe('describeHelper', () => {
  const home = '/home/u';
  const cwd = '/home/u/work';
  it.each([
    ['store', { kind: 'store', command: 'git credential-store', program: 'git-credential-store', storeFile: null }],
    ['store --file ~/.config/bb-creds', { kind: 'store', storeFile: '/home/u/.config/bb-creds' }],
    ['store --file=creds.txt', { kind: 'store', storeFile: '/home/u/work/creds.txt' }],
    ['cache --timeout=3600', { kind: 'cache', command: 'git credential-cache --timeout=3600', program: 'git-credential-cache' }],
    ['osxkeychain', { kind: 'osxkeychain' }],
    ['libsecret', { kind: 'libsecret', program: 'git-credential-libsecret' }],
    ['manager', { kind: 'manager' }],
    ['manager-core', { kind: 'manager' }],
    ['wincred', { kind: 'wincred' }],
    ['oauth', { kind: 'oauth' }],
    ['/usr/share/doc/git/contrib/credential/libsecret/git-credential-libsecret', { kind: 'libsecret', program: '/usr/share/doc/git/contrib/credential/libsecret/git-credential-libsecret' }],
    ['/usr/local/share/gcm-core/git-credential-manager-core', { kind: 'manager' }],
    ['!"/c/Program Files/Git/mingw64/bin/git-credential-manager.exe"', { kind: 'manager', program: null }],
    ['!gh auth git-credential', { kind: 'other', program: 'gh' }],
    ["!f() { echo username=x; echo password=y; }; f", { kind: 'other', program: null }],
    ['!/opt/tools/get-token --profile work', { kind: 'other', program: '/opt/tools/get-token' }],
  ])('%s', (value, expected) => {
    expect(describeHelper(value, home, cwd)).toMatchObject(expected);
  });

  it('splits words like sh', () => {
    expect(shellWords(`store --file "/a b/c" 'd e' f\\ g`)).toEqual(['store', '--file', '/a b/c', 'd e', 'f g']);
  });
});

describe('urlMatches (credential.<url>.* keys)', () => {
  const url = credentialUrlParts('https://bitbucket.org/acme/widgets.git');
  const withUser = credentialUrlParts('https://jdoe@bitbucket.org/acme/widgets.git');
  it.each([
    ['https://bitbucket.org', url, true],
    ['https://bitbucket.org/', url, true],
    ['https://BitBucket.ORG', url, true],
    ['https://bitbucket.org:443', url, true],
    ['https://bitbucket.org:8443', url, false],
    ['https://bitbucket.org/acme', url, true],
    ['https://bitbucket.org/acme/', url, true],
    ['https://bitbucket.org/acm', url, false],
    ['https://bitbucket.org/acme/widgets.git', url, true],
    ['https://bitbucket.org/acme/./x/../widgets.git', url, true],
    ['http://bitbucket.org', url, false],
    ['https://*.org', url, true],
    ['https://*.bitbucket.org', url, false],
    ['https://*.bitbucket.org', credentialUrlParts('https://api.bitbucket.org/x'), true],
    ['https://jdoe@bitbucket.org', url, false],
    ['https://jdoe@bitbucket.org', withUser, true],
    ['https://other@bitbucket.org', withUser, false],
    // not a URL git can normalise: matched field by field (credential_match)
    ['bitbucket.org', url, true],
    ['bitbucket.org', credentialUrlParts('https://bitbucket.org:8443/a/b.git'), false],
    ['github.com', url, false],
    ['jdoe@bitbucket.org', withUser, true],
    ['jdoe@bitbucket.org', url, false],
  ])('%s → %s', (pattern, target, expected) => {
    expect(urlMatches(pattern, target)).toBe(expected);
  });
});

describe('resolveHelpers', () => {
  let home: TestHome;
  beforeEach(async () => {
    home = await createHome();
  });
  afterEach(async () => {
    await home.cleanup();
  });

  /** The helpers git itself runs for `url`, from its trace: `run_command: 'true hN get'`. */
  async function helpersGitRuns(repo: string, url: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
    const stderr = await new Promise<string>((resolve) => {
      const child = execFile('git', ['credential', 'fill'], { cwd: repo, env: { ...home.env, ...env, GIT_TERMINAL_PROMPT: '0', GIT_TRACE: '2' } }, (_e, _o, err) => resolve(err));
      child.stdin!.on('error', () => {});
      child.stdin!.end(`url=${url}\n\n`);
    });
    return [...stderr.matchAll(/run_command: 'true (h\w+) get'/g)].map((m) => m[1]!);
  }

  it("selects the same helpers as git, in git's order, across files, URL keys and resets", async () => {
    const repo = await home.repo();
    const set = (scope: string, key: string, value: string) => home.git(['config', scope, '--add', key, value], repo);
    await set('--global', 'credential.helper', '!true h1');
    await set('--global', 'credential.https://bitbucket.org.helper', '!true h2');
    await set('--global', 'credential.https://github.com.helper', '!true hX');
    await set('--global', 'credential.https://*.org.helper', '!true hY');
    await set('--local', 'credential.https://*.org.helper', '');
    await set('--local', 'credential.bitbucket.org.helper', '!true h3');
    await set('--local', 'credential.https://bitbucket.org/acme.helper', '!true h4');
    await set('--local', 'credential.https://bitbucket.org/other.helper', '!true hZ');
    await set('--local', 'credential.http://bitbucket.org.helper', '!true hW');
    await set('--local', 'credential.https://jdoe@bitbucket.org.helper', '!true h5');
    const commandLine = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: '!true h6' };

    for (const url of ['https://bitbucket.org/acme/widgets.git', 'https://jdoe@bitbucket.org/acme/widgets.git', 'https://bitbucket.org/other/x.git', 'http://bitbucket.org/acme/w.git']) {
      const ctx = createHomeContext(home, commandLine);
      const resolution = await resolveHelpers(ctx, repo, url);
      const ours = resolution.helpers.map((h) => h.value.replace('!true ', ''));
      expect(ours, url).toEqual(await helpersGitRuns(repo, url, commandLine));
      expect(ours.length, url).toBeGreaterThan(1);
    }
    const resolution = await resolveHelpers(createHomeContext(home, commandLine), repo, 'https://bitbucket.org/acme/widgets.git');
    expect(resolution.resets).toEqual([{ scope: 'local', file: path.join(repo, '.git', 'config'), key: 'credential.https://*.org.helper' }]);
    expect(resolution.helpers.at(-1)!.origin).toEqual({ scope: 'command', file: null, key: 'credential.helper' });
  });

  it('tells which helpers git can start, and where each is configured', async () => {
    const repo = await home.repo();
    const bin = path.join(home.dir, 'bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'git-credential-custom'), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(bin, 'git-credential-custom'), 0o755);
    home.env.PATH = `${bin}${path.delimiter}${home.env.PATH}`;
    for (const value of ['store', 'custom', 'manager', '/nonexistent/git-credential-libsecret', '!gh-not-installed auth git-credential', '!f() { :; }; f']) {
      await home.git(['config', '--global', '--add', 'credential.helper', value]);
    }
    await home.git(['config', 'credential.username', 'jdoe'], repo);
    await home.git(['config', 'credential.useHttpPath', 'true'], repo);
    await home.git(['config', '--global', 'credential.bitbucketValidateStoredCredentials', 'false']);

    const resolution = await resolveHelpers(home.context(), repo, 'https://bitbucket.org/acme/widgets.git');
    expect(resolution.helpers.map((h) => [h.kind, h.runnable])).toEqual([
      ['store', 'yes'],
      ['other', 'yes'],
      ['manager', 'no'],
      ['libsecret', 'no'],
      ['other', 'no'],
      ['other', 'unknown'],
    ]);
    expect(resolution.helpers[0]!.origin).toEqual({ scope: 'global', file: path.join(home.dir, '.gitconfig'), key: 'credential.helper' });
    expect(resolution).toMatchObject({ username: 'jdoe', useHttpPath: true, settings: { bitbucketvalidatestoredcredentials: 'false' } });
  });
});

function createHomeContext(home: TestHome, extraEnv: NodeJS.ProcessEnv) {
  const ctx = home.context();
  ctx.env = { ...ctx.env, ...extraEnv };
  return ctx;
}
