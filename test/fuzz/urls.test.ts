import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recognizeBitbucket } from '../../app/repo/bitbucket-host.js';
import { fetchRewrite, pushRewrite, type UrlRewrite } from '../../app/repo/rewrites.js';
import { joinSchemeUrl, removeSecret, setUsername, splitSchemeUrl, useHttps, useSsh, useSshHost, type UrlVerdict } from '../../app/repo/url-edit.js';
import { maskUrlPassword, parseRemoteUrl } from '../../app/repo/url.js';
import { revealSecret } from '../../app/secrets/secret.js';
import { anyText, textOf } from './support/arbitraries.js';

/**
 * Remote URLs come from config files the user (or a tool) wrote: anything at all. The parser and the
 * edits must never throw, never show a password they found, and change only what they mean to.
 */
const hostName = fc.oneof(fc.constantFrom('bitbucket.org', 'ssh.bitbucket.org', 'BitBucket.ORG', 'altssh.bitbucket.org', 'git.corp.example', '127.0.0.1', '[::1]'), fc.domain());
const userPart = fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9._%~-]{1,12}$/).map((u) => `${u}@`), fc.stringMatching(/^[A-Za-z0-9._%~-]{1,12}:[A-Za-z0-9._%~!$&'()*+,;=-]{1,24}$/).map((u) => `${u}@`));
const port = fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`));
// Not "." or "..": dot segments are resolved away by URL parsing, in curl as here.
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/).filter((s) => s !== '.' && s !== '..');
const repoPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const scheme = fc.constantFrom('https', 'http', 'ssh', 'git+ssh', 'HTTPS', 'git', 'file', 'ftp');
const schemeUrl = fc.tuple(scheme, userPart, hostName, port, repoPath, fc.constantFrom('', '.git', '/', '?x=1', '#frag')).map(([s, u, h, p, path, end]) => `${s}://${u}${h}${p}/${path}${end}`);
const scpUrl = fc.tuple(fc.constantFrom('', 'git@', 'jdoe@'), hostName, repoPath).map(([u, h, path]) => `${u}${h}:${path}.git`);
/** Real URL shapes, near misses and garbage. */
const remoteUrl = fc.oneof({ weight: 4, arbitrary: schemeUrl }, { weight: 2, arbitrary: scpUrl }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: textOf(['://', '@', ':', '/', '[', ']', '%', 'bitbucket.org', '::', 'ssh://', 'https://']) });

const validVerdict = (v: UrlVerdict) => ['ok', 'skip', 'change', 'refuse'].includes(v.kind);

describe('fuzz: remote URL parsing', () => {
  it('parseRemoteUrl never throws, and never shows the password it found', () => {
    fc.assert(
      fc.property(remoteUrl, fc.constantFrom<NodeJS.Platform>('linux', 'win32', 'darwin'), (raw, platform) => {
        const result = parseRemoteUrl(raw, platform);
        if (!result.ok) {
          expect(result.reason).toMatch(/^[^\n]+$/);
          return;
        }
        const password = result.url.password ? revealSecret(result.url.password) : null;
        // A password of four characters or fewer could be any word of the URL; longer ones must be hidden.
        if (password && password.length > 4) expect(result.url.display.includes(password)).toBe(false);
        if (result.url.host) expect(result.url.host).toBe(result.url.host.toLowerCase());
        if (result.url.port !== null) expect(result.url.port).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('a well-formed URL gives back its parts', () => {
    fc.assert(
      fc.property(fc.constantFrom('https', 'ssh'), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }), repoPath, (s, user, host, p, path) => {
        const result = parseRemoteUrl(`${s}://${user}@${host}${p === null ? '' : `:${p}`}/${path}`);
        expect(result).toMatchObject({ ok: true, url: { protocol: s, username: user, host: host.toLowerCase(), port: p, path } });
      }),
      { numRuns: 1000 },
    );
  });

  it('maskUrlPassword never throws and hides a userinfo password', () => {
    fc.assert(
      fc.property(remoteUrl, (raw) => {
        const masked = maskUrlPassword(raw);
        const password = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:]*:([^/@]{5,})@/.exec(raw)?.[1];
        if (password) expect(masked.includes(`:${password}@`)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('recognizeBitbucket never throws on anything the parser accepts', () => {
    fc.assert(
      fc.property(remoteUrl, fc.array(fc.oneof(fc.domain(), anyText), { maxLength: 3 }), (raw, declared) => {
        const result = parseRemoteUrl(raw);
        if (result.ok) expect(['cloud', 'datacenter', 'other']).toContain(recognizeBitbucket(result.url, declared).kind);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: remote URL edits', () => {
  const transforms = [
    ['setUsername', setUsername('x-bitbucket-api-token-auth')],
    ['removeSecret', removeSecret],
    ['useSsh', useSsh(['git.corp.example'])],
    ['useHttps', useHttps(['git.corp.example'], null)],
    ['useSshHost', useSshHost],
  ] as const;

  it('never throw; a change parses, and applying the edit again is "ok" or refused', () => {
    fc.assert(
      fc.property(remoteUrl, fc.constantFrom(...transforms), (raw, [, transform]) => {
        const verdict = transform(raw);
        expect(validVerdict(verdict)).toBe(true);
        if (verdict.kind === 'refuse') expect(verdict.reason).toMatch(/^[^\n]+$/);
        if (verdict.kind !== 'change') return;
        expect(parseRemoteUrl(verdict.url).ok).toBe(true);
        expect(['ok', 'refuse']).toContain(transform(verdict.url).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('setUsername and removeSecret change only the user info: scheme, host, port, path and query keep their bytes', () => {
    fc.assert(
      fc.property(schemeUrl, fc.constantFrom(setUsername('jdoe'), removeSecret), (raw, transform) => {
        const verdict = transform(raw);
        if (verdict.kind !== 'change') return;
        const before = splitSchemeUrl(raw)!;
        const after = splitSchemeUrl(verdict.url)!;
        expect({ ...after, userinfo: null }).toEqual({ ...before, userinfo: null });
        expect(joinSchemeUrl(after)).toBe(verdict.url);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: url.<base>.insteadOf rewrites', () => {
  const rule = fc.record({
    base: fc.oneof(fc.constantFrom('https://mirror.example/', 'git@ssh.bitbucket.org:', 'http://127.0.0.1:8080/'), anyText),
    prefix: fc.oneof(fc.constantFrom('https://bitbucket.org/', 'bb:', 'git@bitbucket.org:', ''), anyText),
    push: fc.boolean(),
    file: fc.constant(null),
    scope: fc.constantFrom('global', 'local', 'system', 'command'),
  }) as fc.Arbitrary<UrlRewrite>;

  it('the result is a matching rule applied once, with the longest prefix among the rules of its kind', () => {
    fc.assert(
      fc.property(remoteUrl, fc.array(rule, { maxLength: 6 }), fc.boolean(), (url, rules, isPushUrl) => {
        for (const result of [fetchRewrite(url, rules), pushRewrite(url, rules, isPushUrl)]) {
          if (!result.rule) {
            expect(result.url).toBe(url);
            continue;
          }
          expect(url.startsWith(result.rule.prefix)).toBe(true);
          expect(result.url).toBe(result.rule.base + url.slice(result.rule.prefix.length));
          const sameKind = rules.filter((r) => r.push === result.rule!.push && url.startsWith(r.prefix));
          expect(Math.max(...sameKind.map((r) => r.prefix.length))).toBe(result.rule.prefix.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
