/**
 * electron-builder's own objects for this project, built offline the way `electron-builder` builds
 * them before it downloads anything: the configuration loaded and validated from
 * electron-builder.yml and package.json, the app info, the Electron framework (version from
 * node_modules/electron), and the platform packagers. Tests then run electron-builder's real code
 * (Info.plist, desktop entries, fuses) on small stand-ins for the Electron files it would download.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any -- app-builder-lib's internals are untyped here */
export interface Builder {
  config: any;
  linux: any;
  mac: any;
  /** electron-builder's Linux desktop entry for a target ('deb' or 'appImage'), as written into the package. */
  desktopEntry(target: 'deb' | 'appImage'): Promise<string>;
  /** Runs electron-builder's createMacApp on a stand-in Electron.app and returns the Info.plist it writes, and the bundle's name. */
  macInfoPlist(): Promise<{ bundle: string; plist: Record<string, any> }>;
}

let loaded: Promise<Builder> | null = null;

export function loadBuilder(): Promise<Builder> {
  return (loaded ??= load());
}

async function load(): Promise<Builder> {
  const { Packager } = require('app-builder-lib/out/packager.js');
  const { AppInfo } = require('app-builder-lib/out/appInfo.js');
  const { LinuxPackager } = require('app-builder-lib/out/linuxPackager.js');
  const { MacPackager } = require('app-builder-lib/out/macPackager.js');
  const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js');
  const { default: AppImageTarget } = require('app-builder-lib/out/targets/appimage/AppImageTarget.js');
  const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js');
  const { createElectronFrameworkSupport } = require('app-builder-lib/out/electron/ElectronFramework.js');
  const { createMacApp } = require('app-builder-lib/out/electron/electronMac.js');
  const { parsePlistFile, savePlistFile } = require('app-builder-lib/out/util/plist.js');

  const packager = new Packager({ projectDir: process.cwd() });
  await packager.validateConfig();
  packager._appInfo = new AppInfo(packager, null);
  packager._framework = await createElectronFrameworkSupport(packager.config, packager);
  const linux = new LinuxPackager(packager);
  const mac = new MacPackager(packager);
  const helper = new LinuxTargetHelper(linux);

  return {
    config: packager.config,
    linux,
    mac,
    async desktopEntry(target) {
      if (target === 'appImage') return new AppImageTarget(null, linux, helper, os.tmpdir()).desktopEntry.value;
      return helper.computeDesktopEntry(new FpmTarget('deb', linux, helper, os.tmpdir()).options);
    },
    async macInfoPlist() {
      // The parts of Electron.app that createMacApp reads and renames.
      const out = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-mac-app-'));
      const contents = path.join(out, 'Electron.app', 'Contents');
      const helperApp = path.join(contents, 'Frameworks', 'Electron Helper.app', 'Contents');
      await mkdir(path.join(contents, 'MacOS'), { recursive: true });
      await mkdir(path.join(contents, 'Resources'), { recursive: true });
      await mkdir(path.join(helperApp, 'MacOS'), { recursive: true });
      await writeFile(path.join(contents, 'MacOS', 'Electron'), '');
      await writeFile(path.join(helperApp, 'MacOS', 'Electron Helper'), '');
      await savePlistFile(path.join(contents, 'Info.plist'), { CFBundleExecutable: 'Electron', CFBundleIconFile: 'electron.icns', CFBundleIdentifier: 'com.github.Electron', CFBundleName: 'Electron' });
      await savePlistFile(path.join(helperApp, 'Info.plist'), { CFBundleExecutable: 'Electron Helper', CFBundleIdentifier: 'com.github.Electron.helper' });
      try {
        await createMacApp(mac, out, null, false);
        const bundle = `${mac.appInfo.productFilename}.app`;
        return { bundle, plist: await parsePlistFile(path.join(out, bundle, 'Contents', 'Info.plist')) };
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
  };
}
