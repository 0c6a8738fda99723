import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { checkExternalUrl, externalAllowList } from '../app/service/external.js';
import type { WindowSize } from '../app/service/state-store.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

export const DEFAULT_WINDOW_SIZE: WindowSize = { width: 900, height: 640 };
export const MIN_WINDOW_SIZE: WindowSize = { width: 640, height: 480 };

export interface MainWindowOptions {
  preloadPath: string;
  /** The page: app://push-doctor/index.html, or the dev server's URL in development. */
  url: string;
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

  void window.loadURL(options.url);
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
 * Session-wide policy: deny every permission (camera, notifications from the page, the clipboard:
 * main writes it, see clipboard.write), and in production a CSP response header on anything served
 * over http(s). The page itself comes from app://, whose handler sends the same header (and
 * renderer/index.html's meta tag carries the same policy).
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
