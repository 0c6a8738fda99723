import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHostKeys, removeHostKeys } from '../../app/fix/edit/known-hosts.js';
import { PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { hashHostName, hostKeyStatus, parseKnownHosts } from '../../app/ssh/known-hosts.js';

const HOST = 'ssh.bitbucket.org';
const current = PUBLISHED_HOST_KEYS;
const oldRsa = RETIRED_HOST_KEYS[0]!;
const anyKey = fc.constantFrom(...current, oldRsa);
const salt = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((a) => Buffer.from(a));

// ─── unrelated lines: nothing here names ssh.bitbucket.org on port 22 ──────────────────────────────
const otherName = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{1,10}\.(com|org|net)$/).filter((n) => n !== HOST),
  fc.constant('bitbucket.org'),
  fc.constant(`[${HOST}]:2222`),
  fc.constant('104.192.141.1'),
  fc.constant(`!${HOST}`),
);
const plainOther = fc.tuple(fc.array(otherName, { minLength: 1, maxLength: 3 }), anyKey, fc.constantFrom('', ' comment here', '\tuser@box')).map(([names, k, c]) => {
  // A list whose only positive names are other hosts; a negation alone never matches.
  return `${names.join(',')} ${k.type} ${k.key}${c}`;
});
const hashedOther = fc.tuple(otherName.filter((n) => !n.startsWith('!')), anyKey, salt).map(([n, k, s]) => `${hashHostName(n, s)} ${k.type} ${k.key}`);
const marker = fc.tuple(fc.constantFrom('@cert-authority', '@revoked'), fc.constantFrom(HOST, '*.bitbucket.org', 'example.com'), anyKey).map(([m, h, k]) => `${m} ${h} ${k.type} ${k.key}`);
const comment = fc.stringMatching(/^[ \t]*#[^\r\n]{0,40}$/);
const blank = fc.constantFrom('', ' ', '\t');
const malformed = fc.constantFrom('garbage', `${HOST} ssh-ed25519`, `${HOST} ssh-ed25519 !!notbase64!!`, '|1|broken');
const unrelated = fc.oneof(plainOther, hashedOther, marker, comment, blank, malformed);

/** A line about our host and what it becomes after removal (null: the line goes). */
const related = fc.oneof(
  anyKey.map((k) => ({ line: `${HOST} ${k.type} ${k.key}`, after: null as string | null })),
  fc.tuple(anyKey, salt).map(([k, s]) => ({ line: `${hashHostName(HOST, s)} ${k.type} ${k.key}`, after: null as string | null })),
  fc.tuple(anyKey, fc.constantFrom('104.192.141.1', 'bitbucket.org')).map(([k, ip]) => ({ line: `${ip},SSH.Bitbucket.org ${k.type} ${k.key} c`, after: `${ip} ${k.type} ${k.key} c` as string | null })),
);

const file = (lines: string[], eol: string, finalNewline: boolean) => (lines.length ? lines.join(eol) + (finalNewline ? eol : '') : '');
const layout = fc.tuple(fc.constantFrom('\n', '\r\n'), fc.boolean());

describe('known_hosts editor', () => {
  it('property: unrelated content is never changed by a removal, and round-trips around added keys', () => {
    fc.assert(
      fc.property(fc.array(unrelated, { maxLength: 20 }), layout, (lines, [eol, final]) => {
        const text = file(lines, eol, final);
        expect(removeHostKeys(text, HOST, 22)).toMatchObject({ text, changed: false });
        const added = addHostKeys(text, HOST, 22, current);
        expect(added.changed).toBe(true);
        expect(added.text.startsWith(text)).toBe(true);
        const tail = added.text.slice(text.length).replace(/^\r?\n/, '');
        const used = /\r?\n/.exec(text)?.[0] ?? '\n';
        expect(eol === used || !text.includes('\n')).toBe(true);
        expect(tail).toBe(added.added.map((l) => l + used).join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('property: removal drops exactly the host (keeping the other names of a list) and nothing else', () => {
    const item = fc.oneof(unrelated.map((line) => ({ line, after: line as string | null })), related);
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), layout, (items, [eol, final]) => {
        const text = file(items.map((i) => i.line), eol, final);
        const expected = file(items.flatMap((i) => (i.after === null ? [] : [i.after])), eol, final);
        const result = removeHostKeys(text, HOST, 22);
        expect(result.text).toBe(expected);
        expect(result.removed).toHaveLength(items.filter((i) => i.after !== i.line).length);
        expect(removeHostKeys(result.text, HOST, 22).changed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('property: adding is idempotent and never duplicates a key already trusted for the host', () => {
    const item = fc.oneof(unrelated, related.map((r) => r.line));
    fc.assert(
      fc.property(fc.array(item, { maxLength: 15 }), layout, (lines, [eol, final]) => {
        const once = addHostKeys(file(lines, eol, final), HOST, 22, current).text;
        expect(addHostKeys(once, HOST, 22, current)).toMatchObject({ text: once, changed: false });
        const forHost = parseKnownHosts(once).entries.filter((e) => !e.marker && (e.hostField === HOST || e.hashed || e.hostField.toLowerCase().split(',').includes(HOST)));
        for (const key of current) expect(forHost.some((e) => e.key === key.key)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('removes only retired keys when asked, keeping the current ones and marker lines', () => {
    const text = [`${HOST} ${oldRsa.type} ${oldRsa.key}`, `${HOST} ${current[0]!.type} ${current[0]!.key}`, `@revoked ${HOST} ${oldRsa.type} ${oldRsa.key}`, `*.bitbucket.org ${oldRsa.type} ${oldRsa.key}`].join('\n');
    const result = removeHostKeys(text, HOST, 22, (e) => hostKeyStatus(e, PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS) === 'retired');
    expect(result.text).toBe(text.split('\n').slice(1).join('\n'));
    expect(result.removed.map((r) => r.fingerprint)).toEqual([oldRsa.fingerprint]);
    expect(result.kept).toEqual([{ line: 4, hostField: '*.bitbucket.org' }]);
  });

  it('hashes added names when the file is hashed, and names a non-22 port [host]:port', () => {
    const hashedFile = `${hashHostName('example.com', Buffer.alloc(20, 1))} ${oldRsa.type} ${oldRsa.key}\n`;
    const added = addHostKeys(hashedFile, HOST, 7999, [current[0]!], { salt: () => Buffer.alloc(20, 7) });
    expect(added.added).toEqual([`${hashHostName(`[${HOST}]:7999`, Buffer.alloc(20, 7))} ${current[0]!.type} ${current[0]!.key}`]);
    expect(addHostKeys('', HOST, 7999, [current[0]!]).added).toEqual([`[${HOST}]:7999 ${current[0]!.type} ${current[0]!.key}`]);
    expect(addHostKeys('a.com ssh-ed25519 AAAA', HOST, 22, [current[0]!]).text).toBe(`a.com ssh-ed25519 AAAA\n${HOST} ${current[0]!.type} ${current[0]!.key}\n`);
  });
});

describe('known_hosts editor with the real ssh-keygen', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'khedit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Lines ssh-keygen -F finds for the name (exit 1: none). */
  async function find(text: string, name: string): Promise<string[]> {
    const target = path.join(dir, `kh-${Math.random().toString(36).slice(2)}`);
    await writeFile(target, text);
    try {
      const { stdout } = await promisify(execFile)('ssh-keygen', ['-F', name, '-f', target]);
      return stdout.split(/\r?\n/).filter((l) => l && !l.startsWith('#'));
    } catch (error) {
      if ((error as { code?: number }).code === 1) return [];
      throw error;
    }
  }

  it.each([
    ['plain', false, 22, HOST],
    ['hashed', true, 22, HOST],
    ['plain, port 7999', false, 7999, `[${HOST}]:7999`],
    ['hashed, port 7999', true, 7999, `[${HOST}]:7999`],
  ] as const)('ssh-keygen -F finds the added keys and none after removal (%s)', async (_label, hashed, port, name) => {
    const others = `# mine\r\nexample.com ${oldRsa.type} ${oldRsa.key}\n${hashHostName('bitbucket.org', Buffer.alloc(20, 3))} ${oldRsa.type} ${oldRsa.key}\n`;
    const withOld = `${others}bitbucket.org,${name} ${oldRsa.type} ${oldRsa.key}\n`;
    const added = addHostKeys(withOld, HOST, port, current, { hashed });
    const found = await find(added.text, name);
    expect(found.map((l) => l.split(' ').slice(1).join(' ')).sort()).toEqual([...current.map((k) => `${k.type} ${k.key}`), `${oldRsa.type} ${oldRsa.key}`].sort());

    const cleaned = removeHostKeys(added.text, HOST, port);
    expect(await find(cleaned.text, name)).toEqual([]);
    // Other hosts still have exactly the keys they had.
    const keys = async (text: string, host: string) => (await find(text, host)).map((l) => l.split(' ').slice(-2).join(' '));
    expect(await keys(cleaned.text, 'bitbucket.org')).toEqual(await keys(withOld, 'bitbucket.org'));
    expect(await keys(cleaned.text, 'bitbucket.org')).toHaveLength(2);
    expect(await keys(cleaned.text, 'example.com')).toEqual(await keys(withOld, 'example.com'));
  });
});
