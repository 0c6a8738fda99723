/**
 * axe-core on every screen and step, in jsdom. jsdom has no layout or colours, so colour contrast
 * is checked by the e2e in Chromium; every other axe rule must pass here.
 */
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../renderer/src/state/machine.js';
import type { Scenario } from './support/fake-api.js';
import {
  appPasswordReport,
  GADGETS,
  HISTORY,
  httpsOkReport,
  PLANS,
  RECENT,
  REPORT_MARKDOWN,
  RESULTS,
  SSH_DENIED,
  sshNoKeyReport,
  STRANGER,
  TRUSTED,
  untrustedReport,
  sshOkReport,
  SWITCH_NOT_NEEDED,
  WIDGETS,
} from '../fixtures/guide.js';
import { axeViolations, renderGuide } from './support/render.js';

const scenario: Scenario = {
  repos: [WIDGETS, GADGETS, STRANGER],
  reports: { [WIDGETS.path]: [appPasswordReport, httpsOkReport], [GADGETS.path]: [sshNoKeyReport, sshOkReport], [STRANGER.path]: [untrustedReport] },
  trusted: TRUSTED,
  plans: { ...PLANS, 'remote.use-ssh-host': SWITCH_NOT_NEEDED },
  results: {
    'credential.clear': [{ ok: true, value: RESULTS['credential.clear']! }],
    'ssh.generate-key': [{ ok: true, value: RESULTS['ssh.generate-key']! }],
  },
  sshVerify: [SSH_DENIED],
  recent: RECENT,
  history: HISTORY,
  markdown: REPORT_MARKDOWN,
};

async function expectNoViolations() {
  expect(await axeViolations()).toEqual([]);
}

async function opened(path: string, overrides: Partial<typeof scenario> = {}) {
  const rendered = renderGuide({ ...scenario, ...overrides });
  await act(() => rendered.store.getState().openPath(path));
  return rendered;
}

async function at(path: string, fix: 'credential.clear' | 'ssh.generate-key', step: Screen) {
  const rendered = await opened(path);
  await act(async () => {
    rendered.store.getState().startFix(fix, 'origin');
    if (fix === 'ssh.generate-key') await rendered.store.getState().apply('ssh.generate-key');
    rendered.store.getState().go(step);
  });
  await act(async () => {});
  return rendered;
}

describe('accessibility (axe-core, jsdom)', () => {
  it('Start, empty', async () => {
    renderGuide();
    await screen.findByRole('heading', { level: 1 });
    await expectNoViolations();
  });

  it('Start, with recent repositories and a drop error', async () => {
    const { store } = renderGuide(scenario);
    await screen.findByRole('region', { name: 'Recent repositories' });
    await act(() => store.getState().openPath('/home/jdoe/Downloads'));
    await expectNoViolations();
  });

  it('Diagnosis, checks running', async () => {
    const rendered = renderGuide({ ...scenario, holdDiagnosis: true });
    void rendered.store.getState().openPath(WIDGETS.path);
    await screen.findByRole('button', { name: 'Cancel' });
    await expectNoViolations();
    rendered.fake.finishDiagnosis();
    await screen.findByRole('heading', { level: 1, name: 'Found the problem' });
  });

  it('Diagnosis, verdict with evidence open and other findings', async () => {
    const { user } = await opened(GADGETS.path);
    for (const why of screen.getAllByText('Why we think so')) await user.click(why);
    await expectNoViolations();
  });

  it('Diagnosis, all good', async () => {
    const { store } = await opened(WIDGETS.path);
    await act(() => store.getState().runDiagnosis());
    await screen.findByRole('heading', { level: 1, name: 'Push works' });
    await expectNoViolations();
  });

  it('Diagnosis, report shown for copying by hand', async () => {
    const { user } = await opened(WIDGETS.path, { clipboardRefuses: true });
    await user.click(screen.getByRole('button', { name: 'Copy report' }));
    await screen.findByRole('textbox');
    await expectNoViolations();
  });

  for (const step of ['clear', 'token', 'save', 'verify'] as const) {
    it(`HTTPS guide, ${step}`, async () => {
      const { user } = await at(WIDGETS.path, 'credential.clear', { name: 'https', step });
      if (step === 'save') {
        await user.type(screen.getByRole('textbox', { name: 'Bitbucket username' }), '@example.com');
        await user.click(screen.getByRole('button', { name: 'Test and save' }));
        await screen.findByText(/That is an email address/);
      }
      await expectNoViolations();
    });
  }

  for (const step of ['generate', 'copy', 'add', 'trust', 'configure', 'test', 'switch', 'verify'] as const) {
    it(`SSH guide, ${step}`, async () => {
      const { user } = await at(GADGETS.path, 'ssh.generate-key', { name: 'ssh', step });
      if (step === 'test') {
        await user.click(screen.getByRole('button', { name: 'Test the connection' }));
        await user.click(await screen.findByText('What ssh said'));
      }
      if (step === 'copy') await user.click(screen.getByRole('button', { name: 'Copy public key' }));
      await expectNoViolations();
    });
  }

  it('Generic fix with inputs', async () => {
    const { store } = await opened(WIDGETS.path);
    act(() => store.getState().startFix('remote.set-username', 'origin'));
    await screen.findByRole('textbox', { name: 'Bitbucket username (not your email)' });
    await expectNoViolations();
  });

  it('Done, with history and undo', async () => {
    const { store, user } = await opened(WIDGETS.path);
    await act(() => store.getState().apply('credential.clear'));
    act(() => store.getState().go({ name: 'done' }));
    await user.click(await screen.findByText('All changes Push Doctor made'));
    await user.click(screen.getByRole('button', { name: 'Undo the last change' }));
    await within(screen.getByRole('main')).findByText(/Restored what it replaced/);
    await expectNoViolations();
  });

  it('Trust question, and its refusal', async () => {
    const { fake, user } = await opened(STRANGER.path);
    await screen.findByRole('list', { name: 'Commands this repository names' });
    await expectNoViolations();
    fake.replaceRepo({ ...STRANGER, repoCommands: [{ ...STRANGER.repoCommands[0]!, id: 'ffffffffffffffff' }] });
    await user.click(screen.getByRole('button', { name: 'Trust this repository and check' }));
    await within(screen.getByRole('main')).findByText(/changed since they were shown/);
    await expectNoViolations();
  });

  it('Diagnosis, checks skipped until the repository is trusted', async () => {
    const { user } = await opened(STRANGER.path);
    await user.click(screen.getByRole('button', { name: 'Check without running them' }));
    await screen.findByRole('button', { name: 'Review these commands' });
    await user.click(screen.getByText('Why we think so'));
    await expectNoViolations();
  });

  it('Settings, with servers, recent and trusted repositories, a field error and the clear confirmation', async () => {
    const { user } = renderGuide({ ...scenario, settings: { retestIntervalMinutes: 45, notifyOnChange: true, probeTimeoutSeconds: 15, bitbucketHosts: ['git.corp.example'] } });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await screen.findByRole('list', { name: 'Commands deploy-scripts may run' });
    await user.type(screen.getByRole('textbox', { name: 'Server (host name, or host:port)' }), 'no such host{Enter}');
    await user.click(screen.getByRole('button', { name: 'Clear the list…' }));
    await expectNoViolations();
  });

  it('would catch a violation (the check is not vacuous)', async () => {
    renderGuide();
    const button = document.createElement('button');
    document.querySelector('main')!.append(button);
    expect((await axeViolations()).join('\n')).toMatch(/^button-name/);
  });
});
