/**
 * Draws the app and tray icons and writes them as PNG (plus .icns and .ico containers), with nothing
 * but Node: shapes are signed distance functions, anti-aliased analytically, encoded with zlib.
 * Run: `npm run icons`. Output is deterministic; test/main/icons.test.ts checks the committed
 * files match.
 *
 *   resources/tray/tray-<state>-<light|dark>.png (+ @2x)   coloured, for light or dark panels
 *   resources/tray/tray-<state>Template.png (+ @2x)        macOS template: black + alpha
 *   build/icon.png (1024), build/icons/<n>x<n>.png, build/icon.icns, build/icon.ico
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];
type Sdf = (x: number, y: number) => number;
interface Layer {
  sdf: Sdf;
  /** A flat colour, or one that depends on the position (gradients). */
  color: Rgba | ((x: number, y: number) => Rgba);
  /** 'erase' cuts the shape out of what is below (for template images and gaps). */
  mode?: 'paint' | 'erase';
}

// ─── Shapes (unit square, y down) ──────────────────────────────────────────────────────────────────

const circle = (cx: number, cy: number, r: number): Sdf => (x, y) => Math.hypot(x - cx, y - cy) - r;

const ring = (cx: number, cy: number, r: number, halfWidth: number): Sdf => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) - halfWidth;

const roundedBox = (cx: number, cy: number, halfW: number, halfH: number, radius: number): Sdf => (x, y) => {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};

/** A stroke through the points, with round caps and joins. */
const stroke = (points: ReadonlyArray<readonly [number, number]>, halfWidth: number): Sdf => (x, y) => {
  let best = Infinity;
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[i + 1]!;
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best - halfWidth;
};

const union = (...shapes: Sdf[]): Sdf => (x, y) => Math.min(...shapes.map((s) => s(x, y)));

// ─── Rendering and encoding ────────────────────────────────────────────────────────────────────────

/** Composites the layers at `size` × `size` pixels; returns straight RGBA bytes. */
export function render(size: number, layers: readonly Layer[]): Buffer {
  const out = Buffer.alloc(size * size * 4);
  const pixel = 1 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) * pixel;
      const y = (py + 0.5) * pixel;
      // Premultiplied accumulation.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        const coverage = Math.max(0, Math.min(1, 0.5 - layer.sdf(x, y) / pixel));
        if (coverage === 0) continue;
        if (layer.mode === 'erase') {
          r *= 1 - coverage;
          g *= 1 - coverage;
          b *= 1 - coverage;
          a *= 1 - coverage;
          continue;
        }
        const [cr, cg, cb, ca] = typeof layer.color === 'function' ? layer.color(x, y) : layer.color;
        const alpha = coverage * ca;
        r = cr * alpha + r * (1 - alpha);
        g = cg * alpha + g * (1 - alpha);
        b = cb * alpha + b * (1 - alpha);
        a = alpha + a * (1 - alpha);
      }
      const i = (py * size + px) * 4;
      out[i] = a > 0 ? Math.round(r / a) : 0;
      out[i + 1] = a > 0 ? Math.round(g / a) : 0;
      out[i + 2] = a > 0 ? Math.round(b / a) : 0;
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA, non-interlaced PNG. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Apple icon container with PNG payloads (types per size as macOS reads them). */
export function encodeIcns(pngs: ReadonlyMap<number, Buffer>): Buffer {
  const types: Array<[string, number]> = [
    ['icp4', 16],
    ['ic11', 32],
    ['icp5', 32],
    ['ic12', 64],
    ['ic07', 128],
    ['ic13', 256],
    ['ic08', 256],
    ['ic14', 512],
    ['ic09', 512],
    ['ic10', 1024],
  ];
  const entries = types.map(([type, size]) => {
    const png = pngs.get(size)!;
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

/** Windows icon container with PNG payloads (Vista and later). */
export function encodeIco(pngs: ReadonlyMap<number, Buffer>, sizes: readonly number[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = 6 + sizes.length * 16;
  const directory = sizes.map((size) => {
    const png = pngs.get(size)!;
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...directory, ...sizes.map((size) => pngs.get(size)!)]);
}

// ─── The designs ───────────────────────────────────────────────────────────────────────────────────

const hex = (value: string, alpha = 1): Rgba => [parseInt(value.slice(1, 3), 16), parseInt(value.slice(3, 5), 16), parseInt(value.slice(5, 7), 16), alpha];

export type TrayIconState = 'ok' | 'failing' | 'untested';
export type TrayVariant = 'light' | 'dark' | 'template';

/** For light panels: dark glyph; for dark panels: light glyph; template: black, marks cut out. */
const PALETTES = {
  light: { glyph: hex('#24292f'), ok: hex('#1a7f37'), failing: hex('#cf222e'), untested: hex('#6e7781'), mark: hex('#ffffff') },
  dark: { glyph: hex('#f6f8fa'), ok: hex('#3fb950'), failing: hex('#f85149'), untested: hex('#8b949e'), mark: hex('#0d1117') },
  template: { glyph: hex('#000000'), ok: hex('#000000'), failing: hex('#000000'), untested: hex('#000000'), mark: hex('#000000') },
} as const;

/** The push glyph: an arrow up from a base line. */
function pushGlyph(cx: number, top: number, bottom: number, halfWidth: number, weight: number): Sdf {
  const head = (bottom - top) * 0.42;
  return union(
    stroke([[cx - halfWidth, bottom], [cx + halfWidth, bottom]], weight),
    stroke([[cx, bottom - (bottom - top) * 0.3], [cx, top + weight]], weight),
    stroke([[cx - head * 0.95, top + head], [cx, top + weight * 0.6], [cx + head * 0.95, top + head]], weight),
  );
}

export function trayLayers(state: TrayIconState, variant: TrayVariant): Layer[] {
  const palette = PALETTES[variant];
  const badge = { x: 0.74, y: 0.73, r: 0.25 };
  const layers: Layer[] = [
    { sdf: pushGlyph(0.38, 0.08, 0.86, 0.3, 0.075), color: palette.glyph },
    // A clear gap between glyph and badge so both read at 16 px.
    { sdf: circle(badge.x, badge.y, badge.r + 0.07), color: palette.glyph, mode: 'erase' },
  ];
  if (state === 'untested') {
    layers.push({ sdf: ring(badge.x, badge.y, badge.r - 0.05, 0.05), color: palette.untested });
    return layers;
  }
  layers.push({ sdf: circle(badge.x, badge.y, badge.r), color: palette[state] });
  const mark =
    state === 'ok'
      ? stroke([[badge.x - 0.12, badge.y + 0.01], [badge.x - 0.035, badge.y + 0.095], [badge.x + 0.12, badge.y - 0.075]], 0.04)
      : union(stroke([[badge.x, badge.y - 0.13], [badge.x, badge.y + 0.03]], 0.042), circle(badge.x, badge.y + 0.12, 0.045));
  layers.push(variant === 'template' ? { sdf: mark, color: palette.mark, mode: 'erase' } : { sdf: mark, color: palette.mark });
  return layers;
}

export function appIconLayers(): Layer[] {
  const top = hex('#2684ff');
  const bottom = hex('#0747a6');
  const gradient = (_x: number, y: number): Rgba => {
    const t = Math.max(0, Math.min(1, (y - 0.1) / 0.8));
    return [top[0] + (bottom[0] - top[0]) * t, top[1] + (bottom[1] - top[1]) * t, top[2] + (bottom[2] - top[2]) * t, 1];
  };
  const badge = { x: 0.7, y: 0.7, r: 0.15 };
  return [
    // macOS-style margin: the tile fills ~82 % of the canvas.
    { sdf: roundedBox(0.5, 0.5, 0.41, 0.41, 0.18), color: gradient },
    { sdf: pushGlyph(0.44, 0.22, 0.76, 0.22, 0.045), color: hex('#ffffff') },
    { sdf: circle(badge.x, badge.y, badge.r + 0.035), color: hex('#ffffff'), mode: 'erase' },
    { sdf: circle(badge.x, badge.y, badge.r + 0.035), color: gradient },
    { sdf: circle(badge.x, badge.y, badge.r), color: hex('#ffffff') },
    { sdf: stroke([[badge.x - 0.075, badge.y + 0.005], [badge.x - 0.02, badge.y + 0.06], [badge.x + 0.08, badge.y - 0.05]], 0.026), color: hex('#1f845a') },
  ];
}

/** Every file the script writes, relative to the project root, with its bytes. */
export function iconFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const state of ['ok', 'failing', 'untested'] as const) {
    for (const variant of ['light', 'dark', 'template'] as const) {
      const base = variant === 'template' ? `tray-${state}Template` : `tray-${state}-${variant}`;
      files.set(`resources/tray/${base}.png`, encodePng(16, render(16, trayLayers(state, variant))));
      files.set(`resources/tray/${base}@2x.png`, encodePng(32, render(32, trayLayers(state, variant))));
    }
  }
  const pngs = new Map<number, Buffer>();
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) pngs.set(size, encodePng(size, render(size, appIconLayers())));
  files.set('build/icon.png', pngs.get(1024)!);
  for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) files.set(`build/icons/${size}x${size}.png`, pngs.get(size)!);
  files.set('build/icon.icns', encodeIcns(pngs));
  files.set('build/icon.ico', encodeIco(pngs, [16, 24, 32, 48, 64, 128, 256]));
  return files;
}

async function main(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..');
  for (const [file, bytes] of iconFiles()) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), bytes);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
