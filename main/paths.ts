import path from 'node:path';
import { app } from 'electron';
import { APP_INDEX_URL } from './app-protocol.js';
import type { AppOrigin } from './ipc.js';

export interface MainPaths {
  preload: string;
  /** The built renderer, served as app://push-doctor/ (inside the asar archive when packaged). */
  rendererDir: string;
  /** The renderer dev server (electron-vite dev), or null: load the built page over app://. */
  devServerUrl: string | null;
  trayIcons: string;
}

/** Where the bundles and resources are, next to out/main/index.js (dev, preview and packaged alike). */
export function mainPaths(mainDir: string = import.meta.dirname): MainPaths {
  const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
  return {
    preload: path.join(mainDir, '..', 'preload', 'index.cjs'),
    rendererDir: path.join(mainDir, '..', 'renderer'),
    devServerUrl,
    trayIcons: app.isPackaged ? path.join(process.resourcesPath, 'tray') : path.join(app.getAppPath(), 'resources', 'tray'),
  };
}

export function appOriginOf(paths: MainPaths): AppOrigin {
  return paths.devServerUrl ? { kind: 'dev', origin: new URL(paths.devServerUrl).origin } : { kind: 'app', indexUrl: APP_INDEX_URL };
}

/** The page the window loads: the dev server in development, else the built page over app://. */
export function pageUrlOf(paths: MainPaths): string {
  return paths.devServerUrl ?? APP_INDEX_URL;
}
