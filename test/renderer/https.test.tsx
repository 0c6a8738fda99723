import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Scenario } from './support/fake-api.js';
import { FAKE_API_TOKEN, PLANS, WIDGETS } from '../fixtures/guide.js';
import { inMain, renderGuide } from './support/render.js';
import { HTTPS_SCENARIO as scenario } from './support/scenarios.js';

async function atVerdict(s: Scenario = scenario) {
  const rendered = renderGuide(s);
  await act(() => rendered.store.getState().openPath(WIDGETS.path));
  return rendered;
}

async function toSaveStep(s: Scenario = scenario) {
  const rendered = await atVerdict(s);
  await rendered.user.click(screen.getByRole('button', { name: 'Save a new Bitbucket API token (tested before it is saved)' }));
  await rendered.user.click(await screen.findByRole('button', { name: 'I have my token' }));
  await screen.findByRole('heading', { level: 1, name: 'Enter your username and token' });
  return rendered;
}

describe('HTTPS guide', () => {
  it('stays on a step whose fix the engine did not apply, and says why', async () => {
    const message = 'Not applied: the keychain that keeps undo data is locked. Nothing was changed.';
    const { user } = await atVerdict({ ...scenario, results: { ...scenario.results, 'credential.clear': [{ ok: true, value: { id: 'credential.clear', applied: false, changed: [], message } }] } });
    await user.click(screen.getByRole('button', { name: 'Remove the old saved password for Bitbucket' }));
    await screen.findByRole('heading', { level: 1, name: 'Remove the old password' });
    await screen.findByRole('region', { name: 'What will be removed' });
    await user.click(inMain().getByRole('button', { name: 'Remove the old saved password for Bitbucket' }));
    expect(await inMain().findByText(message)).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Remove the old password');
    expect(screen.queryByRole('list', { name: 'Done so far' })).toBeNull();
  });

  it('walks from the stale app password to a verified push', async () => {
    const { user, fake, store } = await atVerdict();

    // Clear: one confirmed click, showing exactly what will be removed.
    await user.click(screen.getByRole('button', { name: 'Remove the old saved password for Bitbucket' }));
    const clearHeading = await screen.findByRole('heading', { level: 1, name: 'Remove the old password' });
    expect(document.activeElement).toBe(clearHeading);
    expect(screen.getByText('Fix').getAttribute('aria-current')).toBe('step');
    const removed = await screen.findByRole('region', { name: 'What will be removed' });
    expect(removed.textContent).toContain('Remove the saved password for jdoe@bitbucket.org (ATBB…3F9A)');
    expect(removed.textContent).toContain('credential helper libsecret');
    expect(fake.callsOf('fixApply')).toHaveLength(0);
    await user.click(inMain().getByRole('button', { name: 'Remove the old saved password for Bitbucket' }));

    // Token: app passwords are gone; the page to open and the scopes to tick.
    await screen.findByRole('heading', { level: 1, name: 'Create an API token' });
    const done = screen.getByRole('list', { name: 'Done so far' });
    expect(done.textContent).toContain('Removed the saved app password for jdoe@bitbucket.org (ATBB…3F9A).');
    expect(inMain().getByText(/Bitbucket removed app passwords on 28 July 2026/)).toBeTruthy();
    const scopes = screen.getByRole('region', { name: 'Tick these scopes' });
    expect(within(scopes).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['read:repository:bitbucket', 'write:repository:bitbucket']);
    expect(await inMain().findByText('Select "Create API token with scopes".')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Open Atlassian's API token page/ }));
    expect(fake.callsOf('externalOpen')).toEqual([{ kind: 'api-token' }]);
    expect(await inMain().findByText('https://id.atlassian.com/manage-profile/security/api-tokens')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'I have my token' }));

    // Save: username prefilled from the remote, token masked; tested and saved by the engine.
    await screen.findByRole('heading', { level: 1, name: 'Enter your username and token' });
    const username = screen.getByRole('textbox', { name: 'Bitbucket username' }) as HTMLInputElement;
    expect(username.value).toBe('jdoe');
    const token = screen.getByLabelText('API token') as HTMLInputElement;
    expect(token.type).toBe('password');
    await user.click(token);
    await user.paste(FAKE_API_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Test and save' }));

    // Verify: the final check runs by itself and shows the result.
    expect(await screen.findByRole('heading', { level: 1, name: 'Final check' })).toBeTruthy();
    expect(screen.getByText('Verify').getAttribute('aria-current')).toBe('step');
    expect(await screen.findByText('Push to Bitbucket works from this computer.')).toBeTruthy();
    expect(fake.callsOf('fixApply')).toEqual([
      { path: WIDGETS.path, fixId: 'credential.clear', remote: 'origin' },
      { path: WIDGETS.path, fixId: 'credential.save-token', remote: 'origin', input: { username: 'jdoe', token: FAKE_API_TOKEN } },
    ]);
    expect(JSON.stringify(store.getState())).not.toContain(FAKE_API_TOKEN);
    expect(document.body.innerHTML).not.toContain(FAKE_API_TOKEN);

    await user.click(screen.getByRole('button', { name: 'See what changed' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Push works' })).toBeTruthy();
  });

  it('spells out the username pitfalls and refuses an email', async () => {
    const { user, fake } = await toSaveStep();
    const username = screen.getByRole('textbox', { name: 'Bitbucket username' });
    expect(inMain().getByText('not your email address')).toBeTruthy();
    await user.clear(username);
    await user.type(username, 'jane.doe@example.com');
    await user.click(screen.getByLabelText('API token'));
    await user.paste(FAKE_API_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Test and save' }));
    expect(inMain().getByText(/That is an email address\. Git needs your Bitbucket username here, or the fixed username x-bitbucket-api-token-auth\./)).toBeTruthy();
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(fake.callsOf('fixApply')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Use x-bitbucket-api-token-auth' }));
    expect((username as HTMLInputElement).value).toBe('x-bitbucket-api-token-auth');
  });

  it('prefills the username the engine found in the remote, and nothing when it found none', async () => {
    // The URL names jdoe: the field decides, the guide does not read the URL.
    const named = { ...WIDGETS, remotes: [{ ...WIDGETS.remotes[0]!, tokenUsername: 'jdoe-told-by-engine' }] };
    const first = await toSaveStep({ ...scenario, repos: [named] });
    expect((screen.getByRole('textbox', { name: 'Bitbucket username' }) as HTMLInputElement).value).toBe('jdoe-told-by-engine');
    first.unmount();
    await toSaveStep({ ...scenario, repos: [{ ...WIDGETS, remotes: [{ ...WIDGETS.remotes[0]!, tokenUsername: null }] }] });
    expect((screen.getByRole('textbox', { name: 'Bitbucket username' }) as HTMLInputElement).value).toBe('');
  });

  it('recognises a pasted app password and says it no longer works', async () => {
    const { user, fake } = await toSaveStep();
    await user.click(screen.getByLabelText('API token'));
    await user.paste('ATBB3kd92LmQ0pXz7rT5vW1yN8cB4hJ6sF2gK9');
    await user.click(screen.getByRole('button', { name: 'Test and save' }));
    expect(inMain().getByText(/This is an app password \(it starts with ATBB\)\. App passwords stopped working on 28 July 2026/)).toBeTruthy();
    expect(fake.callsOf('fixApply')).toHaveLength(0);
  });

  it('shows and hides the token on request', async () => {
    const { user } = await toSaveStep();
    const token = screen.getByLabelText('API token') as HTMLInputElement;
    await user.click(screen.getByRole('button', { name: 'Show token' }));
    expect(token.type).toBe('text');
    await user.click(screen.getByRole('button', { name: 'Hide token' }));
    expect(token.type).toBe('password');
  });

  it('clears the token after a rejected test and says what to try', async () => {
    const rejected: Scenario = {
      ...scenario,
      results: {
        'credential.save-token': [
          { ok: false, error: { code: 'failed', message: 'Bitbucket accepted the token for reading but not for pushing: it lacks write:repository:bitbucket.' } },
        ],
      },
    };
    const { user, store } = await toSaveStep(rejected);
    const token = screen.getByLabelText('API token') as HTMLInputElement;
    await user.click(token);
    await user.paste(FAKE_API_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Test and save' }));
    expect(await inMain().findByText(/it lacks write:repository:bitbucket/)).toBeTruthy();
    expect(inMain().getByText('Check the username, paste the token again, and press Test and save.')).toBeTruthy();
    expect(token.value).toBe('');
    expect(screen.getByRole('heading', { level: 1, name: 'Enter your username and token' })).toBeTruthy();
    expect(JSON.stringify(store.getState())).not.toContain(FAKE_API_TOKEN);
  });

  it('submits the form with Enter from the token field', async () => {
    const { user, fake } = await toSaveStep();
    await user.click(screen.getByLabelText('API token'));
    await user.paste(FAKE_API_TOKEN);
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Final check' })).toBeTruthy();
    expect(fake.callsOf('fixApply')).toHaveLength(1);
  });

  it('steps back with the Back link and leaves with Escape from the first step', async () => {
    const { user } = await toSaveStep();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Create an API token' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Found the problem' })).toBeTruthy();
  });

  it('lets the user pass the clearing step when there is nothing to remove', async () => {
    const nothing: Scenario = {
      ...scenario,
      plans: { ...PLANS, 'credential.clear': { ...PLANS['credential.clear']!, applicable: false, reason: 'No saved password for bitbucket.org was found.', changes: [] } },
    };
    const { user, fake } = await atVerdict(nothing);
    await user.click(screen.getByRole('button', { name: 'Remove the old saved password for Bitbucket' }));
    expect(await inMain().findByText('No saved password for bitbucket.org was found.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Create an API token' })).toBeTruthy();
    expect(fake.callsOf('fixApply')).toHaveLength(0);
  });
});
