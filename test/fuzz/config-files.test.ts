import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStoreFile, parseStoreLine } from '../../app/credentials/store-file.js';
import { PUBLISHED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { formatStoreLine, putStoreLine, removeStoreEntries } from '../../app/fix/edit/credential-store.js';
import { renameUrlSection } from '../../app/fix/edit/git-config-text.js';
import { addHostKeys, removeHostKeys } from '../../app/fix/edit/known-hosts.js';
import { bitbucketHostOptions, readHostBlock, upsertHostBlock } from '../../app/fix/edit/ssh-config.js';
import { parseKnownHosts } from '../../app/ssh/known-hosts.js';
import { anyLine, textOf } from './support/arbitraries.js';

/**
 * The user's own files (~/.git-credentials, ~/.ssh/config, known_hosts, .git/config) may hold
 * anything: other tools' lines, broken lines, any Unicode, CR/LF mixes. Their parsers never throw,
 * and the editors keep every byte they do not mean to change. (test/fix/*-edit.test.ts hold the
 * properties over well-formed files; these feed them hostile ones.)
 */
const HOST = 'ssh.bitbucket.org';

const storeFile = textOf(['https://jdoe:ATATT3xFfGF0tok%40en@bitbucket.org', 'https://bitbucket.org', 'http://x:y@127.0.0.1:8080/a/b', 'https://@bitbucket.org', '%', '%zz', ':', '@', '://', 'https://jdoe@bitbucket.org/acme/w.git', '#', ''], { maxLines: 15 });
const sshConfig = textOf(['Host ', 'Host *', 'Match all', `Host ${HOST}`, `host=${HOST}`, '  User git', 'IdentityFile "/a b"', '"', '=', '\t', '#', 'Include x', `Host ${HOST} bitbucket.org`, '!'], { maxLines: 15 });
const key = PUBLISHED_HOST_KEYS[0]!;
const knownHosts = textOf([`${HOST} ${key.type} ${key.key}`, `bitbucket.org,${HOST} ${key.type} ${key.key}`, '|1|', '|1|abc|def ssh-ed25519 AAAA', '@revoked', '@cert-authority *.bitbucket.org', '[ssh.bitbucket.org]:7999', '#', ',', '*', '!', ' '], { maxLines: 15 });
const gitConfig = textOf(['[url "https://jdoe:secret@bitbucket.org/"]', '[url "a\\"b"]', '\tinsteadOf = https://bitbucket.org/', '[remote "origin"]', '[', ']', '"', '\\', '[URL  "x" ]'], { maxLines: 15 });

function isSubsequence(wanted: readonly string[], within: readonly string[]): boolean {
  let at = 0;
  for (const line of within) if (at < wanted.length && line === wanted[at]) at++;
  return at === wanted.length;
}

const isBitbucketEntry = (line: string, index: number) => parseStoreLine(line, 'f', index + 1)?.host === 'bitbucket.org';

describe('fuzz: the credential store file', () => {
  it('parses anything; removing Bitbucket entries keeps every other line byte for byte, in order', () => {
    fc.assert(
      fc.property(storeFile, (text) => {
        const entries = parseStoreFile(text, 'f');
        for (const entry of entries) expect(entry.line).toBeLessThanOrEqual(text.split('\n').length);
        const { text: after, removed } = removeStoreEntries(text, 'f', (e) => e.host === 'bitbucket.org');
        const kept = text.split('\n').filter((line, i) => !isBitbucketEntry(line, i));
        expect(after).toBe(kept.join('\n'));
        expect(removed).toBe(text.split('\n').length - kept.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('putting a new line keeps every unrelated line, and the new line reads back', () => {
    fc.assert(
      fc.property(storeFile, fc.stringMatching(/^[A-Za-z0-9@._-]{1,16}$/), anyLine, (text, username, password) => {
        const line = formatStoreLine({ protocol: 'https', host: 'bitbucket.org', username }, password);
        const after = putStoreLine(text, 'f', line, (e) => e.host === 'bitbucket.org');
        expect(after.startsWith(`${line}\n`)).toBe(true);
        expect(after.slice(line.length + 1)).toBe(removeStoreEntries(text, 'f', (e) => e.host === 'bitbucket.org').text || '');
        expect(parseStoreLine(line, 'f', 1)).toMatchObject({ host: 'bitbucket.org', username });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: git config text', () => {
  it('renaming a [url] section changes only its header lines', () => {
    fc.assert(
      fc.property(gitConfig, fc.constantFrom('https://jdoe:secret@bitbucket.org/', 'a"b', 'x'), fc.constantFrom('https://jdoe@bitbucket.org/', 'c\\d'), (text, from, to) => {
        const after = renameUrlSection(text, from, to);
        if (after === null) return;
        const before = text.split('\n');
        const lines = after.split('\n');
        expect(lines).toHaveLength(before.length);
        lines.forEach((line, i) => {
          if (line !== before[i]) expect(before[i]).toMatch(/^\s*\[\s*url\s/i);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: ~/.ssh/config', () => {
  const options = bitbucketHostOptions({ identityFile: '/home/u/.ssh/id_ed25519_bitbucket' });
  const hasExactBlock = (text: string) => readHostBlock(text, HOST) !== null;

  it('a new block is one insertion at a line boundary: every other byte stays', () => {
    fc.assert(
      fc.property(sshConfig, (text) => {
        const { text: after, changed } = upsertHostBlock(text, HOST, options);
        if (hasExactBlock(text)) return;
        expect(changed).toBe(true);
        const added = after.length - text.length;
        const boundaries = [0, ...[...text.matchAll(/\r\n|\n|\r/g)].map((m) => m.index + m[0].length), text.length];
        // The old last line may gain the line end it lacked: allow the insertion to start with one.
        const insertedAt = boundaries.some((at) => after.slice(0, at) === text.slice(0, at) && after.slice(at + added) === text.slice(at));
        const appended = after.startsWith(text);
        expect(insertedAt || appended).toBe(true);
        expect(readHostBlock(after, HOST)?.get('identityfile')).toEqual(['/home/u/.ssh/id_ed25519_bitbucket']);
      }),
      { numRuns: 1000 },
    );
  });

  it('applying twice equals applying once, whatever the file holds', () => {
    fc.assert(
      fc.property(sshConfig, (text) => {
        const once = upsertHostBlock(text, HOST, options).text;
        expect(upsertHostBlock(once, HOST, options)).toMatchObject({ text: once, changed: false });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: known_hosts', () => {
  it('parses anything; a file without the host is never changed by a removal; adding keeps the file as its start', () => {
    fc.assert(
      fc.property(knownHosts, (text) => {
        const parsed = parseKnownHosts(text);
        expect(Array.isArray(parsed.entries)).toBe(true);
        const removal = removeHostKeys(text, HOST, 22);
        if (!removal.changed) expect(removal.text).toBe(text);
        const added = addHostKeys(text, HOST, 22, PUBLISHED_HOST_KEYS);
        expect(added.text.startsWith(text)).toBe(true);
        expect(addHostKeys(added.text, HOST, 22, PUBLISHED_HOST_KEYS).changed).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('after a removal the host is gone, and lines about other hosts keep their bytes and order', () => {
    fc.assert(
      fc.property(knownHosts, (text) => {
        const { text: after } = removeHostKeys(text, HOST, 22);
        expect(removeHostKeys(after, HOST, 22).changed).toBe(false);
        // Lines that do not mention the host are all still there, unchanged and in order.
        const lines = (t: string) => t.split(/\r\n|\n|\r/);
        const unrelated = lines(text).filter((l) => !l.toLowerCase().includes(HOST));
        expect(isSubsequence(unrelated, lines(after))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
