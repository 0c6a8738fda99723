/**
 * Flow 1, in real Chromium against the real engine and a Bitbucket-like HTTP server: a repository
 * whose git still sends an app password saved in the Secret Service keyring (git's libsecret
 * helper, a real gnome-keyring on a private D-Bus). Drop it → the verdict (app passwords removed on
 * 28 July 2026, with the 410 as evidence) → remove the old saved password (the plan shows what; one
 * confirmed click) → the API token page (recorded, not opened) → username and token in the masked
 * form, tested and saved → the final check says pushing works → a real `git push` succeeds → what
 * changed, the report, undo. Part of it runs with the keyboard only.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNDO_HOST_SUFFIX } from '../../app/fix/undo-secrets.js';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server.js';
import type { FakeBitbucketHttp } from '../support/bitbucket-http.js';
import { createFixBed, KEYRING_UNAVAILABLE, type FixBed } from '../support/fix-bed.js';
import { approveCredential, homeGit } from '../support/https-home.js';
import { chromiumUnavailableReason, openGuide, type GuidePage } from './support/browser.js';
import { missingFixesReason } from './support/fixes.js';

const unavailable = chromiumUnavailableReason() ?? KEYRING_UNAVAILABLE ?? missingFixesReason(['credential.clear', 'credential.save-token']);

// Distinctive fake secrets: neither may ever appear in the page or the report.
const APP_PASSWORD = 'ATBBe2eQ7zR2xLkPmN4sT8vW1yB3dF6hJ9kL0c2A7F3';
const API_TOKEN = 'ATATT3xFfGF0e2eToken7Lm2Zr8Xk4Nv6Bt1Yw9Hs3Jd5Gf0Ka7Ue2Ri4Ow6Pq8=5D1E9B2C';

describe(`the HTTPS guide, end to end${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let bed: FixBed;
  let bitbucket: FakeBitbucketHttp;
  let server: PreviewServer;
  let guide: GuidePage | null = null;

  beforeEach(async (ctx) => {
    if (unavailable) return ctx.skip(unavailable);
    bed = await createFixBed();
    bitbucket = await bed.serve({
      accounts: [
        { username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' },
        { username: 'jdoe', secret: API_TOKEN, kind: 'api-token', scopes: ['read', 'write'] },
      ],
      repos: { 'acme/widgets.git': { jdoe: 'write' } },
    });
    server = await startPreviewServer({ env: bed.home.env, adjustContext: (engineCtx) => ({ ...engineCtx, stateDir: bed.stateDir }) });
  });
  afterEach(async () => {
    await guide?.close();
    guide = null;
    await server?.stop();
    await bed?.cleanup();
  });

  /** The secrets the user's keyring holds for git, as secret-tool lists them (undo keeps the removed one there too, under its own name). */
  const keyringSecrets = async () => (await bed.keyringSecrets()).filter((i) => !i.label.includes(UNDO_HOST_SUFFIX)).map((i) => `secret = ${i.secret}`);

  it('stale app password → verdict → remove it → new API token → verified → git push works', async () => {
    const { home } = bed;
    await bed.route(bitbucket);
    await home.git(['config', '--global', 'credential.helper', 'libsecret']);
    const repo = await home.repo('widgets');
    await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    await approveCredential(home, repo, `${bitbucket.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);
    expect(await keyringSecrets()).toEqual([`secret = ${APP_PASSWORD}`]);

    guide = await openGuide(server, 'https');
    const { page } = guide;
    const main = guide.main();
    const heading = () => guide!.heading().textContent();
    await guide.step('start');

    // ── Diagnose: each check appears as it runs (progress events over the preview's event stream) ──
    bitbucket.setDelay(4000);
    await guide.drop([repo]);
    await expect.poll(heading).toBe('Checking widgets…');
    const checks = main.getByRole('region', { name: 'Checks' });
    await expect.poll(async () => [await checks.locator('.badge-ok').count() > 0, await checks.locator('.badge-running').count() > 0]).toEqual([true, true]);
    // While Bitbucket is slow to answer, the finished local checks and the running probes are shown.
    await guide.step('checking');
    bitbucket.setDelay(0);
    await expect.poll(heading, { timeout: 60_000 }).toBe('Found the problem');
    const verdict = page.getByRole('region', { name: 'Verdict' });
    const verdictText = await verdict.textContent();
    expect(verdictText).toContain('Your computer is still sending an app password (ATBB…A7F3).');
    expect(verdictText).toContain('Bitbucket removed app passwords on 28 July 2026');
    await guide.step('verdict');
    await verdict.getByText('Why we think so').click();
    await expect.poll(() => verdict.locator('.evidence').textContent()).toMatch(/410|App passwords are deprecated/);
    await guide.step('verdict-evidence');

    // ── Remove the old saved password: the plan says what goes, one confirmed click ──
    await verdict.getByRole('button', { name: 'Remove the old saved password for Bitbucket' }).click();
    await expect.poll(heading).toBe('Remove the old password');
    const removal = main.getByRole('region', { name: 'What will be removed' });
    await removal.waitFor();
    expect(await removal.textContent()).toMatch(/jdoe/);
    await guide.step('clear-plan');
    await main.locator('[data-primary]').click();
    // Done: the guide moves on, with the step's checked line on top.
    await expect.poll(heading, { timeout: 30_000 }).toBe('Create an API token');
    expect(await main.locator('.checked-lines').textContent()).toMatch(/Remove the old password:/);
    expect(await keyringSecrets()).toEqual([]);

    // ── Keyboard only from here to the saved token: Escape, Enter, Tab ──
    await page.keyboard.press('Escape'); // back to the finished step: it says what it did
    await expect.poll(heading).toBe('Remove the old password');
    await main.locator('.note-ok').waitFor();
    await guide.step('clear-done');
    await page.keyboard.press('Enter'); // "Next" (focus is on the step's heading)
    await expect.poll(heading).toBe('Create an API token');
    expect(await main.locator('.scopes').textContent()).toMatch(/read:repository:bitbucket.*write:repository:bitbucket/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "Open Atlassian's API token page"
    await expect.poll(() => server.opened.length).toBe(1);
    expect(server.opened[0]).toMatch(/^https:\/\/id\.atlassian\.com\//);
    await expect.poll(() => main.locator('.open-page').textContent()).toContain(server.opened[0]!);
    await guide.step('token-page');
    await guide.tabTo(main.getByRole('button', { name: 'I have my token' }));
    await page.keyboard.press('Enter');
    await expect.poll(heading).toBe('Enter your username and token');

    await guide.tabTo(main.getByRole('textbox', { name: 'Bitbucket username' }));
    await page.keyboard.type('jdoe');
    const token = main.getByLabel('API token', { exact: true });
    await guide.tabTo(token);
    expect(await token.getAttribute('type')).toBe('password');
    await page.keyboard.type(API_TOKEN);
    await guide.step('token-form');
    await page.keyboard.press('Enter'); // submits "Test and save"

    // ── Final check ──
    await expect.poll(heading, { timeout: 60_000 }).toBe('Final check');
    await expect.poll(() => main.getByRole('region', { name: 'Verdict' }).textContent(), { timeout: 60_000 }).toContain('Push to Bitbucket works from this computer.');
    expect(await main.locator('.checked-lines').textContent()).toMatch(/Test and save the token:/);
    await guide.step('verified');

    // Neither secret is anywhere in the page, and only the token is saved now.
    const html = await page.content();
    for (const secret of [APP_PASSWORD, API_TOKEN]) expect(html).not.toContain(secret.slice(4, 24));
    expect(await keyringSecrets()).toEqual([`secret = ${API_TOKEN}`]);

    // ── A real push with what was saved ──
    await writeFile(path.join(repo, 'CHANGES.md'), 'pushed after Push Doctor\n');
    await home.git(['add', 'CHANGES.md'], repo);
    await home.git(['commit', '-q', '-m', 'after the fix'], repo);
    const push = await homeGit(home, ['push', 'origin', 'HEAD:refs/heads/after-push-doctor'], repo);
    expect(push.stderr).not.toMatch(/fatal|denied|Invalid credentials/);
    expect(push.code).toBe(0);
    const head = (await home.git(['rev-parse', 'HEAD'], repo)).trim();
    const serverHead = await homeGit(home, ['--git-dir', bitbucket.repoDir('acme/widgets.git'), 'rev-parse', 'after-push-doctor'], home.dir);
    expect(serverHead.stdout.trim()).toBe(head);

    // ── What changed, the report (redacted), undo ──
    await main.getByRole('button', { name: 'See what changed' }).click();
    await expect.poll(heading).toBe('Push works');
    const changed = await main.getByRole('region', { name: 'What changed' }).textContent();
    expect(changed).toContain('Remove the old saved password for Bitbucket');
    expect(changed).toContain('Save a new Bitbucket API token (tested before it is saved)');
    await main.getByRole('button', { name: 'Copy report' }).click();
    await main.locator('.copied').waitFor();
    // Main (here the preview server, with the same handler) wrote the report; the page has no clipboard permission.
    const report = server.clipboard.at(-1)!;
    expect(report).toMatch(/^# /);
    for (const secret of [APP_PASSWORD, API_TOKEN]) expect(report).not.toContain(secret.slice(4, 24));
    await guide.step('done');
    await main.getByRole('button', { name: 'Undo the last change' }).click();
    await main.getByRole('region', { name: 'Undo' }).locator('.note-ok').waitFor({ timeout: 30_000 });
    // The saved token is gone again; the old app password stays removed (that was an earlier change).
    expect(await keyringSecrets()).toEqual([]);
    await expect.poll(heading).toBe('Summary');
    await guide.step('undone');

    // ── Back to Start: the repository is in the recent list with its last result ──
    await main.getByRole('button', { name: 'Check another repository' }).click();
    await expect.poll(heading).toBe('Drop a repository folder here');
    const recent = main.getByRole('region', { name: 'Recent repositories' });
    await expect.poll(() => recent.textContent()).toContain('widgets');
    expect(await recent.textContent()).toContain(repo);
    // Summarised like a re-test: the push works (the finding's own title is in the report).
    expect(await recent.textContent()).toContain('OK Push works');
    await guide.step('start-recent');
    expect(guide.errors).toEqual([]);
  });
});
