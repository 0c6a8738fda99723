import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestChannel } from '../../app/contract/channels.js';
import { FIX_IDS } from '../../app/contract/report.js';
import { REQUEST_SCHEMAS, validateRequest } from '../../app/contract/schemas.js';
import { callHandler, type Handler } from '../../app/service/handlers.js';
import { createTestService, type TestService } from '../main/support/service.js';
import { anyText } from './support/arbitraries.js';

/**
 * Every payload that reaches main from the renderer is untrusted. The validators refuse anything
 * that is not a well-formed request, cleanly (one line, never the payload itself), and the real
 * handler table answers every payload with a typed result and keeps working.
 */
const CHANNELS = Object.keys(REQUEST_SCHEMAS) as RequestChannel[];

/** Values the schemas look for, and near misses. */
const field = fc.oneof(
  fc.constantFrom('/tmp/push-doctor-fuzz/none', '/', 'C:\\Users\\me\\repo', '\\\\server\\share\\repo', 'relative/path', '', '/with\u0000nul', '/x.pub', 'origin', '-origin', 'run-1', ...FIX_IDS),
  fc.constantFrom('api-token', 'ssh-keys', 'repository', 'url', 'https://bitbucket.org/account/settings/', 'javascript:alert(1)', 'file:///etc/passwd'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  anyText,
  fc.array(fc.oneof(anyText, fc.constant(null)), { maxLength: 3 }),
);
const KEYS = ['path', 'paths', 'runId', 'remote', 'offline', 'fixId', 'input', 'username', 'token', 'passphrase', 'publicKeyPath', 'kind', 'url', 'retestIntervalMinutes', 'notifyOnChange', 'probeTimeoutSeconds', '__proto__', 'constructor'];
/** Objects with the keys requests have (and some they must not), holding any values. */
const nearRequest = fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(field, fc.dictionary(fc.constantFrom(...KEYS), field, { maxKeys: 3 })), { maxKeys: 5 });
const payload = fc.oneof({ weight: 3, arbitrary: nearRequest }, { weight: 1, arbitrary: fc.anything() });

/** Long strings of the payload (the message must never repeat them). */
function longStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 12) out.push(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) longStrings(item, out);
  return out;
}

describe('fuzz: IPC validators', () => {
  it('refuse every payload that is not a request, in one line that does not repeat it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CHANNELS), payload, (channel, value) => {
        const result = validateRequest(channel, value);
        if (result.ok) return;
        expect(result.message).toMatch(/^Invalid [a-zA-Z.]+ request: [^\n]+$/);
        expect(result.message.length).toBeLessThanOrEqual(200);
        for (const text of longStrings(value)) expect(result.message.includes(text)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuse channels that do not exist', () => {
    fc.assert(
      fc.property(anyText.filter((name) => !(CHANNELS as string[]).includes(name)), payload, (channel, value) => {
        expect(validateRequest(channel as RequestChannel, value)).toMatchObject({ ok: false });
      }),
      { numRuns: 500 },
    );
  });
});

// Found by this fuzzing: a channel named like a member of Object.prototype reached a "schema" that was
// a plain function (or the prototype itself), and validateRequest threw a TypeError instead of refusing.
it.each([
  ['toString', 0],
  ['__proto__', 0],
])('regression: validateRequest(%j, %j) refuses an unknown channel instead of throwing', (channel, value) => {
  expect(validateRequest(channel as RequestChannel, value)).toEqual({ ok: false, message: `Unknown request ${JSON.stringify(channel)}.` });
});

describe('fuzz: the handler table (real engine, throwaway home)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await createTestService();
  });
  afterAll(async () => {
    await service.cleanup();
  });

  it('answers every payload on every channel with a typed result, and keeps working', async () => {
    let wellFormed = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), payload, async (channel, value) => {
        if (validateRequest(channel, value).ok) wellFormed++;
        const result = await (service.handlers[channel] as Handler<typeof channel>)(value);
        if (result.ok) return;
        expect(typeof result.error.code).toBe('string');
        expect(result.error.message).toMatch(/^[^\n]*$/);
        expect(result.error.message.length).toBeLessThanOrEqual(300);
        if (!validateRequest(channel, value).ok) expect(result.error.code).toBe('invalid-request');
      }),
      { numRuns: 1500 },
    );
    // Some payloads were well-formed, so the handlers themselves ran too, not only the validators.
    expect(wellFormed).toBeGreaterThan(20);
    expect(await callHandler(service.handlers, 'settings.get', {})).toMatchObject({ ok: true });
    expect(await callHandler(service.handlers, 'recent.list', {})).toMatchObject({ ok: true });
  });
});
