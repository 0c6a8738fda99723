import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAppBuilt } from '../../scripts/preview/renderer-build.js';
import { loadBuilder } from './support/builder.js';

const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  productName: string;
  files: Array<{ filter: string[] }>;
  extraResources: Array<{ from: string; to: string }>;
  mac: { target: string; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; category: string; icon: string };
  win: { target: string; icon: string };
  linux: { target: string[]; icon: string };
  deb: { depends: string[] };
}

/** electron-builder's own loader and schema validation (offline; packaging itself needs network). */
async function loadBuilderConfig(): Promise<BuilderConfig> {
  return (await loadBuilder()).config as BuilderConfig;
}

// electron-builder loads its whole toolchain on first use: seconds on a busy machine.
beforeAll(() => loadBuilder(), 60_000);

describe('electron-builder.yml', () => {
  it("passes electron-builder's validation with the product's identity", async () => {
    const config = await loadBuilderConfig();
    expect(config).toMatchObject({ appId: 'org.pushdoctor.desktop', productName: 'Bitbucket Push Doctor' });
  });

  it('packs only the built bundles and package.json: no sources, tests, scripts, CLI or source maps', async () => {
    const { files } = await loadBuilderConfig();
    expect(files).toEqual([{ filter: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!out/**/*.map'] }]);
  });

  it('ships the tray icons as an extra resource where main looks for them', async () => {
    const { extraResources } = await loadBuilderConfig();
    expect(extraResources).toEqual([expect.objectContaining({ from: 'resources/tray', to: 'tray' })]);
    const main = await readFile('main/paths.ts', 'utf8');
    expect(main).toContain("path.join(process.resourcesPath, 'tray')");
  });

  it('builds a hardened dmg, an nsis installer, an AppImage and a deb that depends on git and ssh, with icons that exist', async () => {
    const config = await loadBuilderConfig();
    expect(config.mac).toMatchObject({ target: 'dmg', hardenedRuntime: true, category: 'public.app-category.developer-tools' });
    expect(config.win.target).toBe('nsis');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.deb.depends).toEqual(expect.arrayContaining(['git', 'openssh-client', 'libgtk-3-0', 'libnss3']));
    for (const file of [config.mac.icon, config.win.icon, path.join(config.linux.icon, '512x512.png'), config.mac.entitlements]) await access(file);
  });

  it('grants the hardened runtime only the JIT entitlement Electron needs', async () => {
    const { mac } = await loadBuilderConfig();
    expect(mac.entitlementsInherit).toBe(mac.entitlements);
    const plist = await readFile(mac.entitlements, 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });
});

describe('hardening of the packaged app', () => {
  const FUSES = {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
    resetAdHocDarwinSignature: true,
  };

  it('sets the Electron fuses, and electron-builder flips exactly those in the binary it packages', async () => {
    const builder = await loadBuilder();
    expect(builder.config.electronFuses).toEqual(FUSES);
    // A stand-in for the Electron binary: the fuse wire as Electron ships it (sentinel, version 1,
    // 8 fuses with their defaults), then electron-builder's own fuse step on it.
    const { FuseV1Options, getCurrentFuseWire } = require('@electron/fuses');
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
    const shipped = '10110001';
    const appOutDir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-fuses-'));
    try {
      const binary = path.join(appOutDir, builder.linux.executableName);
      await writeFile(binary, Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([1, shipped.length]), Buffer.from(shipped), randomBytes(4096)]));
      const fuseConfig = await builder.linux.generateFuseConfig(builder.config.electronFuses);
      await builder.linux.addElectronFuses({ appOutDir, electronPlatformName: 'linux' }, fuseConfig);
      const wire = await getCurrentFuseWire(binary);
      // A fuse is the character '1' (on) or '0' (off).
      const state = (option: string) => ({ 49: 'on', 48: 'off' })[wire[FuseV1Options[option]] as 48 | 49];
      expect({
        RunAsNode: state('RunAsNode'),
        EnableNodeOptionsEnvironmentVariable: state('EnableNodeOptionsEnvironmentVariable'),
        EnableNodeCliInspectArguments: state('EnableNodeCliInspectArguments'),
        EnableCookieEncryption: state('EnableCookieEncryption'),
        EnableEmbeddedAsarIntegrityValidation: state('EnableEmbeddedAsarIntegrityValidation'),
        OnlyLoadAppFromAsar: state('OnlyLoadAppFromAsar'),
        LoadBrowserProcessSpecificV8Snapshot: state('LoadBrowserProcessSpecificV8Snapshot'),
        GrantFileProtocolExtraPrivileges: state('GrantFileProtocolExtraPrivileges'),
      }).toEqual({
        RunAsNode: 'off',
        EnableNodeOptionsEnvironmentVariable: 'off',
        EnableNodeCliInspectArguments: 'off',
        EnableCookieEncryption: 'on',
        EnableEmbeddedAsarIntegrityValidation: 'on',
        OnlyLoadAppFromAsar: 'on',
        // Not configured: Electron's default stays.
        LoadBrowserProcessSpecificV8Snapshot: 'off',
        GrantFileProtocolExtraPrivileges: 'off',
      });
    } finally {
      await rm(appOutDir, { recursive: true, force: true });
    }
  });

  describe('the built main process (out/main)', () => {
    let main: string;
    beforeAll(async () => {
      await ensureAppBuilt();
      main = await readFile('out/main/index.js', 'utf8');
    }, 120_000);

    it('serves the page from the app:// protocol, registered before ready, and never loads file://', () => {
      expect(main).toMatch(/registerSchemesAsPrivileged\(\[\{\s*scheme:\s*"app",\s*privileges:\s*\{\s*standard:\s*true,\s*secure:\s*true\s*\}\s*\}\]\)/);
      expect(main).toMatch(/protocol\.handle\("app",/);
      expect(main).toContain('app://push-doctor/index.html');
      expect(main).toContain('loadURL(options.url)');
      expect(main).not.toMatch(/\.loadFile\(|["'`]file:\/\//);
      // The scheme is registered before main waits for ready.
      expect(main.indexOf('registerAppScheme()')).toBeGreaterThan(-1);
      expect(main.indexOf('registerAppScheme()')).toBeLessThan(main.indexOf('await app.whenReady()'));
    });

    it("trusts IPC only from the app:// page, and answers it with the app's CSP", () => {
      expect(main).toMatch(/kind:\s*"app",\s*indexUrl:\s*APP_INDEX_URL/);
      expect(main).toContain('"Content-Security-Policy": CONTENT_SECURITY_POLICY');
    });
  });
});

describe('opening a folder from outside the window', () => {
  it('macOS: Info.plist lets folders be dropped on the Dock icon without becoming their default app', async () => {
    const { bundle, plist } = await (await loadBuilder()).macInfoPlist();
    expect(bundle).toBe('Bitbucket Push Doctor.app');
    expect(plist).toMatchObject({ CFBundleIdentifier: 'org.pushdoctor.desktop', CFBundleExecutable: 'Bitbucket Push Doctor', CFBundleDisplayName: 'Bitbucket Push Doctor' });
    expect(plist.CFBundleDocumentTypes).toEqual([{ CFBundleTypeName: 'Folder', CFBundleTypeRole: 'Viewer', LSHandlerRank: 'Alternate', LSItemContentTypes: ['public.folder'] }]);
  });

  it.each(['deb', 'appImage'] as const)('Linux (%s): the desktop entry offers the app for folders and passes them on', async (target) => {
    const entry = await (await loadBuilder()).desktopEntry(target);
    expect(entry).toMatch(/^MimeType=inode\/directory;$/m);
    // %U: a file manager passes the folder as a path or a file:// URL; main/lifecycle.ts takes both.
    expect(entry).toMatch(/^Exec=.*bitbucket-push-doctor"? %U$|^Exec=AppRun --no-sandbox %U$/m);
  });

  it('Windows: the installer adds Explorer verbs for folders that pass the folder, and removes them on uninstall', async () => {
    const config = (await loadBuilder()).config;
    expect(config.nsis.include).toBe('build/installer.nsh');
    const script = await readFile(config.nsis.include, 'utf8');
    const installs = [...script.matchAll(/WriteRegStr SHELL_CONTEXT "([^"]+)" "" '"\$appExe" "%V"'/g)].map((m) => m[1]!.replace(/\\command$/, ''));
    expect(installs).toEqual(['Software\\Classes\\Directory\\shell\\${PUSH_DOCTOR_VERB}', 'Software\\Classes\\Directory\\Background\\shell\\${PUSH_DOCTOR_VERB}']);
    const removes = [...script.matchAll(/DeleteRegKey SHELL_CONTEXT "([^"]+)"/g)].map((m) => m[1]);
    expect(removes).toEqual(installs);
    expect(script).toMatch(/!macro customInstall[\s\S]+!macroend[\s\S]+!macro customUnInstall[\s\S]+!macroend/);
  });
});
