/**
 * Who may talk to the browser preview: pure checks of a request's headers. The preview listens on
 * 127.0.0.1 only, but any web page the developer opens could still send requests to that port, and
 * a DNS-rebinding page could even read the answers under its own host name. So:
 * - Host must be exactly 127.0.0.1:<port> (a rebinding page sends its own name);
 * - API requests carry the per-run token in a header (a cross-site page cannot set one without a
 *   CORS preflight, which the preview never answers), and their Origin, when the browser sends one,
 *   must be the preview's own.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header every API request carries the token in. Never a URL parameter: URLs end up in logs. */
export const TOKEN_HEADER = 'x-push-doctor-token';

export type AccessCheck = { ok: true } | { ok: false; reason: string };

const allowed: AccessCheck = { ok: true };
const refused = (reason: string): AccessCheck => ({ ok: false, reason });

export function previewOrigin(port: number): string {
  return `http://127.0.0.1:${port}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** Any request, static files included: the Host header names this server exactly. */
export function checkHost(headers: IncomingHttpHeaders, port: number): AccessCheck {
  return single(headers.host) === `127.0.0.1:${port}` ? allowed : refused('wrong Host header');
}

/** Compares digests, so the comparison takes the same time whatever the guess. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * An API request: right Host, the token, and no sign of another site (Origin, when present, is the
 * preview's; Sec-Fetch-Site, when present, says same-origin). `requireOrigin` for POSTs, which
 * browsers always send with an Origin.
 */
export function checkApiRequest(headers: IncomingHttpHeaders, port: number, token: string, options: { requireOrigin: boolean }): AccessCheck {
  const host = checkHost(headers, port);
  if (!host.ok) return host;
  const origin = single(headers.origin);
  if (origin !== undefined ? origin !== previewOrigin(port) : options.requireOrigin) return refused('wrong or missing Origin');
  const site = single(headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin') return refused(`a ${site} request`);
  return tokenMatches(single(headers[TOKEN_HEADER]), token) ? allowed : refused('missing or wrong token');
}
