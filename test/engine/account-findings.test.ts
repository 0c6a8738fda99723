import { describe, expect, it } from 'vitest';
import { viewFindings } from '../../app/account/diagnosis.js';
import { scopeChecks } from '../../app/account/operations.js';
import type { AccountView } from '../../app/account/session.js';
import { Secret } from '../../app/secrets/secret.js';

/** The words for a linked account, from what Bitbucket answered. Pure. */
const view = (over: Partial<AccountView>): AccountView => ({
  link: { kind: 'cloud', email: 'jdoe@example.com', token: new Secret('ATATT3xFfGF0example-token-value=00000000') },
  source: 'keyring',
  user: { id: '{u}', username: 'jdoe', displayName: 'Jane' },
  failure: null,
  grantedScopes: null,
  keys: [],
  keysFailure: null,
  ...over,
});

describe('viewFindings', () => {
  it('a token for the account only (no repository scopes) is fine: a separate git token is the usual setup', () => {
    expect(viewFindings(view({ grantedScopes: ['read:user:bitbucket', 'read:ssh-key:bitbucket', 'write:ssh-key:bitbucket'] }), 'bitbucket.org')).toEqual([]);
  });

  it('classic "account" and "account:write" scopes count as the SSH-key scopes', () => {
    expect(viewFindings(view({ grantedScopes: ['account', 'account:write'] }), 'bitbucket.org')).toEqual([]);
  });

  it('names the SSH-key scopes a token lacks, from the header or from the 403', () => {
    const fromHeader = viewFindings(view({ grantedScopes: ['read:user:bitbucket', 'read:ssh-key:bitbucket'] }), 'bitbucket.org');
    expect(fromHeader.map((f) => [f.code, f.title])).toEqual([['account.token-scopes', 'The API token of your linked Bitbucket account lacks write:ssh-key:bitbucket.']]);
    const from403 = viewFindings(view({ keys: null, keysFailure: { kind: 'missing-scopes', status: 403, required: ['read:ssh-key:bitbucket'], granted: ['read:user:bitbucket'], message: null } }), 'bitbucket.org');
    expect(from403[0]).toMatchObject({ code: 'account.token-scopes', evidence: ['The token lacks the scope read:ssh-key:bitbucket for this; it has read:user:bitbucket.'] });
  });

  it('a refused token, an app password and a silent API are told apart', () => {
    expect(viewFindings(view({ user: null, failure: { kind: 'invalid-token', status: 401, message: 'Token is invalid, expired, or not supported for this endpoint.' } }), 'bitbucket.org')[0]!.code).toBe('account.token-invalid');
    expect(viewFindings(view({ user: null, failure: { kind: 'app-password', status: 401, message: null } }), 'bitbucket.org')[0]!.code).toBe('account.token-invalid');
    expect(viewFindings(view({ user: null, failure: { kind: 'timeout', reason: 'timed out after 15 s' } }), 'bitbucket.org')[0]!.title).toBe("Could not reach Bitbucket's API to check your linked account: timed out after 15 s.");
  });
});

describe('scopeChecks', () => {
  it('git push and SSH keys: yes, no (named) or unknown when Bitbucket does not say', () => {
    expect(scopeChecks('cloud', { grantedScopes: ['read:repository:bitbucket', 'read:ssh-key:bitbucket'], keys: 'ok', user: null })).toEqual({
      push: { status: 'no', missing: ['write:repository:bitbucket'], detail: 'lacks write:repository:bitbucket' },
      sshKeys: { status: 'no', missing: ['write:ssh-key:bitbucket'], detail: 'lacks write:ssh-key:bitbucket' },
    });
    const unknown = scopeChecks('cloud', { grantedScopes: null, keys: 'ok', user: null });
    expect(unknown.push.status).toBe('unknown');
    expect(unknown.sshKeys).toMatchObject({ status: 'unknown', detail: expect.stringContaining('reads your SSH keys') });
  });
});
