import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../main/csp.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { applySessionPolicy, createMainWindow, hardenWebContents } = await import('../../main/window.js');
const { externalAllowList } = await import('../../app/service/external.js');

type AnyFn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded listeners
const listener = (emitter: { listeners: Map<string, AnyFn[]> }, event: string) => emitter.listeners.get(event)![0]!;

beforeEach(() => electron.resetFakeElectron());
afterEach(() => vi.useRealTimers());

describe('the main window', () => {
  const open = (overrides: Partial<Parameters<typeof createMainWindow>[0]> = {}) => {
    const sizes: Array<{ width: number; height: number }> = [];
    let quitting = false;
    const window = createMainWindow({
      preloadPath: '/app/out/preload/index.cjs',
      url: 'app://push-doctor/index.html',
      size: null,
      onResized: (size) => sizes.push(size),
      isQuitting: () => quitting,
      ...overrides,
    }) as unknown as InstanceType<typeof electron.FakeBrowserWindow>;
    return { window, sizes, quit: () => (quitting = true) };
  };

  it('isolates and sandboxes the renderer: no Node, no webviews, no insecure content', () => {
    const { window } = open();
    const prefs = window.options.webPreferences;
    expect(prefs).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    });
  });

  it('opens at about 900 × 640, or the remembered size (never below the minimum), and loads the page', () => {
    const first = open();
    expect(first.window.options).toMatchObject({ width: 900, height: 640, minWidth: 640, minHeight: 480, show: false });
    expect(first.window.loaded).toEqual({ url: 'app://push-doctor/index.html' });
    const remembered = open({ size: { width: 1200, height: 800 }, url: 'http://localhost:5173/' });
    expect(remembered.window.options).toMatchObject({ width: 1200, height: 800 });
    expect(remembered.window.loaded).toEqual({ url: 'http://localhost:5173/' });
    expect(open({ size: { width: 300, height: 200 } }).window.options).toMatchObject({ width: 640, height: 480 });
  });

  it('shows when ready, remembers its size after a resize, and only hides on close unless quitting', () => {
    vi.useFakeTimers();
    const { window, sizes, quit } = open();
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);

    window.bounds = { width: 1000, height: 700 };
    window.emit('resize');
    window.emit('resize');
    vi.advanceTimersByTime(1000);
    expect(sizes).toEqual([{ width: 1000, height: 700 }]);

    window.close();
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    quit();
    window.close();
    expect(window.destroyed).toBe(true);
  });
});

describe('web contents hardening', () => {
  const contents = () => {
    const webContents = new electron.FakeWebContents();
    hardenWebContents(webContents as never);
    return webContents;
  };

  it('denies every new window and sends allow-listed https links to the browser', () => {
    const webContents = contents();
    const handler = webContents.windowOpenHandler!;
    expect(handler({ url: 'https://bitbucket.org/account/settings/ssh-keys/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://bitbucket.org/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electron.shell.opened).toEqual(['https://bitbucket.org/account/settings/ssh-keys/']);
  });

  it('opens links to a Data Center server only while the user has it declared', () => {
    let declared: string[] = [];
    const webContents = new electron.FakeWebContents();
    hardenWebContents(webContents as never, () => externalAllowList(declared));
    const handler = webContents.windowOpenHandler!;
    handler({ url: 'https://git.corp.example/projects/PROJ' });
    declared = ['git.corp.example'];
    handler({ url: 'https://git.corp.example/projects/PROJ' });
    expect(electron.shell.opened).toEqual(['https://git.corp.example/projects/PROJ']);
  });

  it('prevents every navigation and redirect, and <webview>', () => {
    const webContents = contents();
    for (const url of ['file:///etc/passwd', 'https://evil.example/', 'https://id.atlassian.com/manage-profile/security/api-tokens']) {
      const event = electron.fakeEvent({ url });
      listener(webContents, 'will-navigate')(event, url);
      expect(event.defaultPrevented, url).toBe(true);
    }
    expect(electron.shell.opened).toEqual(['https://id.atlassian.com/manage-profile/security/api-tokens']);
    const redirect = electron.fakeEvent({ url: 'https://evil.example/' });
    listener(webContents, 'will-redirect')(redirect);
    expect(redirect.defaultPrevented).toBe(true);
    const webview = electron.fakeEvent();
    listener(webContents, 'will-attach-webview')(webview, {}, { src: 'https://evil.example/' });
    expect(webview.defaultPrevented).toBe(true);
  });
});

describe('session policy', () => {
  it('denies every permission request and check', () => {
    const session = new electron.FakeSession();
    applySessionPolicy(session as never, { production: true });
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) session.permissionRequestHandler!({}, permission, (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(session.permissionCheckHandler!({}, 'clipboard-sanitized-write')).toBe(false);
    expect(session.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);
  });

  it('sends the strict CSP header in production only', () => {
    const production = new electron.FakeSession();
    applySessionPolicy(production as never, { production: true });
    let headers: unknown;
    production.headersListener!({ responseHeaders: { 'X-Other': ['1'] } }, (response: { responseHeaders: unknown }) => (headers = response.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });

    const dev = new electron.FakeSession();
    applySessionPolicy(dev as never, { production: false });
    expect(dev.headersListener).toBeNull();
  });
});

describe('content security policy', () => {
  it('is strict: nothing inline, nothing remote, no plugins, no framing', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({ 'default-src': "'none'", 'script-src': "'self'", 'object-src': "'none'", 'base-uri': "'none'", 'frame-ancestors': "'none'" });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
    expect(DEV_CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
  });

  it("is the same string as renderer/index.html's meta tag, less frame-ancestors (which a meta tag cannot carry)", async () => {
    const html = await readFile('renderer/index.html', 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`).toBe(CONTENT_SECURITY_POLICY);
  });
});
