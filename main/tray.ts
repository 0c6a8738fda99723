import path from 'node:path';
import { Menu, nativeImage, nativeTheme, Notification, Tray, type MenuItemConstructorOptions } from 'electron';
import type { RecentRepo } from '../app/contract/channels.js';
import type { RepoTestResult } from '../app/contract/fixes.js';
import { trayState, type Retester, type StateChange, type TrayState } from '../app/service/retest.js';
import type { AppState, StateStore } from '../app/service/state-store.js';

export interface TrayOptions {
  store: StateStore;
  retester: Retester;
  /** Folder holding the tray icons (resources/tray, shipped as an extra resource). */
  iconsDir: string;
  showWindow(): void;
  /** Shows the window and asks it to open this repository. */
  openRepository(repoPath: string): void;
  /** "Install command line tool…": links push-doctor on the PATH (macOS, Linux), or says where it is (Windows). */
  installCommandLineTool(): void;
  quit(): void;
  platform?: NodeJS.Platform;
  /** "27 Nov 2026, 14:32" in the user's locale. */
  formatTime?(iso: string): string;
}

const STATE_WORDS: Record<TrayState, string> = {
  ok: 'all good',
  failing: 'something is failing',
  untested: 'not tested yet',
};

const STATUS_MARK: Record<RepoTestResult['status'], string> = { ok: '✓', failing: '✗', error: '!' };

/**
 * Icon file for a state. macOS: a template image (black + alpha, the system tints it for the menu
 * bar); elsewhere a coloured icon drawn for a dark or a light panel. The @2x file next to it is
 * picked up by nativeImage on high-density screens.
 */
export function trayIconPath(iconsDir: string, state: TrayState, platform: NodeJS.Platform, darkPanel: boolean): string {
  if (platform === 'darwin') return path.join(iconsDir, `tray-${state}Template.png`);
  return path.join(iconsDir, `tray-${state}-${darkPanel ? 'dark' : 'light'}.png`);
}

export function defaultFormatTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** The tray menu for the current state; pure, so it is tested directly. */
export function trayMenuTemplate(
  state: AppState,
  running: boolean,
  options: Pick<TrayOptions, 'retester' | 'showWindow' | 'openRepository' | 'installCommandLineTool' | 'quit' | 'formatTime' | 'platform'>,
): MenuItemConstructorOptions[] {
  const format = options.formatTime ?? defaultFormatTime;
  const results: MenuItemConstructorOptions[] = state.recent.map((repo) => ({
    label: resultLabel(repo, format),
    click: () => options.openRepository(repo.path),
  }));
  return [
    {
      label: running ? 'Re-testing…' : 'Re-test connectivity',
      enabled: !running && state.recent.length > 0,
      // Runs in the background; the outcome arrives through the retester's events.
      click: () => void options.retester.run().catch(() => {}),
    },
    { type: 'separator' },
    ...(results.length > 0 ? results : [{ label: 'No repositories yet', enabled: false }]),
    { type: 'separator' },
    { label: 'Open Push Doctor', click: () => options.showWindow() },
    {
      label: 'Recent repositories',
      enabled: state.recent.length > 0,
      submenu: state.recent.map((repo) => ({ label: repo.name, toolTip: repo.path, click: () => options.openRepository(repo.path) })),
    },
    { type: 'separator' },
    // Windows has nothing to link: the entry says where the command is and how to put it on the PATH.
    { label: (options.platform ?? process.platform) === 'win32' ? 'Command line tool…' : 'Install command line tool…', click: () => options.installCommandLineTool() },
    { type: 'separator' },
    { label: 'Quit', click: () => options.quit() },
  ];
}

function resultLabel(repo: RecentRepo, format: (iso: string) => string): string {
  if (!repo.lastResult) return `${repo.name}: not tested yet`;
  return `${STATUS_MARK[repo.lastResult.status]} ${repo.name}: ${repo.lastResult.summary} (${format(repo.lastResult.testedAt)})`;
}

/** "widgets: push works again", "widgets: push fails" */
export function changeNotification(change: StateChange): { title: string; body: string } {
  const what = change.after === 'ok' ? 'push works again' : change.after === 'failing' ? 'push fails now' : 'could not be tested';
  return { title: `${change.name}: ${what}`, body: change.result.summary };
}

export interface TrayController {
  readonly tray: Tray;
  /** The menu the tray shows now (rebuilt on every change). */
  menu(): Menu;
  /** Rebuilds the menu and the icon from the stored state. */
  refresh(): Promise<void>;
  dispose(): void;
}

/**
 * The tray icon and menu. The icon shows the last state of the recent repositories, the menu their
 * last results; a re-test runs in the background and each repository that changes state raises a
 * desktop notification (when the setting allows).
 */
export async function createTray(options: TrayOptions): Promise<TrayController> {
  const platform = options.platform ?? process.platform;
  const iconFor = (state: TrayState) => nativeImage.createFromPath(trayIconPath(options.iconsDir, state, platform, nativeTheme.shouldUseDarkColors));
  const initial = await options.store.read();
  const tray = new Tray(iconFor(trayState(initial.recent)));

  let menu: Menu;
  const render = (state: AppState) => {
    const summary = trayState(state.recent);
    tray.setImage(iconFor(summary));
    tray.setToolTip(`Bitbucket Push Doctor: ${STATE_WORDS[summary]}`);
    // Linux needs setContextMenu again after every change.
    menu = Menu.buildFromTemplate(trayMenuTemplate(state, options.retester.running, options));
    tray.setContextMenu(menu);
  };
  const refresh = async () => render(await options.store.read());

  const notify = async (changes: StateChange[]) => {
    if (changes.length === 0 || !Notification.isSupported()) return;
    if (!(await options.store.settings()).notifyOnChange) return;
    for (const change of changes) {
      const notification = new Notification(changeNotification(change));
      notification.on('click', () => options.openRepository(change.path));
      notification.show();
    }
  };

  const unsubscribeStore = options.store.subscribe(render);
  const unsubscribeRetest = options.retester.subscribe((event) => {
    if (event.type === 'finished') void notify(event.changes);
    void refresh();
  });
  const onTheme = () => void refresh();
  nativeTheme.on('updated', onTheme);
  // Windows and Linux: a click on the icon opens the window; macOS opens the menu.
  if (platform !== 'darwin') tray.on('click', () => options.showWindow());
  render(initial);

  return {
    tray,
    menu: () => menu,
    refresh,
    dispose() {
      unsubscribeStore();
      unsubscribeRetest();
      nativeTheme.removeListener('updated', onTheme);
      tray.destroy();
    },
  };
}
