/**
 * The browser preview: the built renderer (out/renderer) and the REAL engine handlers on one
 * loopback origin, so the guide runs in a normal browser without Electron. A development and test
 * tool only: it lives under scripts/, which electron-builder never packages.
 *
 * Security (see ./access.ts): 127.0.0.1 only, random port, a random token per run required on every
 * API request, Host and Origin checked (DNS-rebinding safe), every payload validated by the same
 * handler table main uses, the app's strict CSP on every page, no CORS answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { createContext, type EngineContext } from '../../app/context.js';
import { REQUEST_CHANNELS, type EventChannel, type EventChannels, type RequestChannel } from '../../app/contract/channels.js';
import type { EngineServices } from '../../app/service/engine.js';
import { engineServices } from '../../app/service/engine-wiring.js';
import { failure } from '../../app/service/errors.js';
import { createService, type HandlerTable } from '../../app/service/handlers.js';
import type { EventSink } from '../../app/service/main-services.js';
import { createStateStore } from '../../app/service/state-store.js';
import { CONTENT_SECURITY_POLICY } from '../../main/csp.js';
import { findRendererFile, RENDERER_CONTENT_TYPES } from '../../main/renderer-files.js';
import { checkApiRequest, checkHost, previewOrigin } from './access.js';
import { PROJECT_ROOT, RENDERER_OUT } from './renderer-build.js';

export interface PreviewServerOptions {
  /** The engine's environment: HOME, PATH, GIT_* (default: this process's). Tests pass a throwaway home's. */
  env?: NodeJS.ProcessEnv;
  /** Recent repositories and settings (default: a fresh temporary folder, removed by stop()). */
  stateDir?: string;
  /** Hosts to treat as Bitbucket Data Center (as `--bitbucket-host`). */
  bitbucketHosts?: string[];
  /** The engine (default: the real one, engineServices()). */
  engine?: EngineServices;
  /** Adjusts each request's engine context (tests: seams such as a host-key source). */
  adjustContext?: (ctx: EngineContext) => EngineContext;
  /** The built renderer to serve (default out/renderer). */
  rendererDir?: string;
  /** 0 (default): a free port chosen by the system. */
  port?: number;
}

export interface PreviewServer {
  /** The address to open: origin plus `#token=…` (the fragment never reaches the server). */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  /** Everything written to the clipboard (reports, public keys, fingerprints), oldest first: the preview's clipboard. */
  clipboard: string[];
  /** Every address `external.open` was asked for; nothing is opened. */
  opened: string[];
  /** The handler table the API serves. */
  handlers: HandlerTable;
  /** Sends an event to every connected page, as main does (e.g. repo.requested for a second launch). */
  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void;
  /** Closes the event streams, the sockets and the server; removes the temporary state folder. */
  stop(): Promise<void>;
}

const BRIDGE_PATH = '/__preview/bridge.js';
const FAVICON = path.join(PROJECT_ROOT, 'build', 'icons', '32x32.png');
const MAX_BODY_BYTES = 256 * 1024;
/** Headers on every answer: the app's CSP (as main sends it), and nothing another site can embed or sniff. */
const COMMON_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The bridge, compiled from TypeScript for the browser on start (a few milliseconds). */
async function bundleBridge(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, 'scripts', 'preview', 'client', 'bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    minify: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** index.html with the bridge as a classic script before the app's module script (which runs deferred). */
export function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_PATH}"></script>`;
  const at = html.search(/<script\b[^>]*type="module"/);
  if (at === -1) throw new Error('out/renderer/index.html has no module script to put the bridge before');
  return `${html.slice(0, at)}${tag}\n    ${html.slice(at)}`;
}

/** The request body as text, or null when it is larger than any valid request (the rest is drained unread). */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startPreviewServer(options: PreviewServerOptions = {}): Promise<PreviewServer> {
  const rendererDir = path.resolve(options.rendererDir ?? RENDERER_OUT);
  const indexHtml = injectBridge(await readFile(path.join(rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`${rendererDir}/index.html is missing: build the renderer first (npm run build).`);
  }));
  const bridge = await bundleBridge();
  const token = randomBytes(32).toString('base64url');
  const ownStateDir = options.stateDir ? null : await mkdtemp(path.join(os.tmpdir(), 'push-doctor-preview-'));
  const stateDir = options.stateDir ?? ownStateDir!;

  const streams = new Set<http.ServerResponse>();
  const events: EventSink = {
    emit(event, payload) {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const stream of streams) stream.write(frame);
    },
  };
  const clipboard: string[] = [];
  const opened: string[] = [];
  const engine = options.engine ?? engineServices();
  const store = createStateStore(stateDir);
  const contextFor = ({ timeoutMs }: { timeoutMs: number }) => {
    const ctx = createContext({ env: options.env ?? process.env, timeoutMs, bitbucketHosts: options.bitbucketHosts });
    return options.adjustContext ? options.adjustContext(ctx) : ctx;
  };
  const { handlers, retester } = createService({
    engine,
    store,
    events,
    createContext: contextFor,
    // Main's services, as a browser page can have them.
    main: {
      clipboard: { writeText: (text) => void clipboard.push(text) },
      // Recorded, not opened: the page then shows the address to open by hand.
      openExternal: async (url) => {
        opened.push(url);
        return false;
      },
      // A browser page cannot show the system's folder dialog: drop a folder instead.
      chooseFolder: async () => null,
    },
  });

  let port = 0;
  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, ...extra });
    res.end(body);
  };
  const sendJson = (res: http.ServerResponse, status: number, value: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

  async function serveApi(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    const isEvents = pathname === '/api/events';
    const access = checkApiRequest(req.headers, port, token, { requireOrigin: !isEvents });
    if (!access.ok) return sendJson(res, 403, failure('untrusted-sender', `Refused: ${access.reason}.`));
    if (isEvents) {
      if (req.method !== 'GET') return sendJson(res, 405, failure('invalid-request', 'Use GET.'));
      res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      res.write('event: ready\ndata: {}\n\n');
      streams.add(res);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      keepAlive.unref();
      req.on('close', () => {
        clearInterval(keepAlive);
        streams.delete(res);
      });
      return;
    }
    const channel = /^\/api\/request\/([a-z]+\.[a-zA-Z]+)$/.exec(pathname)?.[1];
    if (!channel || !(REQUEST_CHANNELS as readonly string[]).includes(channel)) return sendJson(res, 404, failure('not-found', 'No such request.'));
    if (req.method !== 'POST') return sendJson(res, 405, failure('invalid-request', 'Use POST.'));
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, failure('invalid-request', 'Send JSON.'));
    const body = await readBody(req);
    if (body === null) return sendJson(res, 413, failure('invalid-request', 'The request is too large.'));
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return sendJson(res, 400, failure('invalid-request', 'The request is not valid JSON.'));
    }
    // The handler validates the payload against the channel's schema, exactly as in main.
    sendJson(res, 200, await handlers[channel as RequestChannel](payload));
  }

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });
    if (pathname === BRIDGE_PATH) return send(res, 200, RENDERER_CONTENT_TYPES['.js']!, bridge);
    if (pathname === '/' || pathname === '/index.html') return send(res, 200, RENDERER_CONTENT_TYPES['.html']!, indexHtml);
    // Browsers ask for it on their own; the app's icon keeps the tab recognisable (and the console clean).
    if (pathname === '/favicon.ico') return send(res, 200, RENDERER_CONTENT_TYPES['.png']!, await readFile(FAVICON));
    const found = await findRendererFile(rendererDir, pathname);
    if (!found) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    send(res, 200, found.type, await readFile(found.file));
  }

  const server = http.createServer((req, res) => {
    const host = checkHost(req.headers, port);
    if (!host.ok) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden\n');
    const pathname = new URL(req.url ?? '/', previewOrigin(port)).pathname;
    const serve = pathname.startsWith('/api/') ? serveApi : serveStatic;
    serve(req, res, pathname).catch(() => {
      if (!res.headersSent) sendJson(res, 500, failure('failed', 'The preview server failed to answer.'));
      else res.end();
    });
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as net.AddressInfo).port;
  const origin = previewOrigin(port);

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    clipboard,
    opened,
    handlers,
    emit: (event, payload) => events.emit(event, payload),
    async stop() {
      retester.dispose();
      for (const stream of streams) stream.end();
      streams.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownStateDir) await rm(ownStateDir, { recursive: true, force: true });
    },
  };
}
