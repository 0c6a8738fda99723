/**
 * The real app in real Electron (`npm run test:electron`; CI runs it on Linux under xvfb, macOS and
 * Windows): Playwright launches the built app (out/) on the Electron binary of node_modules/electron,
 * in a throwaway home and user-data folder. A repository whose git still sends an app password to a
 * Bitbucket-like server is dropped on the window through the preload's drop path, the verdict
 * appears, the report is copied by main and read back from the system clipboard, Settings opens from
 * the header, and Quit in the tray menu ends the app.
 *
 * Where the Electron binary cannot be downloaded (this project's development machines) or there is
 * no display, the test reports itself skipped with the reason.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installedElectronBinary } from '../../scripts/electron-binary.mjs';
import { ensureAppBuilt, PROJECT_ROOT } from '../../scripts/preview/renderer-build.js';
import type { FakeBitbucketHttp } from '../support/bitbucket-http.js';
import { approveCredential, cloudRepo, createHttpsTestBed, type HttpsTestBed } from '../support/https-home.js';

function unavailableReason(): string | null {
  if (!installedElectronBinary()) return 'the Electron binary is not installed (npm run test:electron downloads it where the network allows)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (run it under xvfb-run, as npm run test:electron does when xvfb-run is installed)';
  return null;
}
const unavailable = unavailableReason();

/** A distinctive fake app password: it must never reach the report. */
const APP_PASSWORD = 'ATBBsmokeQ7zR2xLkPmN4sT8vW1yB3dF6hJ9kL0c2A7F3';

/**
 * Drops `folder` on the window the way the OS does: a File backed by that path (set through the
 * DevTools protocol, as a file chooser would) in a drop event, so the page asks the preload
 * (webUtils.getPathForFile) for its path and sends it with repo.drop.
 */
async function dropFolder(page: Page, folder: string): Promise<void> {
  const id = 'push-doctor-smoke-drop';
  await page.evaluate((inputId) => {
    const doc = (globalThis as unknown as { document: { createElement(tag: string): { id: string; type: string; hidden: boolean }; body: { append(node: unknown): void } } }).document;
    const input = doc.createElement('input');
    Object.assign(input, { id: inputId, type: 'file', hidden: true });
    doc.body.append(input);
  }, id);
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `#${id}` });
  await cdp.send('DOM.setFileInputFiles', { nodeId, files: [folder] });
  await cdp.detach();
  await page.evaluate((inputId) => {
    // Runs in the page (this file compiles without the DOM library, hence the casts).
    type Files = { files: ArrayLike<unknown> | null; remove(): void };
    const g = globalThis as unknown as {
      document: { getElementById(id: string): Files; querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null; body: { dispatchEvent(event: unknown): boolean } };
      DataTransfer: new () => { items: { add(file: unknown): void } };
      DragEvent: new (type: string, init: object) => unknown;
    };
    const input = g.document.getElementById(inputId);
    const transfer = new g.DataTransfer();
    transfer.items.add(input.files![0]);
    input.remove();
    const target = g.document.querySelector('.app') ?? g.document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new g.DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, id);
}

describe.skipIf(unavailable)(`the packaged app's flow in real Electron${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let bed: HttpsTestBed;
  let bitbucket: FakeBitbucketHttp;
  let userData: string;
  let app: ElectronApplication | null = null;

  beforeAll(() => ensureAppBuilt(), 120_000);
  beforeEach(async () => {
    bed = await createHttpsTestBed();
    bitbucket = await bed.serve({
      accounts: [{ username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' }],
      repos: { 'acme/widgets.git': { jdoe: 'write' } },
    });
    userData = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-electron-user-data-'));
  });
  afterEach(async () => {
    await app?.close().catch(() => {});
    app = null;
    await bed?.cleanup();
    await rm(userData, { recursive: true, force: true });
  });

  it('drop a repository → verdict → copy the report (system clipboard) → Settings → Quit from the tray', async () => {
    const { home } = bed;
    const repo = await cloudRepo(home, bitbucket);
    await home.git(['config', '--global', 'credential.helper', 'store']);
    await approveCredential(home, repo, `${bitbucket.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);

    app = await _electron.launch({
      args: [PROJECT_ROOT, `--user-data-dir=${userData}`],
      // The display and system settings of this session, the throwaway home's git and ssh.
      env: { ...process.env, ...home.env, PUSH_DOCTOR_SMOKE_TEST: '1' } as Record<string, string>,
      cwd: home.dir,
      timeout: 60_000,
    });
    const page = await app.firstWindow();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent(), { timeout: 30_000 }).toBe('Drop a repository folder here');
    // Served by the app:// protocol, not file://.
    expect(page.url()).toBe('app://push-doctor/index.html');

    // ── Drop → the verdict ──
    await dropFolder(page, repo);
    await expect.poll(() => heading.textContent(), { timeout: 90_000 }).toBe('Found the problem');
    const verdict = page.getByRole('region', { name: 'Verdict' });
    expect(await verdict.textContent()).toContain('Your computer is still sending an app password (ATBB…A7F3).');

    // ── Copy report: main writes the system clipboard (the page has no clipboard permission) ──
    const main = page.getByRole('main');
    await main.getByRole('button', { name: 'Copy report' }).click();
    await main.locator('.copied').waitFor();
    const report = await app.evaluate(({ clipboard }) => clipboard.readText());
    expect(report).toMatch(/^# /);
    expect(report).toContain(repo);
    expect(report).not.toContain(APP_PASSWORD.slice(4, 30));

    // ── Settings, from the header ──
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => heading.textContent()).toMatch(/Settings/);

    // ── Quit from the tray menu ──
    const closed = app.waitForEvent('close', { timeout: 30_000 });
    const quit = await app.evaluate(() => {
      type Item = { label: string; click(): void };
      const hook = (globalThis as unknown as { pushDoctorSmokeTest?: { trayMenu(): { items: Item[] } | null } }).pushDoctorSmokeTest;
      const item = hook?.trayMenu()?.items.find((entry) => entry.label === 'Quit');
      item?.click();
      return item ? 'clicked' : 'no Quit item in the tray menu';
    });
    expect(quit).toBe('clicked');
    await closed;
    app = null;

    expect(errors).toEqual([]);
  });
});
