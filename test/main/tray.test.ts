import { access } from 'node:fs/promises';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callHandler } from '../../app/service/handlers.js';
import { PROCESS_LIST_UNAVAILABLE, processesWithHome } from './support/processes.js';
import { openServedRepos, type ServedRepos } from './support/served-repos.js';
import { createTestService, type TestService } from './support/service.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { createTray, trayIconPath } = await import('../../main/tray.js');

const ICONS = path.resolve('resources/tray');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Real re-tests: alpha and beta push to a fake Bitbucket over HTTP, each with its own account's token. */
describe('tray', () => {
  let service: TestService;
  let served: ServedRepos;
  /** [alpha, beta] */
  let repos: string[];
  const opened: string[] = [];
  let shown = 0;
  let quits = 0;

  beforeEach(async () => {
    electron.resetFakeElectron();
    service = await createTestService();
    served = await openServedRepos(service, ['alpha', 'beta']);
    repos = served.paths;
    opened.length = 0;
    shown = 0;
    quits = 0;
  });
  afterEach(async () => {
    await service.cleanup();
  });

  const start = (platform: NodeJS.Platform = 'linux') =>
    createTray({
      store: service.store,
      retester: service.retester,
      iconsDir: ICONS,
      platform,
      showWindow: () => void (shown += 1),
      openRepository: (repoPath) => void opened.push(repoPath),
      quit: () => void (quits += 1),
      formatTime: (iso) => `at ${iso.slice(11, 16)}`,
    });
  const tray = () => electron.FakeTray.instances[0]!;
  const menu = () => tray().contextMenu!.template as MenuItemConstructorOptions[];
  const item = (label: string | RegExp) => menu().find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')))!;
  const iconFile = () => (tray().image as { path: string }).path;
  const click = (entry: MenuItemConstructorOptions) => (entry.click as () => void)();
  /** The re-test runs in the background: wait until it finished and the tray re-rendered. */
  const settle = () => vi.waitFor(() => expect(service.retester.running || item(/^Re-test/).label !== 'Re-test connectivity').toBe(false), 5000);
  /** Bitbucket rejects (or again accepts) the token saved for a repository: its account is removed or added back. */
  const revoke = (name: string) => served.server.removeAccount(served.account(name).username);
  const restore = (name: string) => served.server.addAccount(served.account(name));
  const REJECTED = (name: string) => `bitbucket.org refused the API token (ATAT…C3D4) for "${name}-dev".`;

  it('starts "not tested" with the untested icon and a menu of the recent repositories', async () => {
    await start();
    expect(iconFile()).toBe(path.join(ICONS, 'tray-untested-light.png'));
    expect(tray().toolTip).toBe('Bitbucket Push Doctor: not tested yet');
    expect(menu().map((i) => i.label ?? i.type)).toEqual([
      'Re-test connectivity',
      'separator',
      'beta: not tested yet',
      'alpha: not tested yet',
      'separator',
      'Open Push Doctor',
      'Recent repositories',
      'separator',
      'Quit',
    ]);
    expect((item('Recent repositories').submenu as MenuItemConstructorOptions[]).map((i) => i.label)).toEqual(['beta', 'alpha']);
  });

  it('re-tests from the menu in the background, then shows each result with its time and the new icon', async () => {
    await start();
    revoke('alpha');
    click(item('Re-test connectivity'));
    expect(service.retester.running).toBe(true);
    await settle();

    expect(iconFile()).toBe(path.join(ICONS, 'tray-failing-light.png'));
    expect(tray().toolTip).toBe('Bitbucket Push Doctor: something is failing');
    // Both repositories were tested, each against its own repository on the server.
    expect(new Set(served.server.requests.map((r) => r.path.split('/')[2]))).toEqual(new Set(['alpha.git', 'beta.git']));
    expect(menu().map((i) => i.label ?? i.type).slice(2, 4)).toEqual([expect.stringMatching(/^✓ beta: /), expect.stringMatching(/^✗ alpha: /)]);
    expect(item(/^✗ alpha/).label).toMatch(new RegExp(`^✗ alpha: ${escape(REJECTED('alpha'))} \\(at \\d\\d:\\d\\d\\)$`));
    expect(item(/^✓ beta/).label).toMatch(/^✓ beta: Push works \(at \d\d:\d\d\)$/);
    // First results are not changes: no notification yet.
    expect(electron.FakeNotification.instances).toEqual([]);
  });

  it('notifies when a repository changes state, and the notification opens it', async () => {
    await start();
    await service.retester.run();
    revoke('alpha');
    click(item('Re-test connectivity'));
    await settle();
    await vi.waitFor(() => expect(electron.FakeNotification.instances).toHaveLength(1));

    const [notification] = electron.FakeNotification.instances;
    expect(notification!.options).toEqual({ title: 'alpha: push fails now', body: REJECTED('alpha') });
    expect(notification!.shown).toBe(true);
    notification!.emit('click');
    expect(opened).toEqual([repos[0]]);

    restore('alpha');
    await service.retester.run();
    await vi.waitFor(() => expect(electron.FakeNotification.instances).toHaveLength(2));
    expect(electron.FakeNotification.instances[1]!.options.title).toBe('alpha: push works again');
    expect(iconFile()).toBe(path.join(ICONS, 'tray-ok-light.png'));
  });

  it('does not notify when the setting is off', async () => {
    await start();
    await service.retester.run();
    await callHandler(service.handlers, 'settings.set', { notifyOnChange: false });
    revoke('beta');
    await service.retester.run();
    await settle();
    expect(item(/^✗ beta/).label).toContain(REJECTED('beta'));
    // The notification would follow a settings read; give it time to (not) happen.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(electron.FakeNotification.instances).toEqual([]);
  });

  it('opens the window, a recent repository, and quits from the menu', async () => {
    await start();
    click(item('Open Push Doctor'));
    click((item('Recent repositories').submenu as MenuItemConstructorOptions[])[1]!);
    click(item('beta: not tested yet'));
    click(item('Quit'));
    expect(shown).toBe(1);
    expect(opened).toEqual([repos[0], repos[1]]);
    expect(quits).toBe(1);
  });

  it('uses template icons on macOS and dark-panel icons when the system is dark', async () => {
    await start('darwin');
    expect(iconFile()).toBe(path.join(ICONS, 'tray-untestedTemplate.png'));
    electron.FakeTray.instances.length = 0;
    electron.nativeTheme.shouldUseDarkColors = true;
    await start('win32');
    expect(iconFile()).toBe(path.join(ICONS, 'tray-untested-dark.png'));
  });

  it(`disables re-test while one runs and when there is nothing to test${PROCESS_LIST_UNAVAILABLE ? ` (git's waiting process is not checked: ${PROCESS_LIST_UNAVAILABLE})` : ''}`, async () => {
    await start();
    // Bitbucket is slow to answer: the re-test stays in flight until the server goes away.
    served.server.setDelay(60_000);
    const run = service.retester.run();
    await vi.waitFor(() => expect(item(/^Re-test/)).toMatchObject({ label: 'Re-testing…', enabled: false }));
    // git is waiting for Bitbucket's answer.
    if (!PROCESS_LIST_UNAVAILABLE) await vi.waitFor(async () => expect(await processesWithHome(service.home.dir)).not.toEqual([]));
    expect(service.retester.running).toBe(true);
    await served.stop();
    await run;
    await vi.waitFor(() => expect(item(/^Re-test/)).toMatchObject({ label: 'Re-test connectivity', enabled: true }));
    for (const repo of repos) await service.store.removeRecent(repo);
    expect(item(/^Re-test/)).toMatchObject({ enabled: false });
    expect(item('No repositories yet')).toMatchObject({ enabled: false });
  });
});

describe('tray icon files', () => {
  it('exist for every state, in light, dark and macOS template variants, each with @2x', async () => {
    for (const state of ['ok', 'failing', 'untested'] as const) {
      for (const [platform, dark] of [['linux', false], ['win32', true], ['darwin', false]] as const) {
        const file = trayIconPath(ICONS, state, platform, dark);
        await access(file);
        await access(file.replace(/\.png$/, '@2x.png'));
      }
    }
  });
});
