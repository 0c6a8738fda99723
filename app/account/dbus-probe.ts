import net from 'node:net';

/**
 * Does the D-Bus session bus answer at all? The native keyring library connects synchronously and
 * would block this process for good on a bus that accepts the connection and never speaks (a hung
 * daemon, a stale socket taken over by something else). So the bus is greeted first the way every
 * D-Bus client starts (the SASL "AUTH EXTERNAL" line): any answer ("OK", "REJECTED") proves a live
 * bus; silence within the deadline is reported instead of hanging. tcp: and other transports are not
 * probed (null).
 */
export async function probeSessionBus(address: string, timeoutMs: number, uid: number | undefined = process.getuid?.()): Promise<'answers' | 'silent' | 'refused' | null> {
  const path = unixPath(address);
  if (path === null) return null;
  return new Promise((resolve) => {
    const socket = net.connect(path);
    let settled = false;
    const done = (result: 'answers' | 'silent' | 'refused') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('silent'), timeoutMs);
    socket.on('connect', () => socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid ?? 0)).toString('hex')}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      if (/^(OK|REJECTED|ERROR|DATA)\b/.test(chunk.toString('latin1'))) done('answers');
    });
    socket.on('error', () => done('refused'));
    socket.on('close', () => done('refused'));
  });
}

/** The socket of the first unix: address ("unix:path=/run/user/1000/bus", "unix:abstract=/tmp/dbus-x,guid=..."). Pure. */
export function unixPath(address: string): string | null {
  for (const part of address.split(';')) {
    const match = /^unix:(.*)$/.exec(part.trim());
    if (!match) continue;
    const keys = Object.fromEntries(match[1]!.split(',').map((kv) => kv.split('=') as [string, string]));
    if (keys.path) return decodeURIComponent(keys.path);
    if (keys.abstract) return `\0${decodeURIComponent(keys.abstract)}`;
  }
  return null;
}
