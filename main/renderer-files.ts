/**
 * Which file of the built renderer a URL path names, and its content type: shared by main's app://
 * protocol and the browser preview's server. No Electron import (in main, node:fs reads inside the
 * app's asar archive too).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** The types the renderer bundle is made of; anything else is not served. */
export const RENDERER_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The file under `root` that a URL pathname ("/assets/index-3f2a.js") names, or null: a path that is
 * not valid percent-encoding, holds a NUL or a backslash (a Windows separator), has an empty, "." or
 * ".." segment or a hidden one (".env"), or would resolve outside `root`. "/" is index.html.
 */
export function rendererFileFor(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  return file.startsWith(base + path.sep) ? file : null;
}

/** The content type to serve `file` with, or null when the renderer has no business serving it. */
export function rendererContentType(file: string): string | null {
  return RENDERER_CONTENT_TYPES[path.extname(file).toLowerCase()] ?? null;
}

/** The regular file of the built renderer a URL pathname names, with its content type, or null (then: 404). */
export async function findRendererFile(root: string, pathname: string): Promise<{ file: string; type: string } | null> {
  const file = rendererFileFor(root, pathname);
  const type = file ? rendererContentType(file) : null;
  if (!file || !type) return null;
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? { file, type } : null;
}
