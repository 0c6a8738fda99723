import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStoreFiles, entryMatches, parseStoreFile, parseStoreLine, readStoreFiles } from '../../app/credentials/store-file.js';
import { revealSecret } from '../../app/secrets/secret.js';
import { createHome, type TestHome } from '../support/home.js';

describe('parseStoreLine', () => {
  it.each([
    ['https://jdoe:ATATT3xFfGF0abc%3Ddef@bitbucket.org', { protocol: 'https', host: 'bitbucket.org', username: 'jdoe', path: null }, 'ATATT3xFfGF0abc=def'],
    // git percent-encodes the @ of an email username when it stores it
    ['https://jane.doe%40example.com:p%40ss%2Fw0rd@bitbucket.org', { username: 'jane.doe@example.com' }, 'p@ss/w0rd'],
    ['https://x-token-auth:tok@git.corp.example:8443', { host: 'git.corp.example:8443', username: 'x-token-auth' }, 'tok'],
    // with credential.useHttpPath the store keeps the path (trailing slashes dropped)
    ['https://jdoe:pw@bitbucket.org/acme/widgets.git/', { path: 'acme/widgets.git' }, 'pw'],
    // "+" is not a space here, and a lone "%" stays
    ['http://u:a+b%zz@127.0.0.1:7990', { protocol: 'http', host: '127.0.0.1:7990' }, 'a+b%zz'],
    // CRLF files from Windows editors
    ['https://jdoe:pw@bitbucket.org\r', { host: 'bitbucket.org' }, 'pw'],
  ])('%s', (line, expected, password) => {
    const entry = parseStoreLine(line, 'f', 1);
    expect(entry).toMatchObject(expected);
    expect(revealSecret(entry!.password!)).toBe(password);
  });

  it.each(['', '# comment', 'bitbucket.org', 'https://', 'https://jdoe:pw@/path'])('skips %j like git does', (line) => {
    expect(parseStoreLine(line, 'f', 1)).toBeNull();
  });

  it('keeps line numbers and masks passwords when printed', () => {
    const entries = parseStoreFile('https://a:ATBBq7Xk2LmN9pR4sT6vW8yZ1aB3cD5eF7gH@bitbucket.org\n\nhttps://b:pw@github.com\n', '/h/.git-credentials');
    expect(entries.map((e) => [e.line, e.host])).toEqual([
      [1, 'bitbucket.org'],
      [3, 'github.com'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('q7Xk2LmN9pR4');
  });
});

describe('entryMatches', () => {
  const entry = parseStoreLine('https://jdoe:pw@bitbucket.org', 'f', 1)!;
  it('matches like credential_match: protocol and host always, username and path when asked', () => {
    expect(entryMatches(entry, { protocol: 'https', host: 'bitbucket.org' })).toBe(true);
    expect(entryMatches(entry, { protocol: 'https', host: 'bitbucket.org', username: 'jdoe' })).toBe(true);
    expect(entryMatches(entry, { protocol: 'https', host: 'bitbucket.org', username: 'other' })).toBe(false);
    expect(entryMatches(entry, { protocol: 'http', host: 'bitbucket.org' })).toBe(false);
    expect(entryMatches(entry, { protocol: 'https', host: 'bitbucket.org:443' })).toBe(false);
    expect(entryMatches(entry, { protocol: 'https', host: 'bitbucket.org', path: 'acme/w.git' })).toBe(false);
  });
  it('never matches an entry without a password', () => {
    expect(entryMatches(parseStoreLine('https://jdoe@bitbucket.org', 'f', 1)!, { protocol: 'https', host: 'bitbucket.org' })).toBe(false);
  });
});

describe('store files on disk', () => {
  let home: TestHome;
  beforeEach(async () => {
    home = await createHome();
  });
  afterEach(async () => {
    await home.cleanup();
  });

  it('finds the files git credential-store reads, in its order', async () => {
    const ctx = home.context();
    expect(defaultStoreFiles(ctx)).toEqual([path.join(home.dir, '.git-credentials'), path.join(home.dir, '.config', 'git', 'credentials')]);
    await mkdir(path.join(home.dir, '.config', 'git'), { recursive: true });
    await writeFile(path.join(home.dir, '.config', 'git', 'credentials'), 'https://jdoe:pw@bitbucket.org\n');
    const files = await readStoreFiles(defaultStoreFiles(ctx));
    expect(files.map((f) => [f.exists, f.entries.length])).toEqual([
      [false, 0],
      [true, 1],
    ]);
  });

  it('reads what `git credential approve` wrote through the real store helper', async () => {
    const repo = await home.repo();
    await home.git(['config', '--global', 'credential.helper', 'store']);
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => {
      const child = execFile('git', ['credential', 'approve'], { cwd: repo, env: home.env }, (error) => (error ? reject(error) : resolve()));
      child.stdin!.on('error', () => {});
      child.stdin!.end('protocol=https\nhost=bitbucket.org\nusername=jane.doe@example.com\npassword=p@ss w/rd+%\n\n');
    });
    const [file] = await readStoreFiles([path.join(home.dir, '.git-credentials')]);
    expect(file!.entries).toHaveLength(1);
    expect(file!.entries[0]).toMatchObject({ host: 'bitbucket.org', username: 'jane.doe@example.com' });
    expect(revealSecret(file!.entries[0]!.password!)).toBe('p@ss w/rd+%');
  });
});
