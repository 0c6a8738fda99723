import type { BrowserWindow } from 'electron';
import type { EventChannel, EventChannels } from '../app/contract/channels.js';
import type { EventSink } from '../app/service/main-services.js';

/**
 * Sends contract events to the window. Until the page has loaded (or while there is no window),
 * `repo.requested` waits; progress and re-test events are only useful live and are dropped.
 */
export class WindowEvents implements EventSink {
  private window: BrowserWindow | null = null;
  private ready = false;
  private pendingRepo: EventChannels['repo.requested'] | null = null;

  attach(window: BrowserWindow): void {
    this.window = window;
    this.ready = false;
    window.webContents.on('did-finish-load', () => {
      this.ready = true;
      if (this.pendingRepo) this.send('repo.requested', this.pendingRepo);
      this.pendingRepo = null;
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
  }

  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void {
    if (this.window && this.ready && !this.window.isDestroyed()) this.send(event, payload);
    else if (event === 'repo.requested') this.pendingRepo = payload as EventChannels['repo.requested'];
  }

  private send<E extends EventChannel>(event: E, payload: EventChannels[E]): void {
    this.window?.webContents.send(event, payload);
  }
}
