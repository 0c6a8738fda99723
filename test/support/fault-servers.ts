import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createTestPki } from './bitbucket-http.js';

/**
 * Servers that misbehave the way broken networks and half-dead hosts do, on loopback, for the fault
 * suite. Each is a plain TCP (or TLS) server: the client side is the real git (curl) or OpenSSH.
 */
export type FaultBehaviour =
  /** Accepts the connection and never sends a byte (a dead service behind a live port). */
  | 'silent'
  /** Reads the client's first bytes (TLS ClientHello, SSH version line), then resets the connection (RST). */
  | 'reset'
  /** Reads the client's first bytes, then closes the connection cleanly (FIN). */
  | 'close'
  /** Sends `drip` one byte a second and nothing else. */
  | 'drip';

export interface FaultServerOptions {
  behaviour: FaultBehaviour;
  /** What a dripping server sends (over TLS when `tls` is set, after the handshake). */
  drip?: string;
  /** Complete the TLS handshake first (with a throwaway CA, `caFile`), then behave. */
  tls?: boolean;
}

export interface FaultServer {
  port: number;
  /** PEM file of the CA that signed the TLS certificate (tls only). */
  caFile: string | null;
  /** How many connections the server accepted. */
  readonly connections: number;
  stop(): Promise<void>;
}

export const DRIP_INTERVAL_MS = 1000;

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  let pkiDir: string | null = null;
  let caFile: string | null = null;

  const behave = (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    switch (options.behaviour) {
      case 'silent':
        return;
      case 'reset':
        socket.once('data', () => socket.resetAndDestroy());
        return;
      case 'close':
        socket.once('data', () => socket.destroy());
        return;
      case 'drip': {
        const bytes = Buffer.from(options.drip ?? 'x');
        let sent = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || sent >= bytes.length) return;
          socket.write(bytes.subarray(sent, sent + 1));
          sent++;
        }, DRIP_INTERVAL_MS);
        timers.add(timer);
        socket.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
      }
    }
  };

  let server: net.Server;
  if (options.tls) {
    pkiDir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-fault-pki-'));
    const pki = await createTestPki(pkiDir);
    caFile = pki.caFile;
    server = tls.createServer({ key: pki.key, cert: pki.cert }, behave);
    // Raw sockets too, so that stop() also ends connections still in their handshake.
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('tlsClientError', () => {});
  } else {
    server = net.createServer(behave);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    caFile,
    get connections() {
      return connections;
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (pkiDir) await rm(pkiDir, { recursive: true, force: true });
    },
  };
}
