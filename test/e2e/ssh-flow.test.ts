/**
 * Flow 2, in real Chromium against the real engine and a Bitbucket-like SSH server: a repository
 * whose origin is git@ssh.bitbucket.org:… on a computer with nothing for SSH (no ~/.ssh, no key, no
 * known_hosts). The verdict leads into the SSH guide, which is walked from start to end: create a
 * key → copy the public key (the preview's clipboard gets the .pub line; the test then authorizes
 * it on the fake server, standing in for the user's paste into Bitbucket) → open the SSH keys page
 * (recorded) → trust the host keys (fingerprints shown) → point ssh at the key → `ssh -T` (the
 * greeting shown) → switch the remote → final check → a real `git push` over SSH.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server.js';
import { createHome, type TestHome } from '../support/home.js';
import { homeGit } from '../support/https-home.js';
import { emptySshHome, type EmptySshHome } from '../support/ssh-path.js';
import { CLOUD_REMOTE } from '../support/ssh-scenario.js';
import { chromiumUnavailableReason, openGuide, type GuidePage } from './support/browser.js';
import { missingFixesReason } from './support/fixes.js';

const unavailable = chromiumUnavailableReason() ?? missingFixesReason(['ssh.generate-key', 'ssh.trust-host-keys', 'ssh.configure-host']);

// The setup (homes, servers, the preview) runs only where the browser does.
describe.skipIf(unavailable !== null)(`the SSH guide, end to end${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: TestHome;
  let setup: EmptySshHome;
  let server: PreviewServer;
  let guide: GuidePage | null = null;

  beforeEach(async () => {
    home = await createHome();
    setup = await emptySshHome(home);
    await home.git(['remote', 'set-url', 'origin', CLOUD_REMOTE], setup.repo);
    // The engine fetches "Bitbucket's published host keys" from the local stand-in (a test seam).
    server = await startPreviewServer({ env: home.env, adjustContext: (ctx) => ({ ...ctx, publishedHostKeys: setup.keysServer.source }) });
  });
  afterEach(async () => {
    await guide?.close();
    guide = null;
    await server.stop();
    await setup.stop();
    await home.cleanup();
  });

  it('SSH remote, no key → the whole SSH guide → ssh -T greeting → git push over SSH works', async () => {
    guide = await openGuide(server, 'ssh');
    const { page } = guide;
    const main = guide.main();
    const heading = () => guide!.heading().textContent();
    const primary = main.locator('[data-primary]');
    await guide.step('start');

    // ── Diagnose ──
    await guide.drop([setup.repo]);
    await expect.poll(heading, { timeout: 60_000 }).toBe('Found the problem');
    const verdict = page.getByRole('region', { name: 'Verdict' });
    expect(await verdict.getByRole('heading', { level: 2 }).textContent()).toBe('You have no SSH key that ssh would offer to Bitbucket.');
    expect(await main.locator('.others').textContent()).toContain("ssh does not know ssh.bitbucket.org's host key yet");
    await guide.step('verdict');

    // ── 1. Create the key ──
    await verdict.getByRole('button', { name: 'Create a new SSH key (ed25519) for Bitbucket' }).click();
    await expect.poll(heading).toBe('Create an SSH key');
    const keyFile = path.join(home.sshDir, 'id_ed25519');
    await expect.poll(() => main.getByRole('region', { name: 'Files it will create' }).textContent()).toContain(keyFile);
    expect(await main.getByLabel('Passphrase (optional)').getAttribute('type')).toBe('password');
    await guide.step('generate-plan');
    await primary.click();

    // ── 2. Copy the public key ──
    await expect.poll(heading).toBe('Copy your public key');
    const publicLine = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
    expect(publicLine).toMatch(/^ssh-ed25519 AAAA/);
    expect((await main.getByLabel('Public key').textContent())?.trim()).toBe(publicLine);
    expect(await main.locator('.checked-lines').textContent()).toContain('Create an SSH key:');
    await main.getByRole('button', { name: 'Copy public key' }).click();
    await main.locator('.copied').waitFor();
    expect(server.clipboard).toEqual([publicLine]);
    await guide.step('copy');
    // The user pastes it into Bitbucket: here the fake server authorizes exactly what was copied.
    setup.server.authorize(server.clipboard[0]!, { kind: 'personal' });
    await primary.click();

    // ── 3. Add it on Bitbucket ──
    await expect.poll(heading).toBe('Add the key to Bitbucket');
    await main.getByRole('button', { name: /Open Bitbucket's SSH keys page/ }).click();
    await expect.poll(() => server.opened).toEqual(['https://bitbucket.org/account/settings/ssh-keys/']);
    await expect.poll(() => main.locator('.open-page').textContent()).toContain('https://bitbucket.org/account/settings/ssh-keys/');
    await guide.step('add-key');
    await primary.click();

    // ── 4. Trust Bitbucket's host keys: the fingerprints are shown before anything changes ──
    await expect.poll(heading).toBe("Trust Bitbucket's host keys");
    const details = main.getByRole('list', { name: 'Details' });
    await details.waitFor();
    for (const hostKey of setup.server.hostKeys) expect(await details.textContent()).toContain(hostKey.fingerprint);
    await guide.step('trust-plan');
    await primary.click();
    await expect.poll(heading, { timeout: 30_000 }).toBe('Point ssh at the key');
    const knownHosts = await readFile(path.join(home.sshDir, 'known_hosts'), 'utf8');
    for (const hostKey of setup.server.hostKeys) expect(knownHosts).toContain(hostKey.key);

    // ── 5. Point ssh at the key ──
    await expect.poll(() => main.getByRole('region', { name: 'What will change' }).textContent()).toContain(setup.sshConfig);
    await guide.step('configure-plan');
    await primary.click();

    // ── 6. ssh -T ──
    await expect.poll(heading, { timeout: 30_000 }).toBe('Test the connection');
    await primary.click(); // "Test the connection"
    await expect.poll(() => main.locator('.greeting').textContent(), { timeout: 30_000 }).toMatch(/authenticated via ssh key/);
    // The address ssh connected to (the test's ssh config sends ssh.bitbucket.org to 127.0.0.1).
    expect(await main.locator('.note-ok').first().textContent()).toMatch(/^✓ Bitbucket answered \(127\.0\.0\.1\):/);
    await guide.step('ssh-test');
    await primary.click(); // "Next"

    // ── 7. Switch the remote (already on ssh.bitbucket.org: nothing to change, said so) ──
    await expect.poll(heading).toBe('Switch the remote to SSH');
    await main.locator('.plan').waitFor();
    await guide.step('switch');
    await primary.click();

    // ── 8. Final check ──
    await expect.poll(heading).toBe('Final check');
    await expect.poll(() => main.getByRole('region', { name: 'Verdict' }).textContent(), { timeout: 60_000 }).toContain('Push to Bitbucket works from this computer.');
    const checked = await main.locator('.checked-lines').textContent();
    for (const line of ['Create an SSH key:', 'Copy the public key: You copied the public key.', 'Add the key to Bitbucket:', "Trust Bitbucket's host keys:", 'Point ssh at the key:', 'Test the connection: Bitbucket answered: authenticated via ssh key.', 'Switch the remote to SSH:']) {
      expect(checked).toContain(line);
    }
    await guide.step('verified');

    // ── A real push over SSH with what the guide set up ──
    await writeFile(path.join(setup.repo, 'CHANGES.md'), 'pushed over SSH after Push Doctor\n');
    await home.git(['add', 'CHANGES.md'], setup.repo);
    await home.git(['commit', '-q', '-m', 'after the SSH guide'], setup.repo);
    const push = await homeGit(home, ['push', 'origin', 'HEAD:refs/heads/after-ssh-guide'], setup.repo);
    expect(push.stderr).not.toMatch(/fatal|denied|verification failed/i);
    expect(push.code).toBe(0);
    const head = (await home.git(['rev-parse', 'HEAD'], setup.repo)).trim();
    const serverHead = await homeGit(home, ['--git-dir', path.join(setup.server.reposDir, 'acme', 'widgets.git'), 'rev-parse', 'after-ssh-guide'], home.dir);
    expect(serverHead.stdout.trim()).toBe(head);

    // ── What changed, the report, undo ──
    const configBefore = await readFile(setup.sshConfig, 'utf8');
    await main.getByRole('button', { name: 'See what changed' }).click();
    await expect.poll(heading).toBe('Push works');
    const changed = main.getByRole('region', { name: 'What changed' });
    for (const title of ['Create a new SSH key (ed25519) for Bitbucket', "Trust Bitbucket's published host keys (and remove outdated ones)", 'Tell ssh which key to use for Bitbucket (~/.ssh/config)']) {
      expect(await changed.textContent()).toContain(title);
    }
    await main.getByRole('button', { name: 'Copy report' }).click();
    await main.locator('.copied').waitFor();
    // Main (here the preview server, with the same handler) wrote the report; the page has no clipboard permission.
    const report = server.clipboard.at(-1)!;
    expect(report).toMatch(/^# /);
    expect(report).toContain(setup.repo);
    expect(report).not.toContain('PRIVATE KEY');
    await guide.step('done');
    await main.getByRole('button', { name: 'Undo the last change' }).click();
    await expect.poll(() => main.getByRole('region', { name: 'Undo' }).locator('.note').textContent(), { timeout: 30_000 }).toMatch(/./);
    expect(await main.getByRole('region', { name: 'Undo' }).locator('.note-ok').count()).toBe(1);
    // The last change (IdentityFile for ssh.bitbucket.org) is gone again, byte for byte.
    const configAfter = await readFile(setup.sshConfig, 'utf8');
    expect(configAfter).not.toBe(configBefore);
    expect(configAfter).not.toContain('IdentityFile');
    // The check that said "push works" predates the undo: the screen stops claiming it.
    await expect.poll(heading).toBe('Summary');
    await main.getByRole('button', { name: 'Run the checks again' }).waitFor();
    await guide.step('undone');
    expect(guide.errors).toEqual([]);
  });
});
