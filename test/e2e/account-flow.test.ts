/**
 * The account link, in real Chromium against the real engine (through the browser preview): a
 * Secret Service on a private D-Bus session, the fake Bitbucket REST API (reached through the
 * engine's `bitbucketApi` seam, set by the preview's test-only `adjustContext`) and a Bitbucket-like
 * SSH server that accepts the keys on that API's accounts. A computer with nothing for SSH and a
 * repository on ssh.bitbucket.org: the SSH guide creates a key → offers to connect the account →
 * Connect (email and API token, verified, stored in the keyring) → "Add this key to my account" →
 * host keys → ssh config → `ssh -T` greeting → final check → a real `git push` over SSH; then
 * Settings shows the link and unlinks it (confirmed).
 *
 * A distinctive token is planted and searched for after every step: in the page's HTML and text,
 * every input, the guide's zustand state, and every answer the page received.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Response } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_LINK_SCOPES } from '../../app/contract/facts.js';
import { LINKS } from '../../app/facts/bitbucket.js';
import { callHandler } from '../../app/service/handlers.js';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server.js';
import { fakeApiToken, startFakeBitbucketApi, type FakeBitbucketApi } from '../support/bitbucket-api.js';
import { createHome, type TestHome } from '../support/home.js';
import { homeGit } from '../support/https-home.js';
import { keyringUnavailableReason, startKeyring, type TestKeyring } from '../support/keyring.js';
import { emptySshHome, type EmptySshHome } from '../support/ssh-path.js';
import { CLOUD_REMOTE } from '../support/ssh-scenario.js';
import { chromiumUnavailableReason, openGuide, type GuidePage } from './support/browser.js';

const unavailable = chromiumUnavailableReason() ?? keyringUnavailableReason();
const TOKEN = fakeApiToken('E2eUiPlantedToken');
const MARK = TOKEN.slice(12, 44);
const EMAIL = 'jdoe@example.com';

/** Everything the page holds that could show or keep the token. Runs in the page. */
function pageSurfaces(): { html: string; text: string; inputs: string[]; state: string } {
  // The guide's store, found through React's fiber tree (test-only: the app exposes nothing for this).
  type Fiber = { child: Fiber | null; sibling: Fiber | null; memoizedProps?: { store?: { getState(): unknown } } | null };
  const doc = (globalThis as unknown as { document: { getElementById(id: string): object | null; body: { innerHTML: string; innerText: string }; querySelectorAll(s: string): ArrayLike<{ value: string }> } }).document;
  const root = doc.getElementById('root') as Record<string, Fiber> | null;
  const key = root ? Object.keys(root).find((k) => k.startsWith('__reactContainer$')) : undefined;
  let state = '';
  const stack: Fiber[] = key ? [root![key]!] : [];
  while (stack.length > 0) {
    const fiber = stack.pop()!;
    const store = fiber.memoizedProps?.store;
    if (store && typeof store.getState === 'function') {
      state = JSON.stringify(store.getState());
      break;
    }
    if (fiber.child) stack.push(fiber.child);
    if (fiber.sibling) stack.push(fiber.sibling);
  }
  return { html: doc.body.innerHTML, text: doc.body.innerText, inputs: Array.from(doc.querySelectorAll('input')).map((i) => i.value), state };
}

describe(`the account link in the app, end to end${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: TestHome;
  let keyring: TestKeyring;
  let api: FakeBitbucketApi;
  let setup: EmptySshHome;
  let server: PreviewServer;
  let guide: GuidePage | null = null;

  beforeEach(async (ctx) => {
    if (unavailable) return ctx.skip();
    home = await createHome();
    // The preview runs the engine in this process: @napi-rs/keyring connects to the bus named in process.env.
    keyring = await startKeyring(home.env, { inProcess: true });
    Object.assign(home.env, keyring.env);
    api = await startFakeBitbucketApi();
    api.store.addAccount({ username: 'jdoe', email: EMAIL, token: TOKEN, displayName: 'Jane Doe' });
    setup = await emptySshHome(home, { accountKeys: () => api.store.keys.map((k) => ({ line: k.line, username: api.store.ownerOf(k)?.username ?? '' })) });
    await home.git(['remote', 'set-url', 'origin', CLOUD_REMOTE], setup.repo);
    server = await startPreviewServer({
      env: home.env,
      adjustContext: (ctx) => ({ ...ctx, publishedHostKeys: setup.keysServer.source, bitbucketApi: { cloudBaseUrl: api.baseUrl, caCertificates: [api.ca] } }),
    });
  });
  afterEach(async () => {
    if (unavailable) return;
    await guide?.close();
    guide = null;
    await server.stop();
    await setup.stop();
    await api.stop();
    await keyring.stop();
    await home.cleanup();
  });

  it('SSH guide → Connect → "Add this key to my account" → ssh -T → git push over SSH; Settings shows the link and unlinks it; the token is nowhere', async () => {
    guide = await openGuide(server, 'account');
    const { page } = guide;
    const main = guide.main();
    const heading = () => guide!.heading().textContent();
    const primary = main.locator('[data-primary]');
    // Every answer the page gets from the engine (the preview's stand-in for IPC results).
    const answers: Array<Promise<string>> = [];
    page.on('response', (response: Response) => {
      if (response.url().includes('/api/request/')) answers.push(response.text());
    });
    const expectNoToken = async (where: string) => {
      const seen = await page.evaluate(pageSurfaces);
      expect(seen.state, `${where}: the store was not found`).toContain('"screen"');
      for (const [surface, text] of Object.entries({ html: seen.html, text: seen.text, inputs: seen.inputs.join('\n'), state: seen.state })) {
        expect(text.includes(MARK), `${where}: the token is in the page's ${surface}`).toBe(false);
      }
      expect((await Promise.all(answers)).join('\n').includes(MARK), `${where}: the token is in an answer`).toBe(false);
    };
    const step = async (name: string) => {
      await guide!.step(name);
      await expectNoToken(name);
    };

    // ── No key yet: the SSH guide ──
    await guide.drop([setup.repo]);
    await expect.poll(heading, { timeout: 60_000 }).toBe('Found the problem');
    await page.getByRole('region', { name: 'Verdict' }).getByRole('button', { name: 'Create a new SSH key (ed25519) for Bitbucket' }).click();
    await expect.poll(heading).toBe('Create an SSH key');
    await main.getByRole('region', { name: 'Files it will create' }).waitFor();
    await primary.click();
    await expect.poll(heading).toBe('Copy your public key');
    const keyFile = path.join(home.sshDir, 'id_ed25519');
    const publicLine = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
    await primary.click(); // Next

    // ── Add the key: without a link, the copy-and-paste path and the offer to connect ──
    await expect.poll(heading).toBe('Add the key to Bitbucket');
    const connectOffer = main.getByRole('button', { name: 'Connect your Bitbucket account…' });
    await connectOffer.waitFor({ timeout: 30_000 });
    expect(await main.getByRole('button', { name: 'I added the key' }).count()).toBe(1);
    await step('add-without-link');
    await connectOffer.click();

    // ── Connect: the scopes from the facts, Atlassian's page, the masked token ──
    await expect.poll(heading).toBe('Connect your Bitbucket account');
    const scopes = await main.getByRole('list', { name: 'Scopes to tick' }).textContent();
    for (const { scope } of ACCOUNT_LINK_SCOPES) expect(scopes).toContain(scope);
    await main.getByRole('button', { name: /Open Atlassian's API token page/ }).click();
    await expect.poll(() => server.opened).toEqual([LINKS.createApiToken]);
    await main.getByLabel('Atlassian account email').fill(EMAIL);
    const tokenField = main.getByLabel('API token', { exact: true });
    expect(await tokenField.getAttribute('type')).toBe('password');
    expect(await tokenField.getAttribute('autocomplete')).toBe('off');
    await guide.tabTo(tokenField);
    await page.keyboard.type(TOKEN);
    // Masked on screen: the screenshot shows dots (the value is in the field until it is sent).
    await guide.step('connect-filled');
    await page.keyboard.press('Enter');
    expect(await tokenField.inputValue().catch(() => '')).toBe('');

    // ── Back at the step, connected: Push Doctor adds the key ──
    await expect.poll(heading, { timeout: 30_000 }).toBe('Add the key to Bitbucket');
    await expect.poll(() => page.locator('[role=status]').textContent()).toBe('Connected to Bitbucket Cloud as jdoe (Jane Doe).');
    await main.getByText('jdoe (Jane Doe)').waitFor();
    await expectNoToken('connected');
    await main.getByRole('button', { name: 'Add this key to my account' }).click();
    await main.getByText('Added the key to your Bitbucket account.').waitFor({ timeout: 30_000 });
    expect(api.store.keys.map((k) => k.line)).toEqual([publicLine.split(' ').slice(0, 2).join(' ')]);
    const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec((await main.textContent()) ?? '')?.[0];
    expect(fingerprint).toBeTruthy();
    await step('key-added');
    await primary.click(); // Next

    // ── Host keys, ssh config, ssh -T ──
    await expect.poll(heading).toBe("Trust Bitbucket's host keys");
    await main.getByRole('list', { name: 'Details' }).waitFor();
    await primary.click();
    await expect.poll(heading, { timeout: 30_000 }).toBe('Point ssh at the key');
    await main.getByRole('region', { name: 'What will change' }).waitFor();
    await primary.click();
    await expect.poll(heading, { timeout: 30_000 }).toBe('Test the connection');
    await primary.click();
    await expect.poll(() => main.locator('.greeting').textContent(), { timeout: 30_000 }).toMatch(/authenticated via ssh key/);
    await step('ssh-test');
    await primary.click(); // Next
    await expect.poll(heading).toBe('Switch the remote to SSH');
    await main.locator('.plan').waitFor();
    await primary.click();

    // ── Final check, with the account checks: the key ssh offers is on the account ──
    await expect.poll(heading).toBe('Final check');
    await expect.poll(() => main.getByRole('region', { name: 'Verdict' }).textContent(), { timeout: 60_000 }).toContain('Push to Bitbucket works from this computer.');
    expect(await main.locator('.checked-lines').textContent()).toContain(`Add the key to Bitbucket: Added the key to your Bitbucket account. (${fingerprint})`);
    expect(await main.locator('.check-list').textContent()).toContain('SSH keys on your Bitbucket account');
    await step('verified');

    // ── A real push over SSH ──
    await writeFile(path.join(setup.repo, 'CHANGES.md'), 'pushed over SSH with the key Push Doctor added to the account\n');
    await home.git(['add', 'CHANGES.md'], setup.repo);
    await home.git(['commit', '-q', '-m', 'after the account guide'], setup.repo);
    const push = await homeGit(home, ['push', 'origin', 'HEAD:refs/heads/after-account-guide'], setup.repo);
    expect(push.stderr).not.toMatch(/fatal|denied|verification failed/i);
    expect(push.code).toBe(0);

    // ── Settings: the link, then Unlink (asked first) ──
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(heading).toBe('Settings');
    const account = main.getByRole('region', { name: 'Your Bitbucket account' });
    await account.getByText('jdoe (Jane Doe)').waitFor({ timeout: 30_000 });
    const facts = (await account.locator('dl').textContent()) ?? '';
    expect(facts).toContain(EMAIL);
    expect(facts).toContain('Accepted');
    expect(facts).toContain('In the system keychain');
    await step('settings-linked');
    await account.getByRole('button', { name: 'Unlink Bitbucket Cloud…' }).click();
    await step('unlink-confirm');
    await account.getByRole('button', { name: 'Unlink', exact: true }).click();
    await account.getByText('Not linked').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[role=status]').textContent()).toBe('Unlinked bitbucket.org: the token was removed from the system keychain.');
    // Gone from the keyring: the engine finds nothing.
    expect(await callHandler(server.handlers, 'account.status', {})).toMatchObject({ ok: true, value: { linked: false, keyring: 'none' } });
    await step('unlinked');
    expect(guide.errors).toEqual([]);
  });
});
