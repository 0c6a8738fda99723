import type { EventChannel, EventChannels } from '../contract/channels.js';

/**
 * What the handlers need from the main process (or from whatever serves them): Electron's
 * clipboard, shell.openExternal and folder dialog in main; stand-ins in the browser preview and in
 * tests.
 */
export interface MainServices {
  clipboard: { writeText(text: string): void | Promise<void> };
  /**
   * Opens an already allow-listed https URL in the user's browser. Resolves `false` when it only
   * recorded the address without opening it (the browser preview): the page then shows the address.
   */
  openExternal(url: string): Promise<void | boolean>;
  /** Asks the user for a folder; null when they cancel. */
  chooseFolder(): Promise<string | null>;
}

/** Events from the handlers to the UI (main sends them to the window, the preview to the page). */
export interface EventSink {
  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void;
}
