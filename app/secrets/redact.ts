import { maskSecret } from './mask.js';

/**
 * Patterns that are secrets wherever they appear, even when the engine never saw them as such
 * (a token inside a URL in a config file, a private key pasted into a log).
 */
const PATTERNS: Array<[RegExp, (match: string, ...groups: string[]) => string, needle: RegExp]> = [
  // PEM and OpenSSH private key blocks
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, () => '[private key redacted]', /-----BEGIN /],
  // userinfo password in URLs: scheme://user:password@host. Every part is bounded: unbounded, each
  // letter of a long run of letters starts a scan to its end (minutes for a megabyte of output).
  [/([a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]{0,256}):([^/\s@]{1,1024})@/gi, (_m, head: string, pw: string) => `${head}:${maskSecret(decodeSafe(pw))}@`, /:\/\//],
  // Authorization headers
  [/(authorization:\s*(?:basic|bearer|token)\s+)([A-Za-z0-9+/=._~-]+)/gi, (_m, head: string, v: string) => `${head}${maskSecret(v)}`, /authorization:/i],
  // password= lines of the git credential protocol
  [/^(\s*password=)(.+)$/gm, (_m, head: string, v: string) => `${head}${maskSecret(v)}`, /password=/],
  // Atlassian token shapes: API tokens, app passwords, access tokens, Data Center tokens
  [/\b(?:ATAT|ATBB|ATCT)[A-Za-z0-9_=+/-]{16,}|\bBBDC-[A-Za-z0-9+/@_-]{20,}/g, (m) => maskSecret(m), /AT[ABC][TB]|BBDC-/],
];

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Removes secrets from text before it is shown, logged or serialised: the exact values the engine
 * knows about (also URL-encoded), then anything shaped like a secret.
 */
export function redact(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length < 4) continue;
    const forms = new Set([secret, encodeURIComponent(secret)]);
    // A literal, replaced everywhere (split/join: no pattern to build for text that lacks it).
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(maskSecret(secret));
  }
  // Each pattern only where its fixed part occurs: a quick look first keeps megabytes of output cheap.
  for (const [pattern, replace, needle] of PATTERNS) if (needle.test(out)) out = out.replace(pattern, replace as (m: string) => string);
  return out;
}

/** A maximal run of token characters, 16 or more, that is not part of a path (no slash or backslash beside it). */
const OPAQUE_WORD = /(?<![\w.~+\-/\\])[\w.~+-]{16,}(?![\w.~+\-/\\])/g;

/**
 * For text written by someone else, where neither the run's secrets nor the patterns can know what
 * a secret looks like (a shell snippet in a repository's config, what a login shell printed): also
 * masks every long opaque word, a run of 16 or more token characters mixing at least two of lower
 * case, upper case and digits, as generated tokens and passwords do. Words of a path are kept.
 */
export function redactOpaque(text: string, known: Iterable<string> = []): string {
  return redact(text, known).replace(OPAQUE_WORD, (word) => {
    const kinds = Number(/[a-z]/.test(word)) + Number(/[A-Z]/.test(word)) + Number(/\d/.test(word));
    return kinds >= 2 ? maskSecret(word) : word;
  });
}
