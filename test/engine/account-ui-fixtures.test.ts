import { describe, expect, it } from 'vitest';
import { keychainName, KEYRING_SENTENCES } from '../../app/account/keyring.js';
import { explainLinkFailure, registeredElsewhere, scopeChecks } from '../../app/account/operations.js';
import { API_MESSAGES } from '../../app/facts/bitbucket.js';
import { GRANTED, GRANTED_SCOPES, KEY, KEY_ELSEWHERE, KEYRING_SENTENCE, TOKEN_REFUSED_SENTENCE, UNKNOWN_SCOPES } from '../fixtures/guide.js';

/**
 * The renderer's tests show the engine's account sentences from test/fixtures/guide.ts, written out
 * there because the modules that make them use Node. This keeps both the same.
 */
describe('the account fixtures of the renderer tests say what the engine says', () => {
  it('scopes, refusals, keychain states and a key registered elsewhere', () => {
    expect(scopeChecks('cloud', { grantedScopes: GRANTED, keys: 'ok', user: { id: '{jdoe}', username: 'jdoe', displayName: 'Jane Doe' } })).toEqual(GRANTED_SCOPES);
    expect(scopeChecks('cloud', { grantedScopes: null, keys: null, user: null })).toEqual(UNKNOWN_SCOPES);
    expect(explainLinkFailure({ kind: 'invalid-token', status: 401, message: API_MESSAGES.tokenInvalid }, 'bitbucket.org')).toBe(TOKEN_REFUSED_SENTENCE);
    const name = keychainName('linux');
    expect(KEYRING_SENTENCE.none('git.corp.example')).toBe(KEYRING_SENTENCES.none('git.corp.example'));
    expect(KEYRING_SENTENCE.locked).toBe(KEYRING_SENTENCES.locked(name));
    expect(KEYRING_SENTENCE.unavailable).toBe(KEYRING_SENTENCES.unavailable(name, 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set (a headless session, a container or CI)'));
    expect(KEY_ELSEWHERE).toBe(registeredElsewhere(KEY.fingerprint, 'bitbucket.org'));
  });
});
