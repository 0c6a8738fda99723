import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, clipboard, dialog, session, shell, type BrowserWindow } from 'electron';
import { createContext, DEFAULT_TIMEOUT_MS } from '../app/context.js';
import { describeOutcome } from '../app/env/login-shell.js';
import { userEnvironment } from '../app/env/user-environment.js';
import { stopAllCommands } from '../app/exec/run.js';
import type { EngineServices } from '../app/service/engine.js';
import { engineServices } from '../app/service/engine-wiring.js';
import { externalAllowList } from '../app/service/external.js';
import { recoverAtStart } from '../app/service/recovery.js';
import { createService, type HandlerTable } from '../app/service/handlers.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { WindowEvents } from './events.js';
import { registerIpc } from './ipc.js';
import { appOriginOf, mainPaths, pageUrlOf, type MainPaths } from './paths.js';
import { createAppStateStore } from './state.js';
import { createTray, type TrayController } from './tray.js';
import { applySessionPolicy, createMainWindow, hardenWebContents } from './window.js';

/**
 * The folder a launch asks for: the first argument that is not a switch, after the executable (and,
 * when running from source, the app path), resolved against the launch's working directory. Chromium
 * and tools add switches anywhere (a second instance's argv, `electron --inspect=0 .`); they all
 * start with "-". A Linux file manager may pass the folder as a file:// URL (the desktop entry's %U);
 * other URLs are not folders.
 */
export function folderFromArgv(argv: readonly string[], workingDirectory: string, skip: number): string | null {
  const candidate = argv.filter((arg) => arg.length > 0 && !arg.startsWith('-')).slice(skip)[0];
  if (!candidate) return null;
  if (/^file:\/\//i.test(candidate)) {
    try {
      return fileURLToPath(candidate);
    } catch {
      return null;
    }
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(candidate)) return null;
  return path.resolve(workingDirectory, candidate);
}

/** The login shell's environment (once per process), with one log line saying what happened. */
async function loginShellEnv(): Promise<NodeJS.ProcessEnv> {
  const { env, outcome } = await userEnvironment();
  if (outcome.kind === 'failed') console.warn(`Push Doctor: ${describeOutcome(outcome)}`);
  else console.info(`Push Doctor: ${describeOutcome(outcome)}`);
  return env;
}

/** How many leading arguments that are not switches are not the user's: the executable, plus the app path under `electron .`. */
export function argvSkip(): number {
  return process.defaultApp ? 2 : 1;
}

export interface MainProcessOptions {
  engine?: EngineServices;
  paths?: MainPaths;
  /** The environment the engine runs git and ssh with (default: the login shell's, resolved once at start). */
  userEnv?: () => Promise<NodeJS.ProcessEnv>;
  /** This launch's command line and working directory (default: the process's). */
  argv?: readonly string[];
  cwd?: string;
}

export interface MainProcess {
  handlers: HandlerTable;
  window(): BrowserWindow | null;
  tray: TrayController | null;
  /** Shows (creating if needed) and focuses the window. */
  showWindow(): void;
  /** Shows the window and asks the page to open this folder (repo.requested). */
  requestRepository(folder: string): void;
}

/**
 * The app: one instance, one window, a tray. A second launch (or a folder given on its command
 * line, or dropped on the macOS dock icon) focuses the existing window and asks it to open that
 * folder. Closing the window keeps the app in the tray; Quit in the tray ends it.
 * Returns null when another instance already runs (this one quits).
 */
export async function startMainProcess(options: MainProcessOptions = {}): Promise<MainProcess | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // Before ready, or Chromium treats app:// as an opaque, insecure scheme.
  registerAppScheme();
  // Started from Finder, the Dock or a launcher, the app has a minimal environment: ask the user's
  // login shell for theirs now, while Electron gets ready (bounded; falls back to this process's).
  const engineEnv = (options.userEnv ?? loginShellEnv)();
  let quitting = false;
  let mainWindow: BrowserWindow | null = null;
  const events = new WindowEvents();
  const early: string[] = [];
  let mainProcess: MainProcess | null = null;
  const requestRepository = (folder: string) => (mainProcess ? mainProcess.requestRepository(folder) : early.push(folder));

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const folder = folderFromArgv(argv, workingDirectory, argvSkip());
    if (folder) requestRepository(folder);
    else mainProcess?.showWindow();
  });
  // macOS: a folder dropped on the dock icon (may arrive before ready).
  app.on('open-file', (event, file) => {
    event.preventDefault();
    requestRepository(file);
  });
  // Links may open Bitbucket's pages and the Data Center servers declared in Settings (kept current below).
  let declaredHosts: readonly string[] = [];
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, () => externalAllowList(declaredHosts)));
  app.on('before-quit', () => {
    quitting = true;
  });
  // The tray keeps the app alive when the window is closed.
  app.on('window-all-closed', () => {});

  await app.whenReady();
  const paths = options.paths ?? mainPaths();
  const store = createAppStateStore();
  declaredHosts = (await store.settings()).bitbucketHosts;
  store.subscribe((state) => (declaredHosts = state.settings.bitbucketHosts));
  const env = await engineEnv;
  const contextFor = ({ timeoutMs }: { timeoutMs: number }) => createContext({ env, timeoutMs });
  // A fix or undo that was killed half-way (the app or the CLI) is finished or rolled back now.
  const engine = recoverAtStart(options.engine ?? engineServices(), contextFor({ timeoutMs: DEFAULT_TIMEOUT_MS }), console);
  const { handlers, retester } = createService({
    engine,
    store,
    events,
    createContext: contextFor,
    main: {
      clipboard: { writeText: (text) => clipboard.writeText(text) },
      openExternal: (url) => shell.openExternal(url),
      chooseFolder: async () => {
        const result = mainWindow
          ? await dialog.showOpenDialog(mainWindow, { title: 'Choose a repository folder', properties: ['openDirectory'] })
          : await dialog.showOpenDialog({ title: 'Choose a repository folder', properties: ['openDirectory'] });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
    },
  });
  registerIpc(handlers, {
    window: () => mainWindow,
    appOrigin: appOriginOf(paths),
    onRefused: (channel, url) => console.warn(`Push Doctor: refused ${channel} from ${url}`),
  });
  applySessionPolicy(session.defaultSession, { production: paths.devServerUrl === null });
  if (paths.devServerUrl === null) serveRenderer(paths.rendererDir);

  const windowSize = (await store.read()).window;
  const showWindow = () => {
    if (!mainWindow || mainWindow.isDestroyed()) {
      mainWindow = createMainWindow({
        preloadPath: paths.preload,
        url: pageUrlOf(paths),
        size: windowSize,
        onResized: (size) => void store.setWindowSize(size).catch(() => {}),
        isQuitting: () => quitting,
      });
      events.attach(mainWindow);
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  let tray: TrayController | null = null;
  mainProcess = {
    handlers,
    window: () => mainWindow,
    get tray() {
      return tray;
    },
    showWindow,
    requestRepository(folder) {
      showWindow();
      events.emit('repo.requested', { path: folder });
    },
  };

  showWindow();
  try {
    tray = await createTray({ store, retester, iconsDir: paths.trayIcons, showWindow, openRepository: mainProcess.requestRepository, quit: () => app.quit() });
  } catch (error) {
    // Some Linux desktops have no tray; the window still works (and a second launch focuses it).
    console.warn(`Push Doctor: no tray icon (${error instanceof Error ? error.message : String(error)})`);
  }
  await retester.start();
  exposeToSmokeTest(() => tray);
  app.on('activate', showWindow);
  app.on('will-quit', () => {
    retester.dispose();
    tray?.dispose();
    // git and ssh run in their own sessions: a probe still waiting on a silent server would outlive the app.
    stopAllCommands();
  });

  const fromCommandLine = folderFromArgv(options.argv ?? process.argv, options.cwd ?? process.cwd(), argvSkip());
  for (const folder of [...(fromCommandLine ? [fromCommandLine] : []), ...early.splice(0)]) mainProcess.requestRepository(folder);
  return mainProcess;
}

/**
 * `npm run test:electron` drives the app with Playwright, which evaluates code in main but has no
 * way to reach the tray's menu (Electron cannot list trays). Only when it asks, main hands over that
 * menu, to click Quit as a user would. The packaged app's fuses forbid the inspector Playwright needs.
 */
function exposeToSmokeTest(tray: () => TrayController | null): void {
  if (process.env.PUSH_DOCTOR_SMOKE_TEST !== '1') return;
  Object.assign(globalThis, { pushDoctorSmokeTest: { trayMenu: () => tray()?.menu() ?? null } });
}
