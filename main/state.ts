import { app } from 'electron';
import { createStateStore, type StateStore } from '../app/service/state-store.js';

/**
 * Recent repositories, settings and the window size in the app's user-data folder
 * (~/.config/Bitbucket Push Doctor, ~/Library/Application Support/..., %APPDATA%\...). A corrupt file
 * is moved aside and replaced by defaults (see createStateStore); the app starts either way.
 */
export function createAppStateStore(log: (message: string) => void = console.warn): StateStore {
  return createStateStore(app.getPath('userData'), {
    onRecovered: ({ backupPath, reason }) => log(`Push Doctor: the saved state was unusable (${reason}); it was moved to ${backupPath} and defaults are used.`),
  });
}
