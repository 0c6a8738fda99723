/**
 * The renderer's Content Security Policy, in one place: main sends it as a response header in
 * production, renderer/index.html carries the same string in its meta tag (a test keeps them equal),
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

export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');

/** Vite's dev server injects CSS with <style> tags and talks to its HMR websocket. Development only. */
export const DEV_CONTENT_SECURITY_POLICY = DIRECTIVES.map(([name, value]) => {
  if (name === 'style-src') return `${name} ${value} 'unsafe-inline'`;
  if (name === 'connect-src') return `${name} ${value} ws://localhost:* ws://127.0.0.1:*`;
  return `${name} ${value}`;
}).join('; ');
