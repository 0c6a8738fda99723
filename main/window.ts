import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { checkExternalUrl, externalAllowList } from '../app/service/external.js';
import type { WindowSize } from '../app/service/state-store.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

export const DEFAULT_WINDOW_SIZE: WindowSize = { width: 900, height: 640 };
export const MIN_WINDOW_SIZE: WindowSize = { width: 640, height: 480 };

export interface MainWindowOptions {
  preloadPath: string;
  /** What to load: the dev server's URL, or the built index.html. */
  load: { url: string } | { file: string };
  size: WindowSize | null;
  onResized(size: WindowSize): void;
  /** Closing only hides the window (the tray keeps the app) unless this says the app is quitting. */
  isQuitting(): boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const size = options.size ?? DEFAULT_WINDOW_SIZE;
  const window = new BrowserWindow({
    width: Math.max(size.width, MIN_WINDOW_SIZE.width),
    height: Math.max(size.height, MIN_WINDOW_SIZE.height),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Bitbucket Push Doctor',
    show: false,
    autoHideMenuBar: true,
    // The renderer is untrusted web content: isolated, sandboxed, no Node, no webviews, no insecure
    // content. Written out here (not built elsewhere) so that static checks see every flag.
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // A folder dropped outside the drop zone must not navigate the window to file://.
      navigateOnDragDrop: false,
      // Middle-click would ask for a new window (denied anyway by the window open handler).
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  const remember = () => {
    const { width, height } = window.getNormalBounds();
    options.onResized({ width, height });
  };
  window.on('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(remember, 500);
  });
  window.on('close', (event) => {
    clearTimeout(resizeTimer);
    remember();
    if (!options.isQuitting()) {
      event.preventDefault();
      window.hide();
    }
  });

  if ('url' in options.load) void window.loadURL(options.load.url);
  else void window.loadFile(options.load.file);
  return window;
}

/**
 * Every web contents of the app (wired through app 'web-contents-created'): no navigation away from
 * the app, no redirects, no new windows (an allow-listed https link opens in the user's browser:
 * Bitbucket's and Atlassian's pages and the Data Center servers the user declared), no <webview>.
 */
export function hardenWebContents(contents: WebContents, allowedHosts: () => readonly string[] = () => externalAllowList([])): void {
  const openOutside = (url: string) => {
    const check = checkExternalUrl(url, allowedHosts());
    if (check.ok) void shell.openExternal(check.url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Session-wide policy: deny every permission (camera, notifications from the page, clipboard read...),
 * and in production a CSP response header. The packaged page loads from file://, which has no
 * response headers, so there renderer/index.html's meta tag (the same string) is what applies; the
 * header covers anything served over http(s).
 */
export function applySessionPolicy(session: Session, options: { production: boolean }): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  if (options.production) {
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
  }
}
