// Where the Electron binary of node_modules/electron is, and whether it is there. Electron 42+ has no
// postinstall: `npm ci` installs only the npm package, and the binary is downloaded the first time
// `require('electron')` runs (node_modules/electron/index.js). electron-vite and Playwright never do
// that first, so this project asks Electron's own installer (install.js) for the binary up front.
// Plain JavaScript: it runs before anything is built (npm start, npm run dev, npm run test:electron).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The installed electron npm package: its folder and version. */
export function electronPackage() {
  const manifest = require.resolve('electron/package.json');
  return { dir: path.dirname(manifest), version: JSON.parse(readFileSync(manifest, 'utf8')).version };
}

/**
 * The Electron executable the way node_modules/electron/index.js finds it (path.txt names it under
 * dist/, or under ELECTRON_OVERRIDE_DIST_PATH), or null when it is not there. Never downloads.
 */
export function installedElectronBinary(dir = electronPackage().dir, env = process.env) {
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (relative === '') return null;
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : path.join(dir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** Where Electron's installer downloads from: a mirror the user configured, else GitHub. */
export function electronDownloadHost(env = process.env) {
  const mirror = env.ELECTRON_MIRROR || env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR || env.npm_package_config_electron_mirror;
  if (!mirror) return 'github.com';
  try {
    return new URL(mirror).host || mirror;
  } catch {
    return mirror;
  }
}
