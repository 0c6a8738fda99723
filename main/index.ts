// The Electron main process: everything is in lifecycle.ts, so tests can start it with a fake electron.
import { app } from 'electron';
import { startMainProcess } from './lifecycle.js';

startMainProcess().catch((error: unknown) => {
  console.error('Push Doctor could not start:', error instanceof Error ? error.message : error);
  app.exit(1);
});
