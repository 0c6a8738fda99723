import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DiagnoseReport } from '../../app/contract/report.js';
import { finding } from '../../app/diagnose/catalogue.js';
import type { Scenario } from './support/fake-api.js';
import { httpsOkReport, LEGACY, legacyFixedReport, legacyHostReport, PLANS, RESULTS, WIDGETS } from '../fixtures/guide.js';
import { h1, inMain, renderGuide } from './support/render.js';

const legacy: Scenario = {
  repos: [LEGACY],
  reports: { [LEGACY.path]: [legacyHostReport, legacyFixedReport] },
  plans: PLANS,
  results: { 'remote.use-ssh-host': [{ ok: true, value: RESULTS['remote.use-ssh-host']! }] },
};

const emailReport: DiagnoseReport = {
  schemaVersion: 1,
  path: WIDGETS.path,
  verdict: 'problems',
  findings: [
    finding('remote.username-is-email', { remote: 'origin', params: { username: 'jane.doe@example.com' }, evidence: ['remote.origin.url = https://jane.doe%40example.com@bitbucket.org/acme/widgets.git'] }),
    finding('https.repo-not-found', { remote: 'origin', params: { host: 'bitbucket.org' } }),
  ],
  checks: [],
};

async function open(s: Scenario, path: string) {
  const rendered = renderGuide(s);
  await act(() => rendered.store.getState().openPath(path));
  return rendered;
}

describe('Generic fix flow', () => {
  it('describes, confirms, applies and diagnoses again', async () => {
    const { user, fake } = await open(legacy, LEGACY.path);
    expect(screen.getByRole('region', { name: 'Verdict' }).textContent).toContain('which stopped serving SSH on 12 November 2026');
    await user.click(screen.getByRole('button', { name: 'Point the remote at ssh.bitbucket.org' }));

    await h1('Point the remote at ssh.bitbucket.org');
    const changes = await screen.findByRole('region', { name: 'What will change' });
    expect(changes.textContent).toContain('Change remote.origin.url to git@ssh.bitbucket.org:acme/legacy.git');
    expect(changes.textContent).toContain('git config of /home/jdoe/src/legacy');
    expect(fake.callsOf('fixApply')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Make this change' }));
    expect(await h1('Push works')).toBeTruthy();
    expect(fake.callsOf('fixApply')).toEqual([{ path: LEGACY.path, fixId: 'remote.use-ssh-host', remote: 'origin' }]);
    expect(fake.callsOf('diagnoseRun')).toHaveLength(2);
    expect(screen.getByText('Verify').getAttribute('aria-current')).toBe('step');
    await user.click(screen.getByRole('button', { name: 'See what changed' }));
    await h1('Push works');
    expect(inMain().getByText('origin now points at git@ssh.bitbucket.org:acme/legacy.git.')).toBeTruthy();
  });

  it('asks for the inputs a plan needs', async () => {
    const { user, fake } = await open(
      { repos: [WIDGETS], reports: { [WIDGETS.path]: [emailReport, httpsOkReport] }, plans: PLANS, results: { 'remote.set-username': [{ ok: true, value: RESULTS['remote.set-username']! }] } },
      WIDGETS.path,
    );
    await user.click(screen.getByRole('button', { name: 'Put your Bitbucket username (not your email) in the remote URL' }));
    await h1('Put your Bitbucket username (not your email) in the remote URL');
    const field = await screen.findByRole('textbox', { name: 'Bitbucket username (not your email)' });
    await user.click(screen.getByRole('button', { name: 'Make this change' }));
    expect(inMain().getByText('Enter the username.')).toBeTruthy();
    expect(fake.callsOf('fixApply')).toHaveLength(0);
    await user.type(field, 'jdoe{Enter}');
    await h1('Push works');
    expect(fake.callsOf('fixApply')).toEqual([{ path: WIDGETS.path, fixId: 'remote.set-username', remote: 'origin', input: { username: 'jdoe' } }]);
  });

  it('shows the steps and opens the page for open.* fixes, then checks again', async () => {
    const { user, fake } = await open({ repos: [WIDGETS], reports: { [WIDGETS.path]: [emailReport] }, plans: PLANS }, WIDGETS.path);
    const others = screen.getByRole('region', { name: 'Also found' });
    await user.click(within(others).getByRole('button', { name: 'Open the repository on Bitbucket to check its address and your access' }));
    await h1('Open the repository on Bitbucket to check its address and your access');
    expect(await inMain().findByText('Select "Clone" and compare the URL with this repository\'s remote.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Open the page/ }));
    expect(fake.callsOf('externalOpen')).toEqual([{ kind: 'repository', path: WIDGETS.path, remote: 'origin' }]);
    expect(await inMain().findByText('https://bitbucket.org/acme/widgets')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    await h1('Found the problem');
    expect(fake.callsOf('diagnoseRun')).toHaveLength(2);
    expect(fake.callsOf('fixApply')).toHaveLength(0);
  });

  it('says why a fix does not apply and offers the way back', async () => {
    const { user } = await open(
      {
        ...legacy,
        plans: { 'remote.use-ssh-host': { ...PLANS['remote.use-ssh-host']!, applicable: false, reason: 'The remote origin does not use SSH.', changes: [] } },
      },
      LEGACY.path,
    );
    await user.click(screen.getByRole('button', { name: 'Point the remote at ssh.bitbucket.org' }));
    expect(await inMain().findByText('The remote origin does not use SSH.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Back to the diagnosis' }));
    await h1('Found the problem');
  });

  it('keeps the user on the fix with the engine message when applying fails', async () => {
    const { user } = await open(
      { ...legacy, results: { 'remote.use-ssh-host': [{ ok: false, error: { code: 'failed', message: 'git config could not be written: .git/config is locked.' } }] } },
      LEGACY.path,
    );
    await user.click(screen.getByRole('button', { name: 'Point the remote at ssh.bitbucket.org' }));
    await user.click(await screen.findByRole('button', { name: 'Make this change' }));
    expect(await inMain().findByText('git config could not be written: .git/config is locked.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Point the remote at ssh.bitbucket.org' })).toBeTruthy();
  });

  it('offers to look again when the plan cannot be read', async () => {
    const { user, fake } = await open({ ...legacy, plans: {} }, LEGACY.path);
    await user.click(screen.getByRole('button', { name: 'Point the remote at ssh.bitbucket.org' }));
    expect(await inMain().findByText('This fix does not apply to this repository.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Look again' }));
    expect(fake.callsOf('fixDescribe')).toHaveLength(2);
  });
});
