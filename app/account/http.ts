import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { timedOutReason } from '../diagnose/catalogue.js';

/**
 * One HTTPS request to a Bitbucket REST API: certificate and host name always verified, a hard
 * deadline, a bounded body, no redirects followed (a redirect could carry the Authorization header
 * elsewhere). The credential travels only in the Authorization header: never in the URL, never in
 * an error message (errors here name the host and the reason, nothing else).
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** "Basic ..." or "Bearer ...": built by the caller at the last moment from a Secret. */
  authorization: string;
  body?: unknown;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), besides the system's. */
  caCertificates?: string[];
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
}

export type TransportKind = 'timeout' | 'network' | 'tls' | 'cancelled';

/** No answer at all: the reason is one short phrase ("timed out after 15 s", "connection refused"). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportKind,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** An account API answer is a few kilobytes per page; anything far larger is not one. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Linux CA bundles (git and curl trust these): the first one that exists is added to Node's own roots. */
const LINUX_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/**
 * node:https and node:tls take about 20 ms to load: only when a request is really made, not at every
 * start of `push-doctor diagnose` (most diagnoses have no linked account to ask about).
 */
const loadTls = async () => (await import('node:tls')).default;
const loadHttps = async () => (await import('node:https')).default;

let systemRoots: Promise<string[]> | null = null;

/**
 * The roots this machine trusts, so that a company's TLS-inspecting proxy trusted by git is trusted
 * here too: the operating system's store where Node can read it (tls.getCACertificates('system'),
 * Node 22.15+ and Electron's Node), else the Linux bundle file, plus Node's bundled roots and
 * NODE_EXTRA_CA_CERTS.
 */
function machineRoots(): Promise<string[]> {
  systemRoots ??= (async () => {
    const tls = await loadTls();
    const roots = [...tls.rootCertificates];
    const getCa = (tls as unknown as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
    if (getCa) {
      try {
        return [...roots, ...getCa('system'), ...getCa('extra')];
      } catch {
        // Older Node: fall through to the files.
      }
    }
    const files = [...(process.platform === 'linux' ? LINUX_CA_BUNDLES : []), process.env.NODE_EXTRA_CA_CERTS].filter((f): f is string => Boolean(f));
    for (const file of files) {
      const pem = await readFile(file, 'utf8').catch(() => null);
      if (pem) roots.push(...splitPem(pem));
    }
    return roots;
  })();
  return systemRoots;
}

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  if (url.protocol !== 'https:') throw new TransportError('network', `${url.host} is not an https:// address`);
  if (url.username || url.password) throw new TransportError('network', 'credentials never go in the URL');
  const ca = [...(await machineRoots()), ...(request.caCertificates ?? [])];
  const https = await loadHttps();
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  const host = url.host;

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: TransportError) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const req = https.request(
      url,
      {
        method: request.method,
        ca,
        headers: {
          authorization: request.authorization,
          accept: 'application/json',
          'user-agent': 'push-doctor',
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) req.destroy(new Error(`${host} sent more than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: parseJson(text) });
        });
        response.on('error', (error) => fail(transportError(error, host)));
      },
    );
    const timer = setTimeout(() => {
      fail(new TransportError('timeout', timedOutReason(request.timeoutMs)));
      req.destroy();
    }, request.timeoutMs);
    const onAbort = () => {
      fail(new TransportError('cancelled', 'cancelled'));
      req.destroy();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    });
    req.on('error', (error) => fail(transportError(error, host)));
    if (request.signal?.aborted) onAbort();
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Node's network errors as one phrase, the way curl's would be said. */
function transportError(error: unknown, host: string): TransportError {
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('network', `could not resolve host ${host.replace(/:\d+$/, '')}`);
  if (code === 'ECONNREFUSED') return new TransportError('network', 'connection refused');
  if (code === 'ECONNRESET' || code === 'EPIPE') return new TransportError('network', 'the connection was reset');
  if (code === 'ETIMEDOUT') return new TransportError('timeout', 'the connection timed out');
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return new TransportError('network', 'network is unreachable');
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|altnames/i.test(`${code} ${e.message ?? ''}`)) {
    return new TransportError('tls', `the certificate of ${host} could not be verified (${code || 'TLS error'})`);
  }
  return new TransportError('network', (e.message ?? String(error)).split('\n')[0]!.slice(0, 160));
}
