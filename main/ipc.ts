import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { REQUEST_CHANNELS } from '../app/contract/channels.js';
import { failure, toContractError } from '../app/service/errors.js';
import type { HandlerTable } from '../app/service/handlers.js';

/** Where our page comes from: the built index.html over app:// (see app-protocol.ts) or the dev server. */
export type AppOrigin = { kind: 'app'; indexUrl: string } | { kind: 'dev'; origin: string };

/** Is `url` our own page? Production: exactly app://push-doctor/index.html (any hash/query); dev: the dev server's origin. */
export function isAppUrl(url: string, appOrigin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (appOrigin.kind === 'dev') return parsed.origin === appOrigin.origin;
  parsed.hash = '';
  parsed.search = '';
  return parsed.href === appOrigin.indexUrl;
}

/**
 * Only our window's main frame, showing our page, may call the engine: not a subframe, not a page
 * it was navigated to, not another web contents.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null, appOrigin: AppOrigin): boolean {
  if (!window || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  if (!frame || event.sender !== window.webContents) return false;
  const main = window.webContents.mainFrame;
  if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  return isAppUrl(frame.url, appOrigin);
}

export interface IpcOptions {
  window(): BrowserWindow | null;
  appOrigin: AppOrigin;
  /** Told about refused senders (for the log); never about payloads. */
  onRefused?(channel: string, url: string): void;
}

/** Registers one ipcMain.handle per request channel; returns a function that removes them all. */
export function registerIpc(handlers: HandlerTable, options: IpcOptions): () => void {
  for (const channel of REQUEST_CHANNELS) {
    const handler = handlers[channel];
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isTrustedSender(event, options.window(), options.appOrigin)) {
        options.onRefused?.(channel, event.senderFrame?.url ?? '(no frame)');
        return failure('untrusted-sender', 'This request did not come from the Push Doctor window.');
      }
      try {
        return await handler(payload);
      } catch (error) {
        // Handlers never throw; this is the last line that keeps a stack trace out of the renderer.
        return { ok: false, error: toContractError(error) };
      }
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}
