import { describe, expect, it } from 'vitest';
import {
  accountSites,
  connectScreen,
  isLinkFinding,
  keyAddFinished,
  keyAddStarted,
  linkFinished,
  linkFormErrors,
  linkInput,
  linkStarted,
  statusLoaded,
  unlinkFinished,
  whoWords,
  type LinkForm,
} from '../../renderer/src/state/account.js';
import { initialState, type GuideState } from '../../renderer/src/state/guide-state.js';
import { backFrom, entryEffect, fixStarted, screenShown } from '../../renderer/src/state/navigation.js';
import { isBusy, phaseOf } from '../../renderer/src/state/selectors.js';
import { openFinished } from '../../renderer/src/state/transitions.js';
import { hintFor } from '../../renderer/src/state/wording.js';
import { ACCOUNT_TOKEN, GADGETS, KEY_ADDED, LINKED, notLinked, SSH_GREETING } from '../fixtures/guide.js';

const opened = (): GuideState => openFinished(initialState(), { ok: true, value: GADGETS });
const cloudForm = (fields: Partial<LinkForm> = {}): LinkForm => ({ site: 'bitbucket.org', email: 'jdoe@example.com', server: '', username: '', token: ACCOUNT_TOKEN, ...fields });

describe('the Connect form', () => {
  it('checks each field before anything is sent, in the words the user needs', () => {
    expect(linkFormErrors(cloudForm())).toEqual({});
    expect(linkFormErrors(cloudForm({ email: ' ', token: '' }))).toEqual({ email: 'Enter the email address of your Atlassian account.', token: 'Paste the API token you created.' });
    expect(linkFormErrors(cloudForm({ email: 'jdoe' })).email).toMatch(/^That is not an email address/);
    expect(linkFormErrors(cloudForm({ token: 'ATATT3x abc' })).token).toBe('A token is one word, without spaces. Paste it again.');
    expect(linkFormErrors(cloudForm({ token: 'ATBB3xAppPassword' })).token).toMatch(/^This is an app password \(it starts with ATBB\)/);
    const dc: LinkForm = { site: 'git.corp.example', email: '', server: '', username: 'j doe', token: '' };
    expect(linkFormErrors(dc)).toEqual({ server: 'Enter the server’s address.', username: 'A username is one word, without spaces.', token: 'Paste the HTTP access token you created.' });
  });

  it('builds the request, trimmed: Cloud takes the email, Data Center the server and username', () => {
    expect(linkInput(cloudForm({ email: ' jdoe@example.com ', token: ` ${ACCOUNT_TOKEN}\n` }))).toEqual({ kind: 'cloud', email: 'jdoe@example.com', token: ACCOUNT_TOKEN });
    expect(linkInput({ site: 'git.corp.example', email: 'ignored@example.com', server: 'https://git.corp.example/bitbucket ', username: 'jdoe', token: 'BBDC-abc' })).toEqual({
      kind: 'datacenter',
      server: 'https://git.corp.example/bitbucket',
      username: 'jdoe',
      token: 'BBDC-abc',
    });
  });
});

describe('account transitions', () => {
  it('Connect opens over the current screen (from Connect itself: over what it was opened from) and Back returns there', () => {
    const s = opened();
    const connect = connectScreen(s, 'git.corp.example');
    expect(connect).toEqual({ name: 'account', returnTo: { name: 'diagnosis' }, site: 'git.corp.example' });
    const there = screenShown(s, connect);
    expect(connectScreen(there)).toEqual({ name: 'account', returnTo: { name: 'diagnosis' } });
    expect(backFrom(there)).toEqual({ name: 'diagnosis' });
    expect(phaseOf(there)).toBe('diagnose');
    expect(entryEffect(there, connect)).toEqual({ settings: true });
  });

  it('the add-key screen is the route of ssh.add-key-to-account: a fix step that describes the fix, Back to the diagnosis', () => {
    const s = fixStarted(opened(), 'ssh.add-key-to-account', 'origin');
    expect(s.screen).toEqual({ name: 'account-key' });
    expect(phaseOf(s)).toBe('fix');
    expect(backFrom(s)).toEqual({ name: 'diagnosis' });
    expect(entryEffect(s, s.screen)).toEqual({ describe: 'ssh.add-key-to-account' });
  });

  it('a link is busy while it is checked, never holds the token, and refreshes what depends on it', () => {
    let s = statusLoaded(opened(), 'bitbucket.org', { ok: true, value: notLinked('none') });
    s = { ...s, ops: { ...s.ops, account: { status: 'done', value: notLinked('none') }, keyAdd: { status: 'done', value: KEY_ADDED } } };
    s = linkStarted(s);
    expect(isBusy(s)).toBe(true);
    expect(s.announcement).toBe('Checking the token with Bitbucket…');
    const linked = linkFinished(s, { ok: true, value: LINKED });
    expect(isBusy(linked)).toBe(false);
    expect(linked.account.sites['bitbucket.org']).toEqual({ status: 'done', value: LINKED });
    // The repository's account is asked again, and an answer about a key belongs to the old link.
    expect(linked.ops.account).toEqual({ status: 'idle' });
    expect(linked.ops.keyAdd).toEqual({ status: 'idle' });
    expect(linked.announcement).toBe('Connected to Bitbucket Cloud as jdoe (Jane Doe).');
    expect(JSON.stringify(linked)).not.toContain(ACCOUNT_TOKEN.slice(8));

    const refused = linkFinished(s, { ok: false, error: { code: 'failed', message: 'Not linked: Bitbucket refused the token for this email. Nothing was stored.' } });
    expect(refused.account.sites['bitbucket.org']).toEqual({ status: 'done', value: notLinked('none') });
    expect(refused.announcement).toBe('Not linked: Bitbucket refused the token for this email. Nothing was stored.');
  });

  it('unlinking forgets the site’s status (it is asked again) and says what happened', () => {
    const s = statusLoaded(opened(), 'bitbucket.org', { ok: true, value: LINKED });
    const done = unlinkFinished(s, 'bitbucket.org', { ok: true, value: { site: 'bitbucket.org', unlinked: true, message: 'Unlinked bitbucket.org: the token was removed from the system keychain.' } });
    expect(done.account.sites).toEqual({});
    expect(done.announcement).toBe('Unlinked bitbucket.org: the token was removed from the system keychain.');
    const failed = unlinkFinished(s, 'bitbucket.org', { ok: false, error: { code: 'failed', message: 'Not unlinked: the keyring is locked.' } });
    expect(failed.account.sites['bitbucket.org']).toEqual({ status: 'done', value: LINKED });
  });

  it('adding a key makes an earlier ssh -T answer stale, and announces Bitbucket’s answer', () => {
    const s = { ...opened(), ops: { ...opened().ops, sshVerify: { status: 'done' as const, value: SSH_GREETING } } };
    const started = keyAddStarted(s);
    expect(started.ops.sshVerify).toEqual({ status: 'idle' });
    expect(isBusy(started)).toBe(true);
    expect(keyAddFinished(started, { ok: true, value: { ...KEY_ADDED, added: false } }).announcement).toBe('This key is already on your Bitbucket account.');
    expect(keyAddFinished(started, { ok: false, error: { code: 'conflict', message: 'elsewhere' } }).ops.keyAdd).toEqual({ status: 'failed', error: { code: 'conflict', message: 'elsewhere' } });
  });

  it('words: sites, who, which findings mean "connect again", what to try after a conflict', () => {
    expect(accountSites(null)).toEqual(['bitbucket.org']);
    expect(accountSites({ retestIntervalMinutes: 0, notifyOnChange: true, probeTimeoutSeconds: 15, bitbucketHosts: ['git.corp.example'] })).toEqual(['bitbucket.org', 'git.corp.example']);
    expect(whoWords(LINKED)).toBe('jdoe (Jane Doe)');
    expect(whoWords({ ...LINKED, displayName: 'jdoe' })).toBe('jdoe');
    expect(whoWords({ ...LINKED, username: null })).toBe('jdoe@example.com');
    expect(['account.token-invalid', 'account.token-scopes', 'account.unreachable', 'ssh.key-not-on-account'].map(isLinkFinding)).toEqual([true, true, false, false]);
    expect(hintFor({ code: 'conflict', message: '' })).toBe('Use a new key for this account, or remove the key where it is registered.');
  });
});
