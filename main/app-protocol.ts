/**
 * The packaged page is served from `app://push-doctor/`, not file:// (Electron's security guide: a
 * custom protocol gives the page a real origin, and file:// would let it read any local file the
 * process can). Only files of the built renderer are served, with the app's CSP as a header.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { findRendererFile } from './renderer-files.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'push-doctor';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Headers of every answer: the CSP (the page has no other source of it but the meta tag) and no sniffing. */
const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/**
 * Must run before the app is ready. `standard`: URLs resolve like https (relative paths, an origin);
 * `secure`: a secure context. Nothing else (no fetch from other origins, no CORS, no service workers).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

function answer(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** One request to app://: a GET of a file of the built renderer, or 404/405. */
async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return answer(404, 'Not found');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return answer(404, 'Not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'Method not allowed');
  const found = await findRendererFile(rendererDir, url.pathname);
  if (!found) return answer(404, 'Not found');
  const body = request.method === 'HEAD' ? null : await readFile(found.file);
  return new Response(body, { status: 200, headers: { ...HEADERS, 'Content-Type': found.type } });
}

/** Serves app:// from the built renderer folder (after ready); returns the unregistration. */
export function serveRenderer(rendererDir: string): () => void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
  return () => protocol.unhandle(APP_SCHEME);
}
