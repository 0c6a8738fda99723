/**
 * The Bitbucket account in the guide, against the fake engine: Settings' account section (linked,
 * the three empty keychain answers, unlink), the Connect screen (Cloud and Data Center, the token
 * masked and forgotten as it is sent), "Add this key to my account" in the SSH guide, the screen of
 * the fix ssh.add-key-to-account, and relinking from an account finding. A distinctive token is
 * planted and searched for in the store, the page and the announcements.
 */
import { act, screen, within } from '@testing-library/react';
import type { StoreApi } from 'zustand';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_LINK_SCOPES } from '../../app/contract/facts.js';
import { DEFAULT_SETTINGS } from '../../app/contract/schemas.js';
import type { GuideStore } from '../../renderer/src/state/store.js';
import {
  ACCOUNT_EMAIL,
  ACCOUNT_KEY_PLAN,
  ACCOUNT_TOKEN,
  GADGETS,
  KEY,
  KEY_ADDED,
  KEY_ALREADY,
  KEY_ELSEWHERE,
  keyNotOnAccountReport,
  LINK_REFUSED,
  LINKED,
  notLinked,
  PLANS,
  RESULTS,
  SSH_GREETING,
  sshOkReport,
  tokenInvalidReport,
} from '../fixtures/guide.js';
import type { AccountScenario, Scenario } from './support/fake-api.js';
import { h1, inMain, renderGuide } from './support/render.js';
import { SSH_SCENARIO } from './support/scenarios.js';

const DC = 'git.corp.example';
const withServer = { ...DEFAULT_SETTINGS, notifyOnChange: false, bitbucketHosts: [DC] };

/** Nowhere the renderer keeps or shows anything may the token be, once it was sent. */
function expectNoToken(store: StoreApi<GuideStore>) {
  const mark = ACCOUNT_TOKEN.slice(8, 40);
  expect(JSON.stringify(store.getState())).not.toContain(mark);
  expect(document.body.innerHTML).not.toContain(mark);
  for (const input of Array.from(document.querySelectorAll('input'))) expect(input.value).not.toContain(mark);
}

async function openSettings(account: AccountScenario, extra: Scenario = {}) {
  const rendered = renderGuide({ account, ...extra });
  await h1('Drop a repository folder here');
  await rendered.user.click(screen.getByRole('button', { name: 'Settings' }));
  await h1('Settings');
  return rendered;
}

const accountSection = () => screen.getByRole('region', { name: 'Your Bitbucket account' });

describe('the account in Settings', () => {
  it('shows a link: who, the token, the scopes for git push and for SSH keys, where it is kept; Unlink asks first', async () => {
    const { user, fake, store } = await openSettings({ statuses: { 'bitbucket.org': LINKED } });
    const section = accountSection();
    expect(await within(section).findByText('jdoe (Jane Doe)')).toBeTruthy();
    const facts = section.querySelector('dl')!;
    const text = facts.textContent ?? '';
    expect(text).toContain(`Atlassian email${ACCOUNT_EMAIL}`);
    expect(text).toContain('Token✓Accepted');
    // This token was made for the account, not for git: it lacks the repository scopes, and says so.
    expect(text).toContain(`Scopes for git push✗Missing ${LINKED.scopes.push.detail}`);
    expect(text).toContain(`Scopes for SSH keys✓Yes ${LINKED.scopes.sshKeys.detail}`);
    expect(text).toContain('KeptIn the system keychain');
    expect(within(section).getByText('Linked')).toBeTruthy();

    await user.click(within(section).getByRole('button', { name: 'Unlink Bitbucket Cloud…' }));
    const confirm = within(section).getByRole('group', { name: 'Unlink Bitbucket Cloud' });
    expect(confirm.textContent).toContain('Remove the link to jdoe (Jane Doe) from the system keychain?');
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Unlink' }));
    await user.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(fake.callsOf('accountUnlink')).toEqual([]);

    await user.click(within(section).getByRole('button', { name: 'Unlink Bitbucket Cloud…' }));
    await user.click(within(section).getByRole('button', { name: 'Unlink' }));
    expect(fake.callsOf('accountUnlink')).toEqual([{ site: 'bitbucket.org' }]);
    // Asked again: nothing linked now; the live region says what happened; focus stays in the section.
    expect(await within(section).findByText('Not linked')).toBeTruthy();
    expect(store.getState().announcement).toBe('Unlinked bitbucket.org: the token was removed from the system keychain.');
    expect(document.activeElement).toBe(within(section).getByRole('heading', { name: 'Bitbucket Cloud' }));
    expect(within(section).getByRole('button', { name: 'Connect your Bitbucket Cloud account…' })).toBeTruthy();
  });

  it.each([
    ['none', 'Not linked', /^No Bitbucket account is linked for bitbucket\.org on this computer/, true],
    ['locked', 'Keychain locked', /^The system keyring \(Secret Service\) is locked, so Push Doctor cannot read or store the account link/, true],
    ['unavailable', 'No keychain', /^This computer has no system keyring \(Secret Service\) Push Doctor can use \(no D-Bus session bus/, false],
  ] as const)('tells "%s" apart: its badge, its sentence, and whether connecting can work', async (state, badge, sentence, canConnect) => {
    const { user, fake } = await openSettings({ statuses: { 'bitbucket.org': notLinked(state) } });
    const section = accountSection();
    expect(await within(section).findByText(badge)).toBeTruthy();
    expect(within(section).getByText(sentence)).toBeTruthy();
    expect(within(section).queryByRole('button', { name: 'Connect your Bitbucket Cloud account…' }) !== null).toBe(canConnect);
    if (state === 'locked') {
      await user.click(within(section).getByRole('button', { name: 'Try again' }));
      expect(fake.callsOf('accountStatus')).toEqual([{ site: 'bitbucket.org' }, { site: 'bitbucket.org' }]);
    }
  });

  it('a refused token: "Token refused" and the way to connect again; a link from the environment has no Unlink', async () => {
    const { user } = await openSettings({ statuses: { 'bitbucket.org': LINK_REFUSED, [DC]: { ...LINKED, site: DC, kind: 'datacenter', source: 'environment', keyring: 'none', login: 'jdoe', message: 'Linked: jdoe on git.corp.example (from BITBUCKET_API_TOKEN in the environment).' } } }, { settings: withServer });
    const section = accountSection();
    expect(await within(section).findByText('Token refused')).toBeTruthy();
    expect(within(section).getByText(LINK_REFUSED.message)).toBeTruthy();
    const dc = (await within(section).findByRole('heading', { name: DC })).closest('li')!;
    expect(await within(dc).findByText('In the environment, for as long as it is set')).toBeTruthy();
    expect(within(dc).queryByRole('button', { name: /Unlink/ })).toBeNull();
    await user.click(within(section).getByRole('button', { name: 'Connect again with a new token…' }));
    await h1('Connect your Bitbucket account');
  });
});

describe('Connect your Bitbucket account', () => {
  async function openConnect(account: AccountScenario, extra: Scenario = {}) {
    const rendered = await openSettings(account, extra);
    await rendered.user.click(await screen.findByRole('button', { name: 'Connect your Bitbucket Cloud account…' }));
    await h1('Connect your Bitbucket account');
    return rendered;
  }

  it('lists the scopes from the facts, opens Atlassian’s page, masks the token, and forgets it as it is sent', async () => {
    const { user, fake, store } = await openConnect({ validToken: ACCOUNT_TOKEN, linkedAs: LINKED });
    const scopes = screen.getByRole('list', { name: 'Scopes to tick' });
    expect(within(scopes).getAllByRole('listitem').map((li) => li.querySelector('.mono')?.textContent)).toEqual(ACCOUNT_LINK_SCOPES.map((s) => s.scope));
    expect(scopes.textContent).toContain('lets Undo remove a key Push Doctor added (optional)');
    await user.click(screen.getByRole('button', { name: /Open Atlassian's API token page/ }));
    expect(fake.callsOf('externalOpen')).toEqual([{ kind: 'api-token' }]);

    const token = screen.getByLabelText('API token') as HTMLInputElement;
    expect(token.type).toBe('password');
    expect(token.autocomplete).toBe('off');
    // Nothing is sent while the form is incomplete.
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(screen.getByText('Enter the email address of your Atlassian account.')).toBeTruthy();
    expect(screen.getByText('Paste the API token you created.')).toBeTruthy();
    expect(fake.callsOf('accountLink')).toEqual([]);

    await user.type(screen.getByLabelText('Atlassian account email'), ACCOUNT_EMAIL);
    await user.type(token, ACCOUNT_TOKEN);
    // Enter in the token field sends the form.
    await user.keyboard('{Enter}');
    expect(fake.callsOf('accountLink')).toEqual([{ kind: 'cloud', email: ACCOUNT_EMAIL, token: ACCOUNT_TOKEN }]);
    // Back where Connect was opened, with the link shown and announced; the token is nowhere.
    await h1('Settings');
    expect(await within(accountSection()).findByText('jdoe (Jane Doe)')).toBeTruthy();
    expect(store.getState().announcement).toBe('Connected to Bitbucket Cloud as jdoe (Jane Doe).');
    expectNoToken(store);
  });

  it('a refused token: Bitbucket’s words, nothing stored, the field empty for the next try', async () => {
    const { user, fake, store } = await openConnect({ validToken: 'ATATT3xOtherTokenThatWorks' });
    await user.type(screen.getByLabelText('Atlassian account email'), ACCOUNT_EMAIL);
    const token = screen.getByLabelText('API token') as HTMLInputElement;
    await user.type(token, ACCOUNT_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    // The field is emptied as the request goes out, before any answer.
    expect(token.value).toBe('');
    expect(await inMain().findByText(/^Not linked: Bitbucket refused the token for this email/)).toBeTruthy();
    expect(inMain().getByText(/^Nothing was stored\. Check what you entered, paste the token again/)).toBeTruthy();
    expect((screen.getByLabelText('Atlassian account email') as HTMLInputElement).value).toBe(ACCOUNT_EMAIL);
    expect(fake.callsOf('accountLink')).toHaveLength(1);
    expectNoToken(store);
    // An app password is refused before anything is sent.
    await user.type(token, 'ATBB3xAppPassword123');
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(inMain().getByText(/^This is an app password \(it starts with ATBB\)/)).toBeTruthy();
    expect(fake.callsOf('accountLink')).toHaveLength(1);
    // Escape leaves without storing anything; a second visit starts clean.
    await user.keyboard('{Escape}');
    await h1('Settings');
    await user.click(await screen.findByRole('button', { name: 'Connect your Bitbucket Cloud account…' }));
    await h1('Connect your Bitbucket account');
    expect(inMain().queryByText(/^Not linked:/)).toBeNull();
  });

  it('Data Center, for a declared server: server, username and HTTP access token; its tokens page', async () => {
    const dcLinked = { ...LINKED, site: DC, kind: 'datacenter' as const, login: 'jdoe' };
    const { user, fake, store } = await openSettings({ validToken: ACCOUNT_TOKEN, linkedAs: dcLinked }, { settings: withServer });
    await user.click(await screen.findByRole('button', { name: `Connect your account on ${DC}…` }));
    await h1('Connect your Bitbucket account');
    const picker = screen.getByRole('group', { name: 'Where is your account?' });
    expect((within(picker).getByRole('radio', { name: `Your Data Center server ${DC}` }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('Server address') as HTMLInputElement).value).toBe(DC);
    await user.click(screen.getByRole('button', { name: /Open the HTTP access tokens page/ }));
    expect(fake.callsOf('externalOpen')).toEqual([{ kind: 'access-tokens', server: DC }]);
    await user.type(screen.getByLabelText('Username'), 'jdoe');
    await user.type(screen.getByLabelText('HTTP access token'), ACCOUNT_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(fake.callsOf('accountLink')).toEqual([{ kind: 'datacenter', server: DC, username: 'jdoe', token: ACCOUNT_TOKEN }]);
    await h1('Settings');
    expectNoToken(store);
    // Switching to Cloud shows Cloud's fields.
    await user.click(await screen.findByRole('button', { name: 'Connect your Bitbucket Cloud account…' }));
    await user.click(screen.getByRole('radio', { name: `Your Data Center server ${DC}` }));
    expect(screen.getByLabelText('Username')).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: 'Bitbucket Cloud (bitbucket.org)' }));
    expect(screen.getByLabelText('Atlassian account email')).toBeTruthy();
  });
});

/** gadgets, at the SSH guide's "add" step with the guide's new key. */
async function atAddStep(account: AccountScenario) {
  const rendered = renderGuide({ ...SSH_SCENARIO, account });
  const { store, user } = rendered;
  await act(() => store.getState().openPath(GADGETS.path));
  await user.click(screen.getByRole('button', { name: 'Create a new SSH key (ed25519) for Bitbucket' }));
  await h1('Create an SSH key');
  await user.click(await screen.findByRole('button', { name: 'Create the key' }));
  await h1('Copy your public key');
  await user.click(screen.getByRole('button', { name: 'Next' }));
  await h1('Add the key to Bitbucket');
  return rendered;
}

describe('"Add this key to my account" in the SSH guide', () => {
  it('without a link: the copy-and-paste path, and the offer to connect; connected, the key goes onto the account', async () => {
    const { user, fake, store } = await atAddStep({ validToken: ACCOUNT_TOKEN, linkedAs: LINKED, keyAdd: [{ ok: true, value: KEY_ADDED }] });
    expect(await inMain().findByRole('button', { name: /Open Bitbucket's SSH keys page/ })).toBeTruthy();
    expect(inMain().getByRole('button', { name: 'I added the key' })).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Connect your Bitbucket account…' }));
    await h1('Connect your Bitbucket account');
    await user.type(screen.getByLabelText('Atlassian account email'), ACCOUNT_EMAIL);
    await user.type(screen.getByLabelText('API token'), ACCOUNT_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));

    // Back at the step, which now offers to do it.
    await h1('Add the key to Bitbucket');
    expect(await inMain().findByText('jdoe (Jane Doe)')).toBeTruthy();
    expect(inMain().getByText(KEY.fingerprint)).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Add this key to my account' }));
    expect(fake.callsOf('keysAdd')).toEqual([{ path: GADGETS.path, remote: 'origin', publicKeyPath: KEY.publicKeyPath }]);
    expect(await inMain().findByText('Added the key to your Bitbucket account.')).toBeTruthy();
    expect(store.getState().announcement).toBe('Added the key to your Bitbucket account.');
    await user.click(inMain().getByRole('button', { name: 'Next' }));
    await h1("Trust Bitbucket's host keys");
    expect(screen.getByRole('list', { name: 'Done so far' }).textContent).toContain(`Add the key to Bitbucket: Added the key to your Bitbucket account. (${KEY.fingerprint})`);
    expectNoToken(store);
  });

  it('says so when the key is already on the account', async () => {
    const { user } = await atAddStep({ statuses: { 'bitbucket.org': LINKED }, keyAdd: [{ ok: true, value: KEY_ALREADY }] });
    await user.click(await inMain().findByRole('button', { name: 'Add this key to my account' }));
    expect(await inMain().findByText('This key is already on your Bitbucket account.')).toBeTruthy();
    expect(inMain().getByText(KEY_ALREADY.message)).toBeTruthy();
  });

  it('a key registered on another account: says so plainly and offers a new key', async () => {
    const { user } = await atAddStep({ statuses: { 'bitbucket.org': LINKED }, keyAdd: [{ ok: false, error: { code: 'conflict', message: KEY_ELSEWHERE } }] });
    await user.click(await inMain().findByRole('button', { name: 'Add this key to my account' }));
    expect(await inMain().findByText(/^Bitbucket already has this key, but on another account/)).toBeTruthy();
    expect(inMain().getByText(KEY_ELSEWHERE)).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Create a new key instead' }));
    await h1('Create an SSH key');
  });

  it('keeps adding it by hand possible with a link', async () => {
    const { user, fake } = await atAddStep({ statuses: { 'bitbucket.org': LINKED } });
    await user.click(await inMain().findByText('Add it by hand instead'));
    await user.click(inMain().getByRole('button', { name: 'I added the key by hand' }));
    await h1("Trust Bitbucket's host keys");
    expect(fake.callsOf('keysAdd')).toEqual([]);
  });
});

describe('the key is not on the account (ssh.key-not-on-account)', () => {
  const base: Scenario = {
    repos: [GADGETS],
    reports: { [GADGETS.path]: [keyNotOnAccountReport, sshOkReport] },
    plans: { ...PLANS, 'ssh.add-key-to-account': ACCOUNT_KEY_PLAN },
    results: { 'ssh.generate-key': [{ ok: true, value: RESULTS['ssh.generate-key']! }] },
    sshVerify: [SSH_GREETING],
  };

  async function verdict(account: AccountScenario) {
    const rendered = renderGuide({ ...base, account });
    await act(() => rendered.store.getState().openPath(GADGETS.path));
    await h1('Found the problem');
    return rendered;
  }

  it('leads to the add-key screen: which key, onto which account, Bitbucket’s answer, then ssh -T and a new check', async () => {
    const { user, fake } = await verdict({ statuses: { 'bitbucket.org': LINKED }, keyAdd: [{ ok: true, value: KEY_ADDED }] });
    await user.click(screen.getByRole('button', { name: 'Add this SSH key to your linked Bitbucket account' }));
    await h1('Add this SSH key to your linked Bitbucket account');
    expect((await inMain().findByRole('region', { name: 'What will change' })).textContent).toContain(`Add the SSH key ${KEY.fingerprint} from ${KEY.publicKeyPath}`);
    expect(inMain().getByText('jdoe (Jane Doe)')).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Add this key to my account' }));
    expect(fake.callsOf('keysAdd')).toEqual([{ path: GADGETS.path, remote: 'origin' }]);
    expect(await inMain().findByText('Added the key to your Bitbucket account.')).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Test the connection' }));
    expect(fake.callsOf('sshVerify')).toEqual([{ path: GADGETS.path, remote: 'origin' }]);
    expect(await inMain().findByText(/authenticated via ssh key\./)).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Check again' }));
    await h1('Push works');
  });

  it('without a link: the offer to connect (then back here), or the page to add it by hand', async () => {
    const { user } = await verdict({ validToken: ACCOUNT_TOKEN, linkedAs: LINKED });
    await user.click(screen.getByRole('button', { name: 'Add this SSH key to your linked Bitbucket account' }));
    await h1('Add this SSH key to your linked Bitbucket account');
    expect(await inMain().findByText(/^Push Doctor can add the key ssh offers to your Bitbucket account once the account is connected/)).toBeTruthy();
    await user.click(inMain().getByRole('button', { name: 'Connect your Bitbucket account' }));
    await h1('Connect your Bitbucket account');
    await user.keyboard('{Escape}');
    await h1('Add this SSH key to your linked Bitbucket account');
    await user.click(await inMain().findByRole('button', { name: 'Add it by hand on Bitbucket’s SSH keys page instead' }));
    await h1("Open Bitbucket's SSH keys settings to add your public key");
  });
});

describe('an account finding in the verdict', () => {
  it('offers to connect again (a new token), not the HTTPS token guide', async () => {
    const { user, store } = renderGuide({ repos: [GADGETS], reports: { [GADGETS.path]: [tokenInvalidReport] } });
    await act(() => store.getState().openPath(GADGETS.path));
    const card = await screen.findByRole('region', { name: 'Verdict' });
    expect(within(card).getByRole('heading', { level: 2 }).textContent).toMatch(/^The API token of your linked Bitbucket account \(jdoe@example\.com\) was refused/);
    await user.click(within(card).getByRole('button', { name: 'Connect your Bitbucket account again' }));
    await h1('Connect your Bitbucket account');
    await user.click(inMain().getByRole('button', { name: 'Back' }));
    await h1('Not sure yet');
  });
});
