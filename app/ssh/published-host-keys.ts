import https from 'node:https';
import tls from 'node:tls';
import type { EngineContext, PublishedHostKeysSource } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { PUBLISHED_HOST_KEYS, PUBLISHED_HOST_KEYS_URL, type PublishedHostKey } from '../facts/bitbucket.js';
import { parseKnownHostsLine } from './known-hosts.js';

/** The list is a few lines; anything much larger is not it. */
const MAX_BYTES = 256 * 1024;
const MAX_REDIRECTS = 3;

/** The host keys ssh.trust-host-keys may trust, and where they come from. */
export interface TrustedHostKeys {
  keys: PublishedHostKey[];
  /** fetched: Bitbucket's list over verified TLS; built-in: the fingerprints in the facts module. */
  source: 'fetched' | 'built-in';
  /** One line for the plan: where the keys come from (and why the list was not used, if so). */
  note: string;
}

/**
 * Parses known_hosts text as Bitbucket publishes it ("bitbucket.org ssh-ed25519 AAAA..."): plain
 * entries only (markers and hashed names are not part of the list), each key once. Pure.
 */
export function parsePublishedHostKeys(text: string): PublishedHostKey[] {
  const keys: PublishedHostKey[] = [];
  text.split('\n').forEach((line, index) => {
    const entry = parseKnownHostsLine(line, index + 1);
    if (entry === 'skip' || entry === null || entry.marker || entry.hashed) return;
    if (!keys.some((k) => k.type === entry.keyType && k.key === entry.key)) keys.push({ type: entry.keyType, key: entry.key, fingerprint: entry.fingerprint });
  });
  return keys;
}

/**
 * Fetches the published list over HTTPS with certificate and host name verification (Node's
 * defaults; `rejectUnauthorized` is never turned off), following at most a few https redirects.
 */
export function fetchPublishedHostKeys(source: PublishedHostKeysSource, timeoutMs: number): Promise<PublishedHostKey[]> {
  const ca = source.caCertificates?.length ? [...tls.rootCertificates, ...source.caCertificates] : undefined;
  const deadline = Date.now() + timeoutMs;
  const get = (url: string, redirects: number): Promise<PublishedHostKey[]> =>
    new Promise((resolve, reject) => {
      if (!url.startsWith('https://')) return reject(new Error(`${url} is not an https:// address`));
      const request = https.get(url, { ca, headers: { 'user-agent': 'push-doctor', accept: 'text/plain' } }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location && redirects < MAX_REDIRECTS) {
          response.resume();
          resolve(get(new URL(response.headers.location, url).toString(), redirects + 1));
          return;
        }
        if (status !== 200) {
          response.resume();
          return reject(new Error(`${url} answered HTTP ${status}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BYTES) request.destroy(new Error(`${url} sent more than ${MAX_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          const keys = parsePublishedHostKeys(Buffer.concat(chunks).toString('utf8'));
          if (keys.length === 0) reject(new Error(`${url} holds no host keys`));
          else resolve(keys);
        });
        response.on('error', reject);
      });
      const timer = setTimeout(() => request.destroy(new Error(timedOutReason(timeoutMs))), Math.max(0, deadline - Date.now()));
      request.on('close', () => clearTimeout(timer));
      request.on('error', reject);
    });
  return get(source.url, 0);
}

/**
 * Bitbucket Cloud's host keys: the published list fetched over verified TLS when it can be
 * reached, else the fingerprints built into the facts module. Never a key from anywhere else.
 */
export async function trustedCloudHostKeys(ctx: EngineContext): Promise<TrustedHostKeys> {
  const source = ctx.publishedHostKeys ?? { url: PUBLISHED_HOST_KEYS_URL };
  try {
    const keys = await fetchPublishedHostKeys(source, ctx.timeoutMs);
    return { keys, source: 'fetched', note: `Bitbucket's published host keys, fetched over verified HTTPS from ${source.url}` };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    return {
      keys: [...PUBLISHED_HOST_KEYS],
      source: 'built-in',
      note: `Bitbucket's published host keys as built into Push Doctor (${source.url} could not be fetched: ${reason})`,
    };
  }
}
