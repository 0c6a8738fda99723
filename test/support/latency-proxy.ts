import net from 'node:net';

export interface LatencyProxy {
  port: number;
  stop(): Promise<void>;
}

/**
 * A TCP proxy on loopback that adds network latency: every chunk is delivered `rttMs / 2` after it
 * arrived, in each direction, in order — so each request/response round trip costs `rttMs` more,
 * like a distant server. Used by the benchmark to compare the diagnosis with the manual procedure.
 */
export async function startLatencyProxy(targetPort: number, rttMs: number, targetHost = '127.0.0.1'): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const delay = rttMs / 2;
  const pipeDelayed = (from: net.Socket, to: net.Socket) => {
    let last = 0;
    from.on('data', (chunk) => {
      // Never deliver before an earlier chunk: keep the stream in order.
      const due = Math.max(Date.now() + delay, last);
      last = due;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
    from.on('end', () => {
      const due = Math.max(Date.now() + delay, last);
      setTimeout(() => to.end(), due - Date.now());
    });
  };
  const server = net.createServer((client) => {
    // The TCP handshake costs a round trip too: connect upstream only after one RTT.
    client.pause();
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const timer = setTimeout(() => {
      if (client.destroyed) return;
      const upstream = net.connect(targetPort, targetHost);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      client.on('error', () => upstream.destroy());
      pipeDelayed(client, upstream);
      pipeDelayed(upstream, client);
      client.resume();
    }, rttMs);
    client.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
