// The Electron main process: everything is in lifecycle.ts (the app) and cli-mode.ts (the app's
// binary run as `push-doctor`), so tests can start either with a fake electron.
import { app } from 'electron';
import { cliArguments } from './cli-args.js';
import { runCliMode } from './cli-mode.js';
import { argvSkip, startMainProcess } from './lifecycle.js';

const cli = cliArguments(process.argv, argvSkip());
if (cli) {
  // A command line run never reaches startMainProcess: no window, no tray, no single-instance lock.
  void runCliMode(cli);
} else {
  startMainProcess().catch((error: unknown) => {
    console.error('Push Doctor could not start:', error instanceof Error ? error.message : error);
    app.exit(1);
  });
}
