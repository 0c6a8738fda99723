/**
 * Repository trust and Settings, in real Chromium against the real engine and a Bitbucket-like SSH
 * server. The dropped repository's own .git/config names its ssh command: a script that leaves a
 * marker, then runs ssh. The guide asks first and shows what would run and where; checking without
 * it runs nothing of it (the marker stays absent, Bitbucket is never contacted); Settings changes
 * the background re-test, notifications and the Data Center servers; trusting the repository runs
 * the command and proves the push; Settings lists and revokes that trust.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server.js';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { createHome, type TestHome } from '../support/home.js';
import { markingSshCommand, timesRun, type MarkerCommand } from '../support/repo-commands.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';
import { chromiumUnavailableReason, openGuide, type GuidePage } from './support/browser.js';

const unavailable = chromiumUnavailableReason();

// The setup (homes, servers, the preview) runs only where the browser does.
describe.skipIf(unavailable !== null)(`repository trust and Settings, end to end${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: TestHome;
  let bitbucket: FakeBitbucketSsh;
  let repo: string;
  let command: MarkerCommand;
  let server: PreviewServer;
  let guide: GuidePage | null = null;

  beforeEach(async () => {
    home = await createHome();
    const scenario = await startCloudScenario(home);
    bitbucket = scenario.server;
    repo = await realpath(scenario.repo);
    bitbucket.authorize((await makeKey(home)).publicLine, { kind: 'personal' });
    command = await markingSshCommand(home);
    await home.git(['config', 'core.sshCommand', command.script], repo);
    server = await startPreviewServer({ env: home.env });
  });
  afterEach(async () => {
    await guide?.close();
    guide = null;
    await server.stop();
    await bitbucket.stop();
    await home.cleanup();
  });

  it("asks before running the repository's own ssh command, checks without it, changes Settings, then trusts it and revokes the trust", async () => {
    guide = await openGuide(server, 'trust-settings');
    const { page } = guide;
    const main = guide.main();
    const heading = () => guide!.heading().textContent();
    await guide.step('start');

    // ── The question, before anything runs ──
    await guide.drop([repo]);
    await expect.poll(heading).toBe('work wants to run a command of its own');
    const item = main.getByRole('list', { name: 'Commands this repository names' }).getByRole('listitem');
    expect(await item.textContent()).toBe(`The SSH program git starts to reach Bitbucket${command.script}Set by core.sshcommand in ${path.join(repo, '.git', 'config')}`);
    await guide.step('trust-question');
    expect(await timesRun(command)).toBe(0);

    // ── Enter: check without it ──
    await page.keyboard.press('Enter');
    await expect.poll(heading, { timeout: 60_000 }).toBe('Not sure yet');
    const verdict = page.getByRole('region', { name: 'Verdict' });
    expect(await verdict.getByRole('heading', { level: 2 }).textContent()).toBe("Push Doctor did not run the commands this repository's own settings name.");
    expect(await main.locator('.check-list').textContent()).toContain("not run: this repository's own core.sshcommand");
    await guide.step('checked-without');
    expect(await timesRun(command)).toBe(0);
    expect(bitbucket.commands).toEqual([]);

    // ── Settings, from the header ──
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(heading).toBe('Settings');
    await main.getByLabel('Re-test recent repositories').selectOption({ label: 'Every hour' });
    await main.getByLabel('Notify me when a repository starts or stops working').uncheck();
    await main.getByLabel('Server (host name, or host:port)').fill('Git.Corp.Example');
    await page.keyboard.press('Enter');
    await expect.poll(() => server.handlers['settings.get']({})).toMatchObject({ ok: true, value: { retestIntervalMinutes: 60, notifyOnChange: false, bitbucketHosts: ['git.corp.example'] } });
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved.');
    expect(await main.getByRole('list', { name: 'Recent repositories' }).textContent()).toContain(repo);
    expect(await main.getByRole('region', { name: 'Repositories trusted to run their own commands' }).textContent()).toContain('None.');
    await guide.step('settings');
    await page.keyboard.press('Escape');
    await expect.poll(heading).toBe('Not sure yet');

    // ── Review and trust: now it runs, and the push is proven ──
    await verdict.getByRole('button', { name: 'Review these commands' }).click();
    await expect.poll(heading).toBe('work wants to run a command of its own');
    await main.getByRole('button', { name: 'Trust this repository and check' }).click();
    await expect.poll(heading, { timeout: 60_000 }).toBe('Push works');
    expect(await timesRun(command)).toBeGreaterThan(0);
    await guide.step('trusted');

    // ── Settings lists the trust; revoking it stops the command ──
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(heading).toBe('Settings');
    const trusted = main.getByRole('region', { name: 'Repositories trusted to run their own commands' });
    await trusted.getByRole('list', { name: 'Commands work may run' }).waitFor();
    expect(await trusted.textContent()).toContain(command.script);
    await guide.step('settings-trusted');
    await trusted.getByRole('button', { name: 'Revoke trust in work' }).click();
    await expect.poll(() => trusted.textContent()).toContain('None.');
    expect(await server.handlers['trust.list']({})).toEqual({ ok: true, value: [] });
    await main.getByRole('button', { name: 'Remove work from recent repositories' }).click();
    await expect.poll(() => main.getByRole('region', { name: 'Recent repositories' }).textContent()).toContain('None.');
    await guide.step('settings-revoked');
    const runs = await timesRun(command);
    expect(await server.handlers['diagnose.run']({ path: repo, runId: 'after-revoke' })).toMatchObject({ ok: true, value: { verdict: 'unknown' } });
    expect(await timesRun(command)).toBe(runs);
    expect(guide.errors).toEqual([]);
  });
});
