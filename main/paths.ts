import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app } from 'electron';
import type { AppOrigin } from './ipc.js';

export interface ShellPaths {
  preload: string;
  rendererIndex: string;
  /** The renderer dev server (electron-vite dev), or null: load the built index.html. */
  devServerUrl: string | null;
  trayIcons: string;
}

/** Where the bundles and resources are, next to out/main/index.js (dev, preview and packaged alike). */
export function shellPaths(mainDir: string = import.meta.dirname): ShellPaths {
  const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
  return {
    preload: path.join(mainDir, '..', 'preload', 'index.cjs'),
    rendererIndex: path.join(mainDir, '..', 'renderer', 'index.html'),
    devServerUrl,
    trayIcons: app.isPackaged ? path.join(process.resourcesPath, 'tray') : path.join(app.getAppPath(), 'resources', 'tray'),
  };
}

export function appOriginOf(paths: ShellPaths): AppOrigin {
  return paths.devServerUrl ? { kind: 'dev', origin: new URL(paths.devServerUrl).origin } : { kind: 'file', indexUrl: pathToFileURL(paths.rendererIndex).href };
}
