import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStoreFile } from '../../app/credentials/store-file.js';
import { formatStoreLine, putStoreLine, removeStoreEntries } from '../../app/fix/edit/credential-store.js';
import { renameUrlSection } from '../../app/fix/edit/git-config-text.js';
import { withHelperLines } from '../../app/fix/secure-helper.js';
import { tokenShapeProblem, usernameProblem } from '../../app/fix/token-shape.js';
import { selectHelpers } from '../../app/credentials/helpers.js';
import { credentialUrlParts } from '../../app/credentials/urlmatch.js';
import { fetchRewrite, pushRewrite, type UrlRewrite } from '../../app/repo/rewrites.js';
import { removeSecret, setUsername, useHttps, useSsh, useSshHost, type UrlTransform } from '../../app/repo/url-edit.js';
import { revealSecret } from '../../app/secrets/secret.js';

const API_TOKEN = 'ATATT3xFfGF0UnitTestToken_Aa1Bb2Cc3Dd4Ee5=0A1B2C3D';
const APP_PASSWORD = 'ATBBUnitTestAppPassword9pR4sT6vW8yZ1';
const ACCESS_TOKEN = 'ATCTT3xFfGN0UnitTestAccess_Tt1Uu2Vv3Ww4=1F2E3D4C';

const after = (transform: UrlTransform, raw: string) => {
  const verdict = transform(raw);
  return verdict.kind === 'change' ? verdict.url : verdict.kind;
};

describe('remote URL edits change only what they mean to', () => {
  it.each([
    ['https://jane.doe%40example.com@bitbucket.org/acme/widgets.git', 'https://x-bitbucket-api-token-auth@bitbucket.org/acme/widgets.git'],
    ['https://bitbucket.org/acme/widgets.git', 'https://x-bitbucket-api-token-auth@bitbucket.org/acme/widgets.git'],
    ['HTTPS://jdoe@BitBucket.org:443/acme/Widgets.git?x=1', 'HTTPS://x-bitbucket-api-token-auth@BitBucket.org:443/acme/Widgets.git?x=1'],
    ['https://x-bitbucket-api-token-auth@bitbucket.org/acme/w.git', 'ok'],
    ['git@ssh.bitbucket.org:acme/w.git', 'skip'],
    [`https://jdoe:${API_TOKEN}@bitbucket.org/acme/w.git`, 'refuse'],
  ])('token username: %s', (raw, expected) => {
    expect(after(setUsername('x-bitbucket-api-token-auth'), raw)).toBe(expected);
  });

  it('percent-encodes a username with special characters', () => {
    expect(after(setUsername('j doe'), 'https://bitbucket.org/a/b.git')).toBe('https://j%20doe@bitbucket.org/a/b.git');
  });

  it.each([
    [`https://jdoe:${API_TOKEN}@bitbucket.org/acme/w.git`, 'https://jdoe@bitbucket.org/acme/w.git'],
    [`https://${API_TOKEN}@bitbucket.org/acme/w.git`, 'https://bitbucket.org/acme/w.git'],
    [`http://jdoe:p%40ss@127.0.0.1:8080/acme/w.git`, 'http://jdoe@127.0.0.1:8080/acme/w.git'],
    ['https://jdoe@bitbucket.org/acme/w.git', 'ok'],
    ['git@bitbucket.org:acme/w.git', 'ok'],
  ])('remove secret: %s', (raw, expected) => {
    expect(after(removeSecret, raw)).toBe(expected);
  });

  it.each([
    ['https://bitbucket.org/acme/widgets.git', 'git@ssh.bitbucket.org:acme/widgets.git'],
    ['https://jdoe:secret@bitbucket.org/acme/widgets', 'git@ssh.bitbucket.org:acme/widgets'],
    ['https://git.corp.example/scm/PROJ/repo.git', 'ssh://git@git.corp.example:7999/proj/repo.git'],
    ['https://git.corp.example:8443/bitbucket/scm/PROJ/repo.git', 'ssh://git@git.corp.example:7999/proj/repo.git'],
    ['https://git.corp.example/scm/~jdoe/repo.git', 'ssh://git@git.corp.example:7999/~jdoe/repo.git'],
    ['git@ssh.bitbucket.org:acme/w.git', 'ok'],
    ['https://github.com/acme/w.git', 'skip'],
  ])('HTTPS → SSH: %s', (raw, expected) => {
    expect(after(useSsh([]), raw)).toBe(expected);
  });

  it('HTTPS → SSH refuses a declared Data Center host without a clone path', () => {
    expect(useSsh(['git.corp.example'])('https://git.corp.example/some/where.git')).toMatchObject({ kind: 'refuse' });
  });

  it.each([
    ['git@ssh.bitbucket.org:acme/widgets.git', 'https://bitbucket.org/acme/widgets.git'],
    ['git@bitbucket.org:acme/widgets.git', 'https://bitbucket.org/acme/widgets.git'],
    ['ssh://git@ssh.bitbucket.org/acme/widgets.git', 'https://bitbucket.org/acme/widgets.git'],
    ['https://bitbucket.org/acme/w.git', 'ok'],
  ])('SSH → HTTPS (Cloud): %s', (raw, expected) => {
    expect(after(useHttps([], null), raw)).toBe(expected);
  });

  it('SSH → HTTPS (Data Center): only with the server HTTPS address from another URL', () => {
    const dc = 'ssh://git@git.corp.example:7999/proj/repo.git';
    const refused = useHttps([], null)(dc);
    expect(refused).toMatchObject({ kind: 'refuse', reason: expect.stringContaining('cannot be derived from an SSH URL') });
    const web = { origin: 'https://git.corp.example:8443', contextPath: ['bitbucket'], project: 'PROJ', slug: 'repo' };
    expect(after(useHttps([], web), dc)).toBe('https://git.corp.example:8443/bitbucket/scm/proj/repo.git');
  });

  it('SSH → HTTPS follows an ssh config alias to the real host', () => {
    expect(after(useHttps([], null, (h) => (h === 'bb-work' ? 'bitbucket.org' : null)), 'bb-work:acme/w.git')).toBe('https://bitbucket.org/acme/w.git');
    expect(after(useHttps([], null), 'bb-work:acme/w.git')).toBe('skip');
  });

  it.each([
    ['git@bitbucket.org:acme/widgets.git', 'git@ssh.bitbucket.org:acme/widgets.git'],
    ['ssh://git@bitbucket.org/acme/widgets.git', 'ssh://git@ssh.bitbucket.org/acme/widgets.git'],
    ['ssh://git@bitbucket.org:22/acme/widgets.git', 'ssh://git@ssh.bitbucket.org:22/acme/widgets.git'],
    ['bitbucket.org:acme/widgets.git', 'ssh.bitbucket.org:acme/widgets.git'],
    ['git@ssh.bitbucket.org:acme/widgets.git', 'ok'],
    ['https://bitbucket.org/acme/widgets.git', 'skip'],
  ])('legacy SSH host: %s', (raw, expected) => {
    expect(after(useSshHost, raw)).toBe(expected);
  });
});

describe('url rewrites as git resolves them', () => {
  const rule = (base: string, prefix: string, push = false): UrlRewrite => ({ base, prefix, push, file: '/cfg', scope: 'global' });
  it('the longest prefix wins; pushInsteadOf only for push of a url, not of a pushurl', () => {
    const rules = [rule('https://a/', 'bb:'), rule('https://b/', 'bb:x/'), rule('ssh://c/', 'bb:', true)];
    expect(fetchRewrite('bb:x/y', rules)).toMatchObject({ url: 'https://b/y', rule: rules[1] });
    expect(fetchRewrite('bb:z', rules).url).toBe('https://a/z');
    expect(pushRewrite('bb:z', rules, false).url).toBe('ssh://c/z');
    expect(pushRewrite('bb:z', rules, true).url).toBe('https://a/z');
    expect(fetchRewrite('other:z', rules)).toEqual({ url: 'other:z', rule: null });
  });
});

describe('config text: renaming a url section', () => {
  it('changes only the header and keeps every other byte', () => {
    const text = '# mine\n[url "https://u:se\\"cret@h/"]\n\tinsteadOf = bb:\n[user]\n\tname = X\n[url "https://u:se\\"cret@h/"] # again\n';
    expect(renameUrlSection(text, 'https://u:se"cret@h/', 'https://u@h/')).toBe('# mine\n[url "https://u@h/"]\n\tinsteadOf = bb:\n[user]\n\tname = X\n[url "https://u@h/"] # again\n');
    expect(renameUrlSection(text, 'https://nope/', 'x')).toBeNull();
  });
});

describe('plain-text credential files', () => {
  const file = '/home/u/.git-credentials';
  it('writes lines as git credential-store does, and reads them back', () => {
    const line = formatStoreLine({ protocol: 'http', host: '127.0.0.1:8080', username: 'jane.doe@ex.com', path: 'acme/w.git' }, 'a/b+c=d~e_f');
    // byte for byte what `git credential-store store` wrote on this machine (git 2.39)
    expect(line).toBe('http://jane.doe%40ex.com:a%2fb%2bc%3dd~e_f@127.0.0.1%3a8080/acme/w.git');
    const [entry] = parseStoreFile(line, file);
    expect(entry).toMatchObject({ protocol: 'http', host: '127.0.0.1:8080', username: 'jane.doe@ex.com', path: 'acme/w.git' });
    expect(revealSecret(entry!.password!)).toBe('a/b+c=d~e_f');
  });

  it('removes every line for one host and user (duplicates too) and nothing else', () => {
    const text = 'https://jdoe:a@bitbucket.org\nhttps://gh:z@github.com\nhttps://other:b@bitbucket.org\nhttps://jdoe:c@bitbucket.org\n';
    const out = removeStoreEntries(text, file, (e) => e.host === 'bitbucket.org' && e.username === 'jdoe');
    expect(out).toEqual({ text: 'https://gh:z@github.com\nhttps://other:b@bitbucket.org\n', removed: 2 });
    expect(putStoreLine(out.text, file, 'https://jdoe:new@bitbucket.org', (e) => e.username === 'jdoe')).toBe('https://jdoe:new@bitbucket.org\nhttps://gh:z@github.com\nhttps://other:b@bitbucket.org\n');
  });

  it('property: lines about other hosts keep their bytes and their order', () => {
    const otherLine = fc.oneof(
      fc.stringMatching(/^https:\/\/[a-z]{1,8}:[A-Za-z0-9%]{1,12}@[a-z]{1,8}\.(com|net|io)(\/[a-z]{1,6})?$/),
      fc.stringMatching(/^[ #a-zA-Z0-9]{0,20}$/),
      fc.constant(''),
    );
    fc.assert(
      fc.property(fc.array(otherLine, { maxLength: 12 }), fc.array(fc.nat(12), { maxLength: 4 }), (others, positions) => {
        const lines = [...others];
        for (const p of positions) lines.splice(Math.min(p, lines.length), 0, `https://jdoe:S${p}@bitbucket.org`);
        const out = removeStoreEntries(lines.join('\n'), file, (e) => e.host === 'bitbucket.org' && e.username === 'jdoe');
        expect(out.text).toBe(others.join('\n'));
        expect(out.removed).toBe(positions.length);
      }),
    );
  });
});

describe('token and username shape checks', () => {
  it.each([
    ['cloud', 'jdoe', API_TOKEN, null],
    ['cloud', 'x-bitbucket-api-token-auth', API_TOKEN, null],
    ['cloud', 'x-token-auth', ACCESS_TOKEN, null],
    ['cloud', 'jdoe', APP_PASSWORD, /^This is an app password \(it starts with ATBB\); Bitbucket removed app passwords on 28 July 2026/],
    ['cloud', 'jane@example.com', API_TOKEN, /is an email address/],
    ['cloud', 'jdoe', ACCESS_TOKEN, /access token \(ATCT…\): git must send it with the username x-token-auth/],
    ['cloud', 'x-token-auth', API_TOKEN, /x-token-auth is the username for access tokens/],
    ['cloud', 'jdoe', 'hunter2hunter2', /not an Atlassian API token/],
    ['cloud', 'jdoe', `${API_TOKEN}\nx`, /one line/],
    ['cloud', API_TOKEN, API_TOKEN, /username looks like a token/],
    ['datacenter', 'jdoe', 'BBDC-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', null],
    ['datacenter', 'jdoe', 'my own password', null],
    ['datacenter', 'jdoe', API_TOKEN, /Bitbucket Cloud API token/],
  ] as const)('%s %s', (kind, username, token, expected) => {
    const problem = tokenShapeProblem(kind, username, token);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
    // One line, never the token itself.
    if (problem) {
      expect(problem.split('\n')).toHaveLength(1);
      expect(problem).not.toContain('UnitTest');
    }
  });

  it.each([
    ['jdoe', null],
    ['jane.doe@example.com', /email/],
    ['', /empty/],
    ['j doe', /spaces/],
    [API_TOKEN, /looks like a token/],
  ])('username %s', (username, expected) => {
    const problem = usernameProblem(username);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('URL-scoped secure helper setting', () => {
  const entry = (scope: 'global' | 'local', file: string, key: string, value: string) => ({ origin: { scope, file, key }, value });
  const url = credentialUrlParts('https://bitbucket.org/acme/w.git');
  it('goes after the global helpers and drops them for this site only', () => {
    const entries = [entry('global', '/g', 'credential.helper', 'store'), entry('local', '/l', 'credential.usehttppath', 'false')];
    const next = withHelperLines(entries, '/g', 'global', 'credential.https://bitbucket.org.helper', 'libsecret');
    expect(selectHelpers(next, url, '/h', '/r').helpers.map((h) => h.value)).toEqual(['libsecret']);
    expect(selectHelpers(next, credentialUrlParts('https://github.com/x.git'), '/h', '/r').helpers.map((h) => h.value)).toEqual(['store']);
  });

  it('a store helper in the repository config still applies after a global setting', () => {
    const entries = [entry('local', '/l', 'credential.helper', 'store')];
    const global = withHelperLines(entries, '/g', 'global', 'credential.https://bitbucket.org.helper', 'libsecret');
    expect(selectHelpers(global, url, '/h', '/r').helpers.map((h) => h.value)).toEqual(['libsecret', 'store']);
    const local = withHelperLines(entries, '/l', 'local', 'credential.https://bitbucket.org.helper', 'libsecret');
    expect(selectHelpers(local, url, '/h', '/r').helpers.map((h) => h.value)).toEqual(['libsecret']);
  });
});
