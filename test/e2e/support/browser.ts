/**
 * Real Chromium (Debian's /usr/bin/chromium driven by playwright-core, never a downloaded browser)
 * against the browser preview: a fresh profile per test, screenshots of every step in light and
 * dark, axe-core on every screen in both, and the page's console errors collected (a CSP violation
 * or a failed request shows up there).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../../scripts/preview/renderer-build.js';
import type { PreviewHook } from '../../../scripts/preview/preview-hook.js';
import type { PreviewServer } from '../../../scripts/preview/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_SCRIPT = path.join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js');
export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-output', 'e2e');
/** The app window's default size (main/window.ts). */
const VIEWPORT = { width: 900, height: 640 };

/** Why the browser tests cannot run here, or null. */
export function chromiumUnavailableReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
  if (!existsSync(AXE_SCRIPT)) return 'axe-core is not installed';
  return null;
}

export interface GuidePage {
  page: Page;
  /** Errors the page logged (console.error, uncaught exceptions, CSP violations). */
  errors: string[];
  /** Saves NN-<step>.png (light) and NN-<step>.dark.png, and checks both with axe-core. */
  step(name: string): Promise<void>;
  /** Drops items on the window through the preview's path map (null: an item without a path). */
  drop(paths: Array<string | null>): Promise<void>;
  /** Presses Tab (at most 12 times) until `target` has the focus: keyboard-only navigation. */
  tabTo(target: Locator): Promise<void>;
  /** The current screen's heading. */
  heading(): Locator;
  /** The screen (main landmark), where each step's content is. */
  main(): Locator;
  close(): Promise<void>;
}

/**
 * Opens the guide from the preview's address (with its token) in a fresh Chromium profile.
 * Screenshots go to test-output/e2e/<flow>/, emptied first.
 */
export async function openGuide(server: PreviewServer, flow: string): Promise<GuidePage> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-chromium-'));
  const shots = path.join(SCREENSHOTS, flow);
  await rm(shots, { recursive: true, force: true });
  await mkdir(shots, { recursive: true });
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: VIEWPORT,
      colorScheme: 'light',
      reducedMotion: 'reduce',
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  // Injected through the DevTools protocol, which the page's CSP does not apply to.
  await context.addInitScript({ path: AXE_SCRIPT });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1 }).waitFor();

  let count = 0;
  const guide: GuidePage = {
    page,
    errors,
    async step(name) {
      count += 1;
      const base = path.join(shots, `${String(count).padStart(2, '0')}-${name}`);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: `${base}${scheme === 'dark' ? '.dark' : ''}.png`, fullPage: true });
        const violations = await axeViolations(page);
        if (violations.length > 0) throw new Error(`axe-core found ${violations.length} problem(s) on "${name}" (${scheme}):\n${violations.join('\n')}`);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    },
    async drop(paths) {
      await page.evaluate((items) => (globalThis as unknown as { pushDoctorPreview: PreviewHook }).pushDoctorPreview.drop(items), paths);
    },
    async tabTo(target) {
      for (let i = 0; i < 12; i++) {
        if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${String(target)}`);
    },
    heading: () => page.getByRole('heading', { level: 1 }),
    main: () => page.getByRole('main'),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  return guide;
}

/** axe-core's violations on the whole document (colour contrast included: Chromium renders it). */
export async function axeViolations(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    // Runs in the page (this file compiles without the DOM library, hence the casts).
    type Violation = { id: string; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> };
    const page = globalThis as unknown as { document: unknown; axe: { run(context: unknown, options: object): Promise<{ violations: Violation[] }> } };
    const results = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return results.violations.map((v) => `${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`);
  });
}
