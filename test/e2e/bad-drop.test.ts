/**
 * Flow 3, in real Chromium against the real engine: things that are not a repository folder are
 * dropped on the window. Each gets a clear message on the Start screen, and nothing else happens:
 * no diagnosis, no recent entry, no page opened, no file changed in the home.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server.js';
import { createHome, type TestHome } from '../support/home.js';
import { snapshotTree } from '../support/tree.js';
import { chromiumUnavailableReason, openGuide, type GuidePage } from './support/browser.js';

const unavailable = chromiumUnavailableReason();

// The setup (homes, servers, the preview) runs only where the browser does.
describe.skipIf(unavailable !== null)(`bad drops in the guide${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: TestHome;
  let server: PreviewServer;
  let guide: GuidePage | null = null;

  beforeEach(async () => {
    home = await createHome();
    server = await startPreviewServer({ env: home.env });
  });
  afterEach(async () => {
    await guide?.close();
    guide = null;
    await server.stop();
    await home.cleanup();
  });

  it('a dropped file, a plain folder, several items: a clear message each, and nothing else happens', async () => {
    const file = path.join(home.dir, 'notes.txt');
    await writeFile(file, 'not a repository\n');
    const before = await snapshotTree(home.dir);
    guide = await openGuide(server, 'bad-drop');
    const { page } = guide;

    await expect.poll(() => guide!.heading().textContent()).toBe('Drop a repository folder here');
    await guide.step('start');

    // Keyboard only: Tab reaches "Choose folder…"; the preview has no folder dialog, so nothing opens.
    await page.keyboard.press('Tab');
    const chooser = guide.main().getByRole('button', { name: 'Choose folder…' });
    await expect.poll(() => chooser.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => chooser.isEnabled()).toBe(true);
    expect(await guide.main().getByRole('alert').count()).toBe(0);

    await guide.drop([file]);
    const alert = guide.main().locator('.note-error');
    await expect.poll(() => alert.textContent()).toContain(`${file} is a file, not a folder.`);
    expect(await alert.textContent()).toContain('Drop a folder, not a file');
    expect(await guide.heading().textContent()).toBe('Drop a repository folder here');
    await guide.step('file-dropped');

    await guide.drop([home.sshDir]);
    await expect.poll(() => alert.textContent()).toContain(`${home.sshDir} is not inside a git repository.`);
    await guide.step('plain-folder-dropped');

    await guide.drop([file, home.sshDir]);
    await expect.poll(() => alert.textContent()).toBe('✗ You dropped 2 items. Drop one repository folder at a time.');
    await guide.step('several-items-dropped');

    await guide.drop([null]);
    await expect.poll(() => alert.textContent()).toContain('Push Doctor could not tell where that item is on your computer.');
    expect(await alert.textContent()).toContain('Drop a folder, not a file');
    await guide.step('text-dropped');

    // Nothing else happened: still on Start, nothing remembered, opened, copied or written.
    expect(await guide.heading().textContent()).toBe('Drop a repository folder here');
    expect(await page.getByRole('heading', { name: 'Recent repositories' }).count()).toBe(0);
    expect(await server.handlers['recent.list']({})).toEqual({ ok: true, value: [] });
    expect(server.opened).toEqual([]);
    expect(server.clipboard).toEqual([]);
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect(guide.errors).toEqual([]);
  });
});
