import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Scenario } from './support/fake-api.js';
import { GADGETS, KEY, SSH_DENIED, SSH_GREETING, SWITCH_NOT_NEEDED } from '../fixtures/guide.js';
import { h1, inMain, renderGuide } from './support/render.js';
import { SSH_SCENARIO as scenario } from './support/scenarios.js';

async function startGuide(s: Scenario = scenario) {
  const rendered = renderGuide(s);
  await act(() => rendered.store.getState().openPath(GADGETS.path));
  await rendered.user.click(screen.getByRole('button', { name: 'Create a new SSH key (ed25519) for Bitbucket' }));
  await h1('Create an SSH key');
  return rendered;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SSH guide', () => {
  it('walks from "no key" to a verified push, one step per screen, each leaving a checked line', async () => {
    const { user, fake } = await startGuide();
    expect(inMain().getByText('Set up SSH · Step 1 of 8', { exact: false })).toBeTruthy();

    // 1. Generate: shows the files it will create; the passphrase is optional and forgotten after use.
    const files = await screen.findByRole('region', { name: 'Files it will create' });
    expect(files.textContent).toContain(KEY.privateKeyPath);
    expect(files.textContent).toContain(KEY.publicKeyPath);
    const passphrase = screen.getByLabelText('Passphrase (optional)') as HTMLInputElement;
    expect(passphrase.type).toBe('password');
    await user.type(passphrase, 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Create the key' }));

    // 2. Copy the public key.
    await h1('Copy your public key');
    expect(screen.getByRole('list', { name: 'Done so far' }).textContent).toContain(`Created ${KEY.privateKeyPath}`);
    expect(screen.getByLabelText('Public key').textContent).toBe(KEY.publicKey);
    await user.click(screen.getByRole('button', { name: 'Copy public key' }));
    expect(await inMain().findByText('Copied')).toBeTruthy();
    expect(fake.callsOf('clipboardWrite')).toEqual([{ kind: 'public-key', publicKeyPath: KEY.publicKeyPath }]);
    // The fingerprint, to compare with the one Bitbucket lists next to the key.
    await user.click(screen.getByRole('button', { name: 'Copy fingerprint' }));
    expect(fake.callsOf('clipboardWrite').at(-1)).toEqual({ kind: 'fingerprint', fingerprint: KEY.fingerprint });
    expect(await screen.findByText('Copied the fingerprint.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next' }));

    // 3. Add it on Bitbucket.
    await h1('Add the key to Bitbucket');
    expect(await inMain().findByText('Paste the public key and select "Add key".')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Open Bitbucket's SSH keys page/ }));
    expect(fake.callsOf('externalOpen')).toEqual([{ kind: 'ssh-keys' }]);
    await user.click(screen.getByRole('button', { name: 'I added the key' }));

    // 4. Trust the host keys: the fingerprints are shown before anything changes.
    await h1("Trust Bitbucket's host keys");
    const details = await screen.findByRole('list', { name: 'Details' });
    expect(details.textContent).toContain('ssh-ed25519 SHA256:ybgmFkzwOSotHTHLJgHO0QN8L0xErw6vd0VhFA9m3SM');
    await user.click(screen.getByRole('button', { name: "Trust Bitbucket's published host keys (and remove outdated ones)" }));

    // 5. Point ssh at the key.
    await h1('Point ssh at the key');
    await user.click(await screen.findByRole('button', { name: 'Tell ssh which key to use for Bitbucket (~/.ssh/config)' }));

    // 6. ssh -T shows Bitbucket's greeting.
    await h1('Test the connection');
    await user.click(screen.getByRole('button', { name: 'Test the connection' }));
    expect(await inMain().findByText(/authenticated via ssh key\./)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next' }));

    // 7. The remote already uses ssh.bitbucket.org: nothing to switch.
    await h1('Switch the remote to SSH');
    expect(await inMain().findByText('The remote origin already uses ssh.bitbucket.org.')).toBeTruthy();
    expect(screen.getByRole('main').textContent).toContain('The remote already pushes over SSH to ssh.bitbucket.org.');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    // 8. Final check.
    await h1('Final check');
    expect(await inMain().findByText('Push to Bitbucket works from this computer.')).toBeTruthy();
    const lines = screen.getByRole('list', { name: 'Done so far' }).textContent ?? '';
    for (const expected of ['Created', 'You added the public key in Bitbucket.', "Added Bitbucket's 3 published host keys", 'ssh now offers', 'Bitbucket answered: authenticated via ssh key.', 'already uses ssh.bitbucket.org']) {
      expect(lines).toContain(expected);
    }

    expect(fake.callsOf('fixApply')).toEqual([
      { path: GADGETS.path, fixId: 'ssh.generate-key', remote: 'origin', input: { passphrase: 'correct horse' } },
      { path: GADGETS.path, fixId: 'ssh.trust-host-keys', remote: 'origin' },
      { path: GADGETS.path, fixId: 'ssh.configure-host', remote: 'origin' },
    ]);
    expect(fake.callsOf('sshVerify')).toEqual([{ path: GADGETS.path, remote: 'origin' }]);
    expect(fake.callsOf('diagnoseRun')).toHaveLength(2);

    await user.click(screen.getByRole('button', { name: 'See what changed' }));
    await h1('Push works');
  }, 20_000);

  it('sends no passphrase when the field is left empty, and never stores one', async () => {
    const { user, fake, store } = await startGuide();
    await user.click(await screen.findByRole('button', { name: 'Create the key' }));
    await h1('Copy your public key');
    expect(fake.callsOf('fixApply')).toEqual([{ path: GADGETS.path, fixId: 'ssh.generate-key', remote: 'origin' }]);
    expect(JSON.stringify(store.getState())).not.toMatch(/passphrase"\s*:/);
  });

  it('shows "Copied" for two seconds', async () => {
    const { user } = await startGuide();
    await user.click(await screen.findByRole('button', { name: 'Create the key' }));
    await h1('Copy your public key');
    vi.useFakeTimers();
    await act(async () => {
      screen.getByRole('button', { name: 'Copy public key' }).click();
      await vi.advanceTimersByTimeAsync(10);
    });
    expect(inMain().getByText('Copied')).toBeTruthy();
    await act(async () => vi.advanceTimersByTimeAsync(1900));
    expect(inMain().queryByText('Copied')).not.toBeNull();
    await act(async () => vi.advanceTimersByTimeAsync(200));
    expect(inMain().queryByText('Copied')).toBeNull();
  });

  it('shows why ssh -T failed, and lets the user go back to adding the key and retry', async () => {
    const { user, store } = await startGuide({ ...scenario, sshVerify: [SSH_DENIED, SSH_GREETING] });
    act(() => store.getState().go({ name: 'ssh', step: 'test' }));
    await h1('Test the connection');
    await user.click(screen.getByRole('button', { name: 'Test the connection' }));
    expect(await inMain().findByText('git@ssh.bitbucket.org: Permission denied (publickey).')).toBeTruthy();
    expect(inMain().getByText(/Check that the public key was saved/)).toBeTruthy();
    await user.click(inMain().getByText('What ssh said'));
    expect(inMain().getByText(/Offering public key/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Test again' }));
    expect(await inMain().findByText(/authenticated via ssh key\./)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next' })).toBeTruthy();
  });

  it('can be left and resumed where the user was, with the finished steps still checked', async () => {
    const { user } = await startGuide();
    await user.click(await screen.findByRole('button', { name: 'Create the key' }));
    await h1('Copy your public key');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await h1('Add the key to Bitbucket');

    await user.click(screen.getByRole('button', { name: 'Leave the guide' }));
    await h1('Found the problem');
    await user.click(screen.getByRole('button', { name: 'Create a new SSH key (ed25519) for Bitbucket' }));
    await h1('Add the key to Bitbucket');
    expect(screen.getByRole('list', { name: 'Done so far' }).textContent).toContain(`Created ${KEY.privateKeyPath}`);

    await user.click(screen.getByRole('button', { name: 'Back' }));
    await h1('Copy your public key');
    expect(screen.getByLabelText('Public key').textContent).toBe(KEY.publicKey);
  });

  it('lets a finished step be done again', async () => {
    const { user, fake } = await startGuide();
    await user.click(await screen.findByRole('button', { name: 'Create the key' }));
    await h1('Copy your public key');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await h1('Create an SSH key');
    expect(inMain().getByText(`Created ${KEY.privateKeyPath} (${KEY.fingerprint}).`, { selector: 'p' })).toBeTruthy();
    expect(screen.queryByLabelText('Passphrase (optional)')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Do this step again' }));
    await h1('Copy your public key');
    expect(fake.callsOf('fixApply')).toHaveLength(2);
  });

  it('asks for the key first when the copy step is reached without one', async () => {
    const { user, store } = await startGuide();
    act(() => store.getState().go({ name: 'ssh', step: 'copy' }));
    await h1('Copy your public key');
    expect(inMain().getByText('Create the key first: this step needs its public key.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Create the key' }));
    await h1('Create an SSH key');
  });

  it('shows a failed step with the engine message and keeps the user on it', async () => {
    const { user } = await startGuide({
      ...scenario,
      results: { 'ssh.generate-key': [{ ok: false, error: { code: 'failed', message: 'Could not write /home/jdoe/.ssh/id_ed25519: the folder is read-only.' } }] },
    });
    await user.click(await screen.findByRole('button', { name: 'Create the key' }));
    expect(await inMain().findByText('Could not write /home/jdoe/.ssh/id_ed25519: the folder is read-only.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Create an SSH key' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create the key' })).toBeTruthy();
  });
});

describe('SSH guide keyboard', () => {
  it('confirms a lone field with Enter (the passphrase creates the key)', async () => {
    const { user, fake } = await startGuide();
    await user.click(await screen.findByLabelText('Passphrase (optional)'));
    await user.keyboard('secret words{Enter}');
    await h1('Copy your public key');
    expect(fake.callsOf('fixApply')).toEqual([{ path: GADGETS.path, fixId: 'ssh.generate-key', remote: 'origin', input: { passphrase: 'secret words' } }]);
  });

  it('keeps the primary button focusable but inert while its step runs', async () => {
    const { user, fake } = await startGuide({ ...scenario, holds: ['fixApply'] });
    const create = await screen.findByRole('button', { name: 'Create the key' });
    await user.click(create);
    const working = await screen.findByRole('button', { name: 'Working…' });
    expect(working.getAttribute('aria-disabled')).toBe('true');
    expect((working as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement).toBe(working);
    await user.click(working);
    await user.keyboard('{Enter}');
    act(() => fake.release('fixApply'));
    await h1('Copy your public key');
    expect(fake.callsOf('fixApply')).toHaveLength(1);
  });
});

describe('the switch step goes by what the engine decided about the remote', () => {
  // The URL would say "already on ssh.bitbucket.org": the fields say otherwise, and the guide follows the fields.
  const told = { ...GADGETS, remotes: [{ ...GADGETS.remotes[0]!, switchFix: 'remote.use-ssh' as const, onCloudSshHost: false }] };

  async function atSwitch(repo: typeof GADGETS) {
    const rendered = renderGuide({ ...scenario, repos: [repo], plans: { ...scenario.plans, 'remote.use-ssh': SWITCH_NOT_NEEDED } });
    await act(() => rendered.store.getState().openPath(repo.path));
    await act(async () => {
      rendered.store.getState().startFix('ssh.generate-key', 'origin');
      rendered.store.getState().go({ name: 'ssh', step: 'switch' });
    });
    await h1('Switch the remote to SSH');
    return rendered;
  }

  it('describes the fix the engine chose and words the step by its host decision', async () => {
    const { fake } = await atSwitch(told);
    expect(fake.callsOf('fixDescribe').at(-1)).toEqual({ path: GADGETS.path, fixId: 'remote.use-ssh', remote: 'origin' });
    expect(screen.getByRole('main').textContent).toContain('Last, git needs to push over SSH to ssh.bitbucket.org.');
  });

  it('with the fixture as the engine sends it: the host move, already done', async () => {
    const { fake } = await atSwitch(GADGETS);
    expect(fake.callsOf('fixDescribe').at(-1)).toEqual({ path: GADGETS.path, fixId: 'remote.use-ssh-host', remote: 'origin' });
    expect(screen.getByRole('main').textContent).toContain('The remote already pushes over SSH to ssh.bitbucket.org.');
  });
});
