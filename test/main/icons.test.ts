import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iconFiles } from '../../scripts/make-icons.js';

/** Width, height and raw RGBA of an 8-bit RGBA PNG (what the script writes). */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += length + 12;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) rows.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  return { width, height, rgba };
}

describe('icons (scripts/make-icons.ts)', () => {
  const files = iconFiles();

  it('are committed exactly as the script draws them', async () => {
    for (const [file, bytes] of files) expect((await readFile(file)).equals(bytes), `${file} is stale: run npm run icons`).toBe(true);
  });

  it('have the sizes their names promise', () => {
    for (const [file, bytes] of files) {
      if (!file.endsWith('.png')) continue;
      const expected = file.includes('/tray/') ? (file.includes('@2x') ? 32 : 16) : file === 'build/icon.png' ? 1024 : Number(/(\d+)x\d+\.png$/.exec(file)![1]);
      expect(decodePng(bytes), file).toMatchObject({ width: expected, height: expected });
    }
  });

  it('draws macOS template images in black and alpha only, and the three states differently', () => {
    const states = ['ok', 'failing', 'untested'].map((state) => decodePng(files.get(`resources/tray/tray-${state}Template@2x.png`)!).rgba);
    for (const rgba of states) {
      for (let i = 0; i < rgba.length; i += 4) expect(rgba[i]! + rgba[i + 1]! + rgba[i + 2]!).toBe(0);
    }
    expect(states[0]!.equals(states[1]!) || states[1]!.equals(states[2]!) || states[0]!.equals(states[2]!)).toBe(false);
  });

  it('packs the app icon into .ico (largest 256) and .icns (up to 1024) containers', () => {
    const ico = files.get('build/icon.ico')!;
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(Math.max(...sizes)).toBe(256);
    const icns = files.get('build/icon.icns')!;
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.includes(Buffer.from('ic10'))).toBe(true);
  });
});
