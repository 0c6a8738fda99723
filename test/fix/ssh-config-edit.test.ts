import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitbucketHostOptions, ensureIgnoreUnknown, readHostBlock, upsertHostBlock, type SshOption } from '../../app/fix/edit/ssh-config.js';

const HOST = 'ssh.bitbucket.org';
const KEY = '/home/u/.ssh/id_ed25519_bitbucket';
const OPTIONS = bitbucketHostOptions({ identityFile: KEY });

// ─── generators of unrelated ssh_config content ───────────────────────────────────────────────────
const eolArb = fc.constantFrom('\n', '\r\n');
const ws = fc.constantFrom('', ' ', '  ', '\t', '    ');
const word = fc.stringMatching(/^[A-Za-z0-9._/~%-]{1,12}$/);
const comment = fc.tuple(ws, fc.stringMatching(/^[^\r\n]{0,30}$/)).map(([i, t]) => `${i}#${t}`);
const blank = ws;
const keyword = fc.constantFrom('User', 'port', 'IdentityFile', 'ForwardAgent', 'ServerAliveInterval', 'HOSTNAME', 'SendEnv', 'ProxyJump', 'IdentitiesOnly', 'AddKeysToAgent', 'Ciphers');
const directive = fc.tuple(ws, keyword, fc.constantFrom(' ', '=', ' = ', '\t'), word).map(([i, k, s, v]) => `${i}${k}${s}${v}`);
const include = fc.tuple(ws, word).map(([i, w]) => `${i}Include ${w}`);
// Other hosts: anything but exactly our host as a single pattern.
const otherHost = fc.oneof(
  word.filter((w) => w.toLowerCase() !== HOST),
  fc.constant('*'),
  fc.constant('*.bitbucket.org'),
  fc.constant(`${HOST} bitbucket.org`),
  fc.constant(`* !${HOST}`),
);
const hostLine = fc.tuple(fc.constantFrom('Host', 'host', 'HOST'), fc.constantFrom(' ', '='), otherHost).map(([k, s, h]) => `${k}${s}${h}`);
const matchLine = fc.constantFrom('Match all', 'Match host foo,bar', 'match exec "true" user git', 'Match canonical final');
const line = fc.oneof({ weight: 2, arbitrary: comment }, { weight: 1, arbitrary: blank }, { weight: 4, arbitrary: directive }, { weight: 1, arbitrary: include }, { weight: 2, arbitrary: hostLine }, { weight: 1, arbitrary: matchLine });
const configText = fc.tuple(fc.array(line, { maxLength: 25 }), eolArb, fc.boolean()).map(([lines, eol, finalNewline]) => {
  const body = lines.join(eol);
  return finalNewline && lines.length ? body + eol : body;
});

/** The text inserted into the original at a line boundary to give the result, or null when the result is not such an insertion. */
function insertedPart(original: string, result: string): string | null {
  const added = result.length - original.length;
  if (added <= 0) return null;
  const boundaries = [0, ...[...original.matchAll(/\n/g)].map((m) => m.index + 1), original.length];
  for (const at of boundaries) {
    if (result.slice(0, at) === original.slice(0, at) && result.slice(at + added) === original.slice(at)) {
      const inserted = result.slice(at, at + added);
      if (inserted.includes(`Host ${HOST}`)) return inserted;
    }
  }
  return null;
}

describe('ssh_config editor', () => {
  it('property: unrelated content round-trips byte for byte around the new block', () => {
    fc.assert(
      fc.property(configText, (original) => {
        const { text, changed } = upsertHostBlock(original, HOST, OPTIONS);
        expect(changed).toBe(true);
        const inserted = insertedPart(original, text);
        expect(inserted).not.toBeNull();
        for (const option of OPTIONS) expect(inserted).toContain(`${option.keyword} ${option.value}`);
        expect(inserted).toContain(`Host ${HOST}`);
      }),
      { numRuns: 400 },
    );
  });

  it('property: applying twice equals applying once', () => {
    fc.assert(
      fc.property(configText, (original) => {
        const once = upsertHostBlock(original, HOST, OPTIONS).text;
        const twice = upsertHostBlock(once, HOST, OPTIONS);
        expect(twice.changed).toBe(false);
        expect(twice.text).toBe(once);
      }),
      { numRuns: 400 },
    );
  });

  it('property: the new block comes before every Host/Match section that could apply, and uses the file line ends', () => {
    fc.assert(
      fc.property(configText, (original) => {
        const { text } = upsertHostBlock(original, HOST, OPTIONS);
        const lines = text.split(/\r?\n/);
        const ours = lines.indexOf(`Host ${HOST}`);
        const firstApplicable = lines.findIndex((l, i) => i !== ours && /^\s*(match\b|host\s*[= ]\s*(\*|\*\.bitbucket\.org|ssh\.bitbucket\.org bitbucket\.org)\s*$)/i.test(l));
        if (firstApplicable >= 0) expect(ours).toBeLessThan(firstApplicable);
        if (original.includes('\r\n')) expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
        if (original !== '' && !/\r?\n$/.test(original)) expect(text).not.toMatch(/\n$/);
      }),
      { numRuns: 300 },
    );
  });

  it('property: an existing block for exactly this host is updated in place; its other lines stay', () => {
    const blockLine = fc.oneof(comment, blank, directive);
    fc.assert(
      fc.property(configText, fc.array(blockLine, { maxLength: 8 }), configText, eolArb, (head, blockBody, tail, eol) => {
        const headPart = head === '' || /\n$/.test(head) ? head : head + eol;
        const original = `${headPart}Host ${HOST}${eol}${blockBody.map((l) => l + eol).join('')}${tail}`;
        const { text } = upsertHostBlock(original, HOST, OPTIONS);
        // Lines with unmanaged keywords and comments survive, in order.
        const managed = new Set(OPTIONS.map((o) => o.keyword.toLowerCase()));
        const keep = (t: string) => t.split(/\r?\n/).filter((l) => !managed.has(/^\s*([A-Za-z]+)/.exec(l)?.[1]?.toLowerCase() ?? ''));
        const kept = keep(text);
        for (const l of keep(original)) expect(kept).toContain(l);
        expect(text.startsWith(headPart)).toBe(true);
        expect(text.split(/\r?\n/).filter((l) => l === `Host ${HOST}`)).toHaveLength(1);
        expect(upsertHostBlock(text, HOST, OPTIONS).changed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('updates only the managed keys of an existing block, keeping spelling, separators and comments', () => {
    const original = ['# mine', 'Host other', '    User me', '', 'host SSH.Bitbucket.org  # note', '    identityfile=~/.ssh/old', '    # keep me', '    ForwardAgent no', '    user git', '', 'Host *', '    IdentityFile ~/.ssh/id_rsa', ''].join('\n');
    const { text, changed } = upsertHostBlock(original, HOST, OPTIONS.slice(0, 2));
    // "host SSH.Bitbucket.org  # note" is not a single exact pattern: a new block is added before it.
    expect(changed).toBe(true);
    const exact = original.replace('host SSH.Bitbucket.org  # note', 'host SSH.Bitbucket.org');
    const updated = upsertHostBlock(exact, HOST, OPTIONS);
    expect(updated.text).toBe(
      ['# mine', 'Host other', '    User me', '', 'host SSH.Bitbucket.org', `    identityfile=${KEY}`, '    # keep me', '    ForwardAgent no', '    user git', '    IdentitiesOnly yes', '    AddKeysToAgent yes', '', 'Host *', '    IdentityFile ~/.ssh/id_rsa', ''].join('\n'),
    );
    expect(updated.shadowed).toEqual([]);
    expect(text.split('\n').slice(0, 4)).toEqual(['# mine', 'Host other', '    User me', '']);
  });

  it("new lines in an existing block copy that block's indentation, not another block's", () => {
    const original = 'Host github.com\n\tUser me\n\nHost ssh.bitbucket.org\n  HostName 127.0.0.1\n';
    expect(upsertHostBlock(original, HOST, [{ keyword: 'User', value: 'git' }]).text).toBe(`${original}  User git\n`);
  });

  it('reads the settings of the block for exactly the host', () => {
    const text = 'Host *\n  User x\nHost ssh.bitbucket.org\n  IdentityFile "/a b/key"\n  identityfile ~/.ssh/two\n  User git\n';
    expect(readHostBlock(text, HOST)).toEqual(new Map([['identityfile', ['/a b/key', '~/.ssh/two']], ['user', ['git']]]));
    expect(readHostBlock('Host ssh.bitbucket.org bitbucket.org\n  User git\n', HOST)).toBeNull();
  });

  it('reports keys an earlier applicable section sets', () => {
    const original = 'User someone\nHost *\n  IdentityFile ~/.ssh/id_rsa\nHost ssh.bitbucket.org\n  User git\n';
    expect(upsertHostBlock(original, HOST, OPTIONS).shadowed).toEqual([
      { keyword: 'User', line: 1 },
      { keyword: 'IdentityFile', line: 3 },
    ]);
  });

  it('handles empty files, missing final newlines and CRLF', () => {
    expect(upsertHostBlock('', HOST, [{ keyword: 'User', value: 'git' }]).text).toBe(`Host ${HOST}\n  User git\n`);
    expect(upsertHostBlock('Host a\r\n\tUser x', HOST, [{ keyword: 'User', value: 'git' }]).text).toBe(`Host a\r\n\tUser x\r\n\r\nHost ${HOST}\r\n\tUser git`);
    expect(upsertHostBlock(`Host ${HOST}\n  User git`, HOST, [{ keyword: 'User', value: 'git' }, { keyword: 'Port', value: '22' }]).text).toBe(`Host ${HOST}\n  User git\n  Port 22`);
    expect(upsertHostBlock('Host a\n', HOST, [{ keyword: 'IdentityFile', value: '/a b/key' }]).text).toBe(`Host a\n\nHost ${HOST}\n  IdentityFile "/a b/key"\n`);
  });

  it('rejects values that cannot be written safely', () => {
    expect(() => upsertHostBlock('', 'evil host', OPTIONS)).toThrow();
    expect(() => upsertHostBlock('', HOST, [{ keyword: 'User', value: 'a\nHost *' }])).toThrow();
    expect(() => upsertHostBlock('', HOST, [{ keyword: 'Match', value: 'all' }])).toThrow();
  });

  it('writes UseKeychain only when asked (Apple ssh), last', () => {
    expect(bitbucketHostOptions({ identityFile: KEY, useKeychain: true }).map((o) => o.keyword)).toEqual(['User', 'IdentityFile', 'IdentitiesOnly', 'AddKeysToAgent', 'UseKeychain']);
    expect(bitbucketHostOptions({ identityFile: KEY, hostName: 'altssh.bitbucket.org', port: 443 }).map((o: SshOption) => `${o.keyword} ${o.value}`)).toEqual([
      'HostName altssh.bitbucket.org',
      'User git',
      'Port 443',
      `IdentityFile ${KEY}`,
      'IdentitiesOnly yes',
      'AddKeysToAgent yes',
    ]);
  });
});

describe('IgnoreUnknown for UseKeychain', () => {
  const ensure = (text: string) => ensureIgnoreUnknown(text, 'UseKeychain');

  it('goes before the first setting of the file, after the comments above it', () => {
    expect(ensure('# my config\n\nHost github.com\n  User git\n')).toEqual({ ok: true, changed: true, text: '# my config\n\nIgnoreUnknown UseKeychain\nHost github.com\n  User git\n' });
    expect(ensure('ForwardAgent no\r\nHost a\r\n')).toEqual({ ok: true, changed: true, text: 'IgnoreUnknown UseKeychain\r\nForwardAgent no\r\nHost a\r\n' });
    // A global UseKeychain the user wrote themselves comes after it too.
    expect(ensure('UseKeychain yes\n').ok && ensure('UseKeychain yes\n')).toMatchObject({ text: 'IgnoreUnknown UseKeychain\nUseKeychain yes\n' });
  });

  it('empty or comment-only files: at the end, keeping a missing final newline missing until the block follows', () => {
    expect(ensure('')).toEqual({ ok: true, changed: true, text: 'IgnoreUnknown UseKeychain\n' });
    expect(ensure('# nothing yet')).toEqual({ ok: true, changed: true, text: '# nothing yet\nIgnoreUnknown UseKeychain\n' });
  });

  it("extends the file's own first IgnoreUnknown instead of adding a second one ssh would not read", () => {
    expect(ensure('IgnoreUnknown WarnWeakCrypto\nHost a\n')).toEqual({ ok: true, changed: true, text: 'IgnoreUnknown WarnWeakCrypto,UseKeychain\nHost a\n' });
    expect(ensure('  ignoreunknown = "AddressFamilyX"\n')).toEqual({ ok: true, changed: true, text: '  ignoreunknown = "AddressFamilyX,UseKeychain"\n' });
    for (const covered of ['IgnoreUnknown UseKeychain\n', 'IgnoreUnknown usekeychain,Foo\n', 'IgnoreUnknown Use*\n', 'IgnoreUnknown *\n']) {
      expect(ensure(covered)).toEqual({ ok: true, changed: false, text: covered });
    }
    // Excluded on purpose: adding it after the veto would not help, ssh would still refuse the line.
    expect(ensure('IgnoreUnknown *,!UseKeychain\n')).toEqual({ ok: false, reason: 'line 1 (IgnoreUnknown *,!UseKeychain) excludes UseKeychain on purpose' });
  });

  it('refuses when an Include among the global lines may set IgnoreUnknown first', () => {
    expect(ensure('Include ~/.orbstack/ssh/config\nHost a\n')).toEqual({ ok: false, reason: 'line 1 includes other files before any IgnoreUnknown, and ssh uses the first IgnoreUnknown it reads' });
    // An Include inside a Host block comes after the top: not a problem.
    expect(ensure('Host a\n  Include other\n')).toMatchObject({ ok: true, changed: true });
    expect(ensure('IgnoreUnknown Foo\nInclude x\n')).toMatchObject({ ok: true, text: 'IgnoreUnknown Foo,UseKeychain\nInclude x\n' });
  });

  it('property: unrelated content round-trips byte for byte; the only change is one line at a line boundary or one extended list', () => {
    fc.assert(
      fc.property(configText, (original) => {
        const result = ensure(original);
        if (!result.ok) {
          expect(original).toMatch(/^\s*Include\b/im);
          return;
        }
        expect(result.changed).toBe(true);
        const withoutLine = result.text.replace(/^IgnoreUnknown UseKeychain\r?\n/m, '');
        const eol = original.includes('\r\n') ? '\r\n' : '\n';
        // Before the first setting the original is untouched; appended to a settings-less file, its last line gets its end.
        const appended = !/^[ \t]*[A-Za-z]/m.test(original) && original !== '' && !/\n$/.test(original);
        expect(withoutLine).toBe(appended ? `${original}${eol}` : original);
        // The line comes before every Host or Match line.
        const lines = result.text.split(/\r?\n/);
        const ours = lines.indexOf('IgnoreUnknown UseKeychain');
        const firstSection = lines.findIndex((l) => /^\s*(host|match)\b/i.test(l));
        if (firstSection >= 0) expect(ours).toBeLessThan(firstSection);
      }),
      { numRuns: 300 },
    );
  });
});

/** This machine's ssh is Apple's (a Mac's /usr/bin/ssh): it knows UseKeychain, any other ssh refuses it. */
const APPLE_SSH = process.platform === 'darwin' && /LibreSSL/.test(spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr ?? '');

describe('ssh_config editor with the real OpenSSH client', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sshcfg-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function effective(text: string, host = HOST): Promise<{ identityfile: string[]; user: string; hostname: string; port: string }> {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
    await writeFile(file, text);
    const { stdout } = await promisify(execFile)('ssh', ['-G', '-F', file, host]);
    const values = (key: string) => stdout.split('\n').filter((l) => l.toLowerCase().startsWith(`${key} `)).map((l) => l.slice(key.length + 1));
    return { identityfile: values('identityfile'), user: values('user')[0]!, hostname: values('hostname')[0]!, port: values('port')[0]! };
  }

  const realistic = [
    ['', ''],
    ['defaults first', 'Host *\n  IdentityFile ~/.ssh/id_rsa\n  User nobody\n  Port 2222\n'],
    ['Match all', 'Host github.com\n  User git\n\nMatch all\n  IdentityFile /tmp/other\n  User matched\n'],
    ['crlf with Include', '# top\r\nInclude /nonexistent/config.d/*\r\n\r\nHost *.bitbucket.org\r\n  User wildcard\r\n'],
    ['existing block after Host *-less config', `Host ${HOST}\n  IdentityFile /tmp/old\n  User old\n`],
    ['negated wildcard', `Host * !${HOST}\n  User notus\nHost *\n  User everyone\n`],
  ] as const;

  it.each(realistic)('ssh -G reports our identity file, user and port first (%s)', async (_name, original) => {
    const { text } = upsertHostBlock(original, HOST, bitbucketHostOptions({ identityFile: '/tmp/keys/id_ed25519_bitbucket', port: 22 }));
    const config = await effective(text);
    expect(config.identityfile[0]).toBe('/tmp/keys/id_ed25519_bitbucket');
    expect(config.user).toBe('git');
    expect(config.port).toBe('22');
    expect(config.hostname).toBe(HOST);
  });

  /** ssh -G's answer, or its error: a non-Apple ssh (this one) refuses a file with an UseKeychain line it is not told to skip. */
  async function sshG(text: string, host: string): Promise<{ ok: true; ignoreunknown: string | null } | { ok: false; error: string }> {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
    await writeFile(file, text);
    try {
      const { stdout } = await promisify(execFile)('ssh', ['-G', '-F', file, host]);
      return { ok: true, ignoreunknown: /^ignoreunknown (.*)$/m.exec(stdout)?.[1] ?? null };
    } catch (error) {
      return { ok: false, error: String((error as { stderr?: string }).stderr ?? error) };
    }
  }

  it.each(realistic)(`with UseKeychain behind IgnoreUnknown, this ssh still reads the file, for our host and others (%s)${APPLE_SSH ? " (this ssh is Apple's and knows UseKeychain: its refusal without IgnoreUnknown cannot be shown here)" : ''}`, async (_name, original) => {
    const keychain = bitbucketHostOptions({ identityFile: '/tmp/keys/id_ed25519_bitbucket', useKeychain: true });
    // Without IgnoreUnknown, every ssh but Apple's stops: the test can fail.
    if (!APPLE_SSH) expect(await sshG(upsertHostBlock(original, HOST, keychain).text, 'github.com')).toMatchObject({ ok: false, error: expect.stringMatching(/Bad configuration option: usekeychain/i) });
    const ignored = ensureIgnoreUnknown(original, 'UseKeychain');
    if (!ignored.ok) {
      expect(original).toContain('Include');
      return;
    }
    const { text } = upsertHostBlock(ignored.text, HOST, keychain);
    for (const host of [HOST, 'github.com']) expect(await sshG(text, host)).toEqual({ ok: true, ignoreunknown: expect.stringMatching(/UseKeychain/) });
  });

  it('property: random valid configs (with their own IgnoreUnknown lines) plus our UseKeychain block are read by this ssh for every host', async () => {
    const plainWord = fc.stringMatching(/^[A-Za-z0-9._/-]{1,12}$/);
    const validDirective = fc.tuple(ws, fc.constantFrom('User', 'IdentityFile', 'ServerAliveInterval'), fc.constantFrom(' ', '='), plainWord).map(([i, k, sep, v]) => (k === 'ServerAliveInterval' ? `${i}${k}${sep}30` : `${i}${k}${sep}${v}`));
    const ignoreLine = fc.constantFrom('IgnoreUnknown WarnWeakCrypto', 'IgnoreUnknown "AddKeysToAgentX,Foo"', 'ignoreunknown=usekeychain', 'IgnoreUnknown Use*');
    const validLine = fc.oneof(comment, blank, validDirective, hostLine, fc.constant('Match all'), ignoreLine);
    const validConfig = fc.tuple(fc.array(validLine, { maxLength: 12 }), eolArb).map(([lines, eol]) => lines.join(eol) + eol);
    await fc.assert(
      fc.asyncProperty(validConfig, async (original) => {
        const ignored = ensureIgnoreUnknown(original, 'UseKeychain');
        if (!ignored.ok) return;
        const { text } = upsertHostBlock(ignored.text, HOST, bitbucketHostOptions({ identityFile: '/tmp/keys/ours', useKeychain: true }));
        for (const host of [HOST, 'other.example']) expect(await sshG(text, host)).toMatchObject({ ok: true });
      }),
      { numRuns: 30 },
    );
  });

  it('property: for random valid configs, ssh -G uses our identity file and user unless the editor reported them shadowed', async () => {
    // Only keywords whose any word is a valid value, and no % tokens: ssh -G must accept the file.
    const plainWord = fc.stringMatching(/^[A-Za-z0-9._/-]{1,12}$/);
    const validDirective = fc.tuple(ws, fc.constantFrom('User', 'IdentityFile', 'identityfile', 'USER'), fc.constantFrom(' ', '=', ' = '), plainWord).map(([i, k, sep, v]) => `${i}${k}${sep}${v}`);
    const validLine = fc.oneof(comment, blank, validDirective, hostLine, fc.constant('Match all'));
    const validConfig = fc.tuple(fc.array(validLine, { maxLength: 15 }), eolArb).map(([lines, eol]) => lines.join(eol) + eol);
    await fc.assert(
      fc.asyncProperty(validConfig, async (original) => {
        const { text, shadowed } = upsertHostBlock(original, HOST, bitbucketHostOptions({ identityFile: '/tmp/keys/ours' }));
        const config = await effective(text);
        // What the editor does not report as shadowed is exactly what ssh uses.
        const isShadowed = (k: string) => shadowed.some((s) => s.keyword.toLowerCase() === k);
        expect(config.identityfile[0] === '/tmp/keys/ours').toBe(!isShadowed('identityfile'));
        expect(config.user === 'git').toBe(!isShadowed('user'));
      }),
      { numRuns: 40 },
    );
  });
});
