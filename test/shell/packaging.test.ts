import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
let loaded: Promise<BuilderConfig> | null = null;
function loadBuilderConfig(): Promise<BuilderConfig> {
  return (loaded ??= load());
}
async function load(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  const config = await getConfig(process.cwd(), null, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as BuilderConfig;
}

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
