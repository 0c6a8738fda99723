/* eslint-disable @typescript-eslint/no-explicit-any -- a stand-in for electron: listeners take anything */
/**
 * A small stand-in for the `electron` module, used with `vi.mock('electron', ...)` in main-process tests:
 * the Electron binary cannot run here, and main's own code is what is under test. Each object
 * records what main asked of it. Only the members main uses exist.
 */
type Listener = (...args: any[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An event object like Electron's: preventDefault is recorded. */
export function fakeEvent<T extends object>(fields: T = {} as T): T & { defaultPrevented: boolean; preventDefault(): void } {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeWebFrame {
  constructor(
    public url: string,
    public parent: FakeWebFrame | null = null,
    public processId = 1,
    public routingId = 1,
  ) {}
}

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  headersListener: Listener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: Listener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: Listener) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener) {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Listener) {
    this.devicePermissionHandler = handler;
  }
}

export class FakeWebContents extends Emitter {
  mainFrame = new FakeWebFrame('app://push-doctor/index.html');
  session = new FakeSession();
  windowOpenHandler: Listener | null = null;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  setWindowOpenHandler(handler: Listener) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
}

export class FakeBrowserWindow extends Emitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: { url: string } | null = null;
  visible = false;
  focused = false;
  destroyed = false;
  minimized = false;
  bounds: { width: number; height: number };
  constructor(readonly options: Record<string, any>) {
    super();
    this.bounds = { width: options.width, height: options.height };
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loaded = { url };
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused = true;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { x: 0, y: 0, ...this.bounds };
  }
  /** What the user's close button does: 'close' (may be prevented), then 'closed'. */
  close() {
    const event = fakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.destroyed = true;
      this.emit('closed');
    }
  }
}

class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, handler: Listener) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

class FakeApp extends Emitter {
  isPackaged = false;
  lockAvailable = true;
  quitCalls = 0;
  exitCodes: number[] = [];
  paths: Record<string, string> = {};
  appPath = '/app';
  requestSingleInstanceLock() {
    return this.lockAvailable;
  }
  getPath(name: string) {
    const value = this.paths[name];
    if (!value) throw new Error(`fake app: no path for ${name}`);
    return value;
  }
  getAppPath() {
    return this.appPath;
  }
  /** Set once whenReady was called (main waits for it right away): what must happen before ready, cannot after. */
  ready = false;
  whenReady() {
    this.ready = true;
    return Promise.resolve();
  }
  quit() {
    this.quitCalls += 1;
  }
  exit(code = 0) {
    this.exitCodes.push(code);
  }
}

export class FakeTray extends Emitter {
  static instances: FakeTray[] = [];
  image: unknown;
  contextMenu: { template: any[] } | null = null;
  toolTip = '';
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: unknown) {
    this.image = image;
  }
  setContextMenu(menu: { template: any[] }) {
    this.contextMenu = menu;
  }
  setToolTip(text: string) {
    this.toolTip = text;
  }
  destroy() {
    this.destroyed = true;
  }
}

export class FakeNotification extends Emitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported() {
    return FakeNotification.supported;
  }
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  show() {
    this.shown = true;
  }
}

class FakeIpcRenderer extends Emitter {
  readonly invoked: Array<{ channel: string; payload: unknown }> = [];
  invoke(channel: string, payload: unknown) {
    this.invoked.push({ channel, payload });
    return Promise.resolve({ ok: true, value: { channel } });
  }
}

// ─── The module's exports (named like electron's) ─────────────────────────────────────────────────

export const app = new FakeApp();
export const ipcMain = new FakeIpcMain();
export const ipcRenderer = new FakeIpcRenderer();
export const BrowserWindow = FakeBrowserWindow;
export const Tray = FakeTray;
export const Notification = FakeNotification;
export const Menu = { buildFromTemplate: (template: any[]) => ({ template }) };
export const nativeImage = { createFromPath: (path: string) => ({ path }) };
export const nativeTheme = Object.assign(new Emitter(), { shouldUseDarkColors: false });
export const session = { defaultSession: new FakeSession() };
export const shell = {
  opened: [] as string[],
  openExternal(url: string) {
    shell.opened.push(url);
    return Promise.resolve();
  },
};
export const clipboard = {
  text: '',
  writeText(text: string) {
    clipboard.text = text;
  },
};
export const dialog = {
  nextFolder: null as string | null,
  showOpenDialog: (..._args: unknown[]) =>
    Promise.resolve(dialog.nextFolder ? { canceled: false, filePaths: [dialog.nextFolder] } : { canceled: true, filePaths: [] }),
};
export const protocol = {
  privileged: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>) {
    // Electron: "can only be used before the ready event of the app module gets emitted".
    if (app.ready) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
    if (protocol.handlers.has(scheme)) throw new Error(`The scheme has been registered: ${scheme}`);
    protocol.handlers.set(scheme, handler);
  },
  unhandle(scheme: string) {
    protocol.handlers.delete(scheme);
  },
};
export const webUtils = { getPathForFile: (file: { path?: string }) => file.path ?? '' };
export const contextBridge = {
  exposed: {} as Record<string, any>,
  exposeInMainWorld(key: string, api: unknown) {
    contextBridge.exposed[key] = api;
  },
};

/** Forgets everything recorded, between tests. */
export function resetFakeElectron(): void {
  for (const emitter of [app, ipcRenderer, nativeTheme]) emitter.listeners.clear();
  Object.assign(app, { isPackaged: false, lockAvailable: true, quitCalls: 0, exitCodes: [], paths: {}, appPath: '/app', ready: false });
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  ipcMain.handlers.clear();
  ipcRenderer.invoked.length = 0;
  FakeBrowserWindow.instances.length = 0;
  FakeTray.instances.length = 0;
  FakeNotification.instances.length = 0;
  FakeNotification.supported = true;
  nativeTheme.shouldUseDarkColors = false;
  session.defaultSession = new FakeSession();
  shell.opened.length = 0;
  clipboard.text = '';
  dialog.nextFolder = null;
  contextBridge.exposed = {};
}
