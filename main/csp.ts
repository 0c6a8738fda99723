/**
 * The renderer's Content Security Policy, in one place: main sends it as a response header in
 * production, renderer/index.html carries the meta variant in its meta tag (a test keeps them equal),
 * and the dev server gets the relaxed variant below. Pure: no Electron import.
 */
const DIRECTIVES: Array<[string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  // 'self': the browser preview serves the same UI and its API from one loopback origin.
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

const join = (directives: Array<[string, string]>) => directives.map(([name, value]) => `${name} ${value}`).join('; ');
/** Browsers ignore frame-ancestors in a meta tag (Chromium logs an error for it): only the header carries it. */
const inMeta = DIRECTIVES.filter(([name]) => name !== 'frame-ancestors');

/** The response header (main in production, the browser preview). */
export const CONTENT_SECURITY_POLICY = join(DIRECTIVES);

/** renderer/index.html's meta tag: the same policy minus what a meta tag cannot carry. */
export const META_CONTENT_SECURITY_POLICY = join(inMeta);

/** Vite's dev server injects CSS with <style> tags and talks to its HMR websocket. Development only (replaces the meta tag). */
export const DEV_CONTENT_SECURITY_POLICY = join(
  inMeta.map(([name, value]): [string, string] => {
    if (name === 'style-src') return [name, `${value} 'unsafe-inline'`];
    if (name === 'connect-src') return [name, `${value} ws://localhost:* ws://127.0.0.1:*`];
    return [name, value];
  }),
);
