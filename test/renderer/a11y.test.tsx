/**
 * axe-core on every screen and step, in jsdom. jsdom has no layout or colours, so colour contrast
 * is checked by the e2e in Chromium; every other axe rule must pass here.
 */
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../renderer/src/state/guide-state.js';
import type { Scenario } from './support/fake-api.js';
import {
  KEY,
  ACCOUNT_KEY_PLAN,
  ACCOUNT_TOKEN,
  KEY_ADDED,
  KEY_ELSEWHERE,
  keyNotOnAccountReport,
  LINK_REFUSED,
  LINKED,
  notLinked,
  SSH_GREETING,
  tokenInvalidReport,
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

  it('Settings, the account: linked (Cloud), refused, locked and no keychain (Data Center servers), with the unlink confirmation', async () => {
    const hosts = ['git.corp.example', 'bb.corp.example', 'old.corp.example'];
    const { user } = renderGuide({
      ...scenario,
      settings: { retestIntervalMinutes: 0, notifyOnChange: true, probeTimeoutSeconds: 15, bitbucketHosts: hosts },
      account: { statuses: { 'bitbucket.org': LINKED, [hosts[0]!]: { ...LINK_REFUSED, site: hosts[0]!, kind: 'datacenter' }, [hosts[1]!]: notLinked('locked', hosts[1]), [hosts[2]!]: notLinked('unavailable', hosts[2]) } },
    });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.click(await screen.findByRole('button', { name: 'Unlink Bitbucket Cloud…' }));
    await screen.findByText('No keychain');
    await expectNoViolations();
  });

  it('Connect, Cloud with field errors and a refusal; Data Center', async () => {
    const { user } = renderGuide({ ...scenario, settings: { retestIntervalMinutes: 0, notifyOnChange: true, probeTimeoutSeconds: 15, bitbucketHosts: ['git.corp.example'] }, account: { validToken: 'ATATT3xOther' } });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.click(await screen.findByRole('button', { name: 'Connect your Bitbucket Cloud account…' }));
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    await expectNoViolations();
    await user.type(screen.getByLabelText('Atlassian account email'), 'jdoe@example.com');
    await user.type(screen.getByLabelText('API token'), ACCOUNT_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    await within(screen.getByRole('main')).findByText(/^Not linked:/);
    await user.click(screen.getByRole('button', { name: /Open Atlassian's API token page/ }));
    await expectNoViolations();
    await user.click(screen.getByRole('radio', { name: 'Your Data Center server git.corp.example' }));
    await expectNoViolations();
  });

  it('SSH guide, add step with a linked account: added; and registered elsewhere', async () => {
    const account = { statuses: { 'bitbucket.org': LINKED }, keyAdd: [{ ok: true as const, value: KEY_ADDED }, { ok: false as const, error: { code: 'conflict' as const, message: KEY_ELSEWHERE } }] };
    const { store, user } = await opened(GADGETS.path, { account });
    await act(async () => {
      store.getState().startFix('ssh.generate-key', 'origin');
      await store.getState().apply('ssh.generate-key');
      store.getState().go({ name: 'ssh', step: 'add' });
    });
    await user.click(await screen.findByRole('button', { name: 'Add this key to my account' }));
    await within(screen.getByRole('main')).findByText('Added the key to your Bitbucket account.');
    await expectNoViolations();
    await act(() => store.getState().addKeyToAccount(KEY.publicKeyPath));
    await within(screen.getByRole('main')).findByText(/^Bitbucket already has this key/);
    await user.click(screen.getByText('Add it by hand instead'));
    await expectNoViolations();
  });

  it('Adding the key ssh offers to the account, through ssh -T', async () => {
    const { user } = await opened(GADGETS.path, {
      reports: { [GADGETS.path]: [keyNotOnAccountReport] },
      plans: { ...PLANS, 'ssh.add-key-to-account': ACCOUNT_KEY_PLAN },
      sshVerify: [SSH_GREETING],
      account: { statuses: { 'bitbucket.org': LINKED }, keyAdd: [{ ok: true, value: KEY_ADDED }] },
    });
    await user.click(await screen.findByRole('button', { name: 'Add this SSH key to your linked Bitbucket account' }));
    await screen.findByRole('region', { name: 'What will change' });
    await expectNoViolations();
    await user.click(screen.getByRole('button', { name: 'Add this key to my account' }));
    await user.click(await screen.findByRole('button', { name: 'Test the connection' }));
    await within(screen.getByRole('main')).findByText(/authenticated via ssh key\./);
    await expectNoViolations();
  });

  it('Adding the key without a link', async () => {
    const { user } = await opened(GADGETS.path, { reports: { [GADGETS.path]: [keyNotOnAccountReport] }, plans: { ...PLANS, 'ssh.add-key-to-account': ACCOUNT_KEY_PLAN } });
    await user.click(await screen.findByRole('button', { name: 'Add this SSH key to your linked Bitbucket account' }));
    await screen.findByRole('button', { name: 'Connect your Bitbucket account' });
    await expectNoViolations();
  });

  it('An account finding in the verdict', async () => {
    await opened(GADGETS.path, { reports: { [GADGETS.path]: [tokenInvalidReport] } });
    await screen.findByRole('button', { name: 'Connect your Bitbucket account again' });
    await expectNoViolations();
  });

  it('would catch a violation (the check is not vacuous)', async () => {
    renderGuide();
    const button = document.createElement('button');
    document.querySelector('main')!.append(button);
    expect((await axeViolations()).join('\n')).toMatch(/^button-name/);
  });
});
