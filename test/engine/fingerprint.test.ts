import { describe, expect, it } from 'vitest';
import { PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { sha256Fingerprint } from '../../app/ssh/fingerprint.js';

describe('sha256Fingerprint', () => {
  it("matches the fingerprints Bitbucket publishes for its host keys (the facts are self-consistent)", () => {
    for (const key of [...PUBLISHED_HOST_KEYS, ...RETIRED_HOST_KEYS]) expect(sha256Fingerprint(key.key)).toBe(key.fingerprint);
  });
});
