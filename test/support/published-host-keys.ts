import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PublishedHostKeysSource } from '../../app/context.js';
import { createTestPki } from './bitbucket-http.js';

/**
 * A stand-in for https://bitbucket.org/site/ssh: an HTTPS server on loopback with a certificate
 * from a throwaway CA, serving known_hosts lines. `source` is what a test puts into the engine
 * context's `publishedHostKeys` seam (the CLI never sets it).
 */
export interface PublishedKeysServer {
  /** Lines served at /site/ssh; change them between requests as needed. */
  lines: string[];
  /** How many times the list was fetched. */
  requests: number;
  /** The engine's seam: the list's URL and the CA that signed the server's certificate. */
  source: PublishedHostKeysSource;
  /** The same URL without the CA: TLS verification must refuse it. */
  untrustedSource: PublishedHostKeysSource;
  stop(): Promise<void>;
}

export async function startPublishedKeysServer(lines: string[], listen?: { host: string; port: number; name: string }): Promise<PublishedKeysServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'published-keys-'));
  const pki = await createTestPki(root, listen ? [listen.name] : []);
  const ca = await readFile(pki.caFile, 'utf8');
  const state = { lines, requests: 0 };
  const server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    if (req.url !== '/site/ssh') {
      res.writeHead(404).end();
      return;
    }
    state.requests++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(state.lines.map((l) => `${l}\n`).join(''));
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(listen?.port ?? 0, listen?.host ?? '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const url = listen ? `https://${listen.name}${port === 443 ? '' : `:${port}`}/site/ssh` : `https://127.0.0.1:${port}/site/ssh`;
  return {
    get lines() {
      return state.lines;
    },
    set lines(value: string[]) {
      state.lines = value;
    },
    get requests() {
      return state.requests;
    },
    source: { url, caCertificates: [ca] },
    untrustedSource: { url },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
