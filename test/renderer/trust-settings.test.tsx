import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RepoSummary } from '../../app/contract/channels.js';
import { DEFAULT_SETTINGS } from '../../app/contract/schemas.js';
import { GADGETS, RECENT, sshNoKeyReport, STRANGER, STRANGER_COMMANDS, TRUSTED, trustedReport, untrustedReport, WIDGETS } from '../fixtures/guide.js';
import type { Scenario } from './support/fake-api.js';
import { h1, inMain, renderGuide } from './support/render.js';

const scenario: Scenario = {
  repos: [STRANGER, GADGETS, WIDGETS],
  reports: { [STRANGER.path]: [untrustedReport, untrustedReport, trustedReport], [GADGETS.path]: [sshNoKeyReport] },
  recent: RECENT,
  trusted: TRUSTED,
  settings: { ...DEFAULT_SETTINGS, bitbucketHosts: ['git.corp.example'] },
};

const TRUST_HEADING = 'tools wants to run commands of its own';

describe('a repository that names commands of its own', () => {
  it('asks before anything runs: what would run, what git uses it for, the setting and the file', async () => {
    const { store, fake } = renderGuide(scenario);
    await act(() => store.getState().openPath(STRANGER.path));
    const heading = await h1(TRUST_HEADING);
    expect(document.activeElement).toBe(heading);
    expect(fake.callsOf('diagnoseRun')).toEqual([]);

    const list = inMain().getByRole('list', { name: 'Commands this repository names' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      `The SSH program git starts to reach Bitbucket${STRANGER_COMMANDS[0]!.command}Set by core.sshcommand in ${STRANGER_COMMANDS[0]!.file}`,
      `A credential helper git asks for your password or token${STRANGER_COMMANDS[1]!.command}Set by credential.helper in ${STRANGER_COMMANDS[1]!.file}`,
    ]);
    // Not trusting is the primary action.
    expect(inMain().getByRole('button', { name: 'Check without running them' }).hasAttribute('data-primary')).toBe(true);
    expect(inMain().getByRole('button', { name: 'Trust this repository and check' }).hasAttribute('data-primary')).toBe(false);
  });

  it('Enter checks without them: the verdict says what was skipped and offers to review them', async () => {
    const { store, fake, user } = renderGuide(scenario);
    await act(() => store.getState().openPath(STRANGER.path));
    await h1(TRUST_HEADING);
    await user.keyboard('{Enter}');
    await h1('Not sure yet');
    expect(fake.callsOf('trustGrant')).toEqual([]);
    expect(fake.callsOf('diagnoseRun')).toHaveLength(1);
    const verdict = screen.getByRole('region', { name: 'Verdict' });
    expect(within(verdict).getByRole('heading', { level: 2 }).textContent).toBe("Push Doctor did not run the commands this repository's own settings name.");
    expect(inMain().getAllByText(/^not run: /, { selector: '.check-summary' })).toHaveLength(3);

    // Declined once: opening it again in this session does not ask again.
    await act(() => store.getState().openPath(STRANGER.path));
    await h1('Not sure yet');
    expect(fake.callsOf('diagnoseRun')).toHaveLength(2);

    // Review → trust → the checks run again, with the commands.
    await user.click(within(screen.getByRole('region', { name: 'Verdict' })).getByRole('button', { name: 'Review these commands' }));
    await h1(TRUST_HEADING);
    await user.click(inMain().getByRole('button', { name: 'Trust this repository and check' }));
    await h1('Push works');
    expect(fake.callsOf('trustGrant')).toEqual([{ path: STRANGER.path, commandIds: STRANGER_COMMANDS.map((c) => c.id) }]);
    expect(store.getState().repo?.trusted).toBe(true);
    expect(screen.getByRole('status').textContent).toBe('Push works.');
  });

  it('a repository whose commands changed since they were shown is not trusted: the new list is shown', async () => {
    const { store, fake, user } = renderGuide(scenario);
    await act(() => store.getState().openPath(STRANGER.path));
    await h1(TRUST_HEADING);
    const changed: RepoSummary = { ...STRANGER, repoCommands: [{ ...STRANGER_COMMANDS[0]!, id: 'ffffffffffffffff', command: '/tmp/other-ssh' }] };
    fake.replaceRepo(changed);
    await user.click(inMain().getByRole('button', { name: 'Trust this repository and check' }));
    expect(await inMain().findByText(/changed since they were shown/)).toBeTruthy();
    expect(await inMain().findByText('/tmp/other-ssh')).toBeTruthy();
    expect(fake.callsOf('diagnoseRun')).toEqual([]);
    expect(fake.trusted().map((t) => t.path)).not.toContain(STRANGER.path);
  });

  it('a repository that names none, or one already trusted, is checked at once', async () => {
    const { store, fake } = renderGuide({ ...scenario, repos: [{ ...STRANGER, trusted: true }, GADGETS] });
    await act(() => store.getState().openPath(STRANGER.path));
    expect(store.getState().screen).toEqual({ name: 'diagnosis' });
    await act(() => store.getState().openPath(GADGETS.path));
    expect(fake.callsOf('diagnoseRun')).toHaveLength(2);
  });
});

describe('Settings', () => {
  async function openSettings() {
    const rendered = renderGuide(scenario);
    await rendered.user.click(screen.getByRole('button', { name: 'Settings' }));
    await h1('Settings');
    await screen.findByRole('combobox', { name: 'Re-test recent repositories' });
    await screen.findByText('deploy-scripts');
    return rendered;
  }

  it('opens from the header with its heading focused, and goes back where the user was', async () => {
    const { user, store } = renderGuide(scenario);
    await act(() => store.getState().openPath(GADGETS.path));
    await h1('Found the problem');
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(document.activeElement).toBe(await h1('Settings'));
    expect(screen.getByRole('button', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
    expect(screen.queryByRole('navigation', { name: 'Progress' })).toBeNull();
    await user.keyboard('{Escape}');
    await h1('Found the problem');
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await h1('Settings');
    await user.click(inMain().getByRole('button', { name: 'Done' }));
    await h1('Found the problem');
  });

  it('saves the re-test interval, notifications and the time limit at once', async () => {
    const { user, fake } = await openSettings();
    const interval = screen.getByRole('combobox', { name: 'Re-test recent repositories' }) as HTMLSelectElement;
    expect([...interval.options].map((o) => o.textContent)).toEqual(['Never', 'Every 15 minutes', 'Every 30 minutes', 'Every hour', 'Every 2 hours', 'Every 4 hours', 'Every 8 hours', 'Once a day']);
    expect(interval.value).toBe('0');
    await user.selectOptions(interval, 'Every hour');
    await user.click(screen.getByRole('checkbox', { name: 'Notify me when a repository starts or stops working' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Time limit for each check' }), '30 seconds');
    expect(fake.callsOf('settingsSet')).toEqual([{ retestIntervalMinutes: 60 }, { notifyOnChange: false }, { probeTimeoutSeconds: 30 }]);
    expect(fake.settings()).toMatchObject({ retestIntervalMinutes: 60, notifyOnChange: false, probeTimeoutSeconds: 30 });
    expect(screen.getByRole('status').textContent).toBe('Saved.');
    expect((screen.getByRole('combobox', { name: 'Re-test recent repositories' }) as HTMLSelectElement).value).toBe('60');
  });

  it('declares Data Center servers: checked as main checks them, normalised, removable', async () => {
    const { user, fake } = await openSettings();
    const field = screen.getByRole('textbox', { name: 'Server (host name, or host:port)' });
    await user.type(field, 'not a host{Enter}');
    expect(screen.getByText(/That is not a host name/).id).toBe(field.getAttribute('aria-describedby'));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    await user.clear(field);
    await user.type(field, 'https://BB.Corp.Example:7990/projects{Enter}');
    expect(fake.settings().bitbucketHosts).toEqual(['git.corp.example', 'bb.corp.example:7990']);
    expect((field as HTMLInputElement).value).toBe('');
    await user.click(screen.getByRole('button', { name: 'Remove git.corp.example' }));
    expect(fake.settings().bitbucketHosts).toEqual(['bb.corp.example:7990']);
    expect(within(screen.getByRole('list', { name: 'Declared servers' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['bb.corp.example:7990Remove']);
  });

  it('removes one recent repository, and clears the list after confirming', async () => {
    const { user, fake } = await openSettings();
    const list = () => screen.getByRole('list', { name: 'Recent repositories' });
    await user.click(within(list()).getByRole('button', { name: 'Remove widgets from recent repositories' }));
    expect(within(list()).getAllByRole('listitem')).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Clear the list…' }));
    const confirm = screen.getByRole('button', { name: 'Clear the list' });
    expect(document.activeElement).toBe(confirm);
    await user.click(screen.getByRole('button', { name: 'Keep them' }));
    expect(fake.callsOf('recentClear')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Clear the list…' }));
    await user.click(screen.getByRole('button', { name: 'Clear the list' }));
    expect(fake.callsOf('recentClear')).toEqual([{}]);
    expect(await screen.findByText('None. Repositories you open appear here and in the tray.')).toBeTruthy();
  });

  it('lists the trusted repositories with what they may run, and revokes one', async () => {
    const { user, fake, store } = await openSettings();
    const region = screen.getByRole('region', { name: 'Repositories trusted to run their own commands' });
    expect(within(region).getByText(/Trusted on 25 November 2026/)).toBeTruthy();
    expect(within(within(region).getByRole('list', { name: 'Commands deploy-scripts may run' })).getByText(STRANGER_COMMANDS[0]!.command)).toBeTruthy();
    await user.click(within(region).getByRole('button', { name: 'Revoke trust in deploy-scripts' }));
    expect(fake.callsOf('trustRevoke')).toEqual([{ path: TRUSTED[0]!.path }]);
    expect(await within(region).findByText(/^None\. Push Doctor asks before/)).toBeTruthy();
    expect(store.getState().announcement).toBe('deploy-scripts is no longer trusted.');
  });

  it('is reachable and usable with the keyboard alone', async () => {
    const { user, fake } = renderGuide(scenario);
    await h1('Drop a repository folder here');
    // The header comes before the screen in reading order.
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Settings' }));
    await user.keyboard('{Enter}');
    await h1('Settings');
    // The account section comes first: one Connect button per site (Cloud, then the declared server).
    const connectCloud = await screen.findByRole('button', { name: 'Connect your Bitbucket Cloud account…' });
    await user.tab();
    expect(document.activeElement).toBe(connectCloud);
    await user.tab();
    expect(document.activeElement).toBe(await screen.findByRole('button', { name: 'Connect your account on git.corp.example…' }));
    await user.tab();
    expect(document.activeElement).toBe(await screen.findByRole('combobox', { name: 'Re-test recent repositories' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Notify me when a repository starts or stops working' }));
    await user.keyboard(' ');
    expect(fake.callsOf('settingsSet')).toEqual([{ notifyOnChange: false }]);
    await user.tab();
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Server (host name, or host:port)' }));
    await user.keyboard('bb.corp.example{Enter}');
    expect(fake.callsOf('settingsSet').at(-1)).toEqual({ bitbucketHosts: ['git.corp.example', 'bb.corp.example'] });
    await user.keyboard('{Escape}');
    await h1('Drop a repository folder here');
  });
});
