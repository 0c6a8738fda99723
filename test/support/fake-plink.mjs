#!/usr/bin/env node
// A stand-in for PuTTY's plink as git runs it, for the fault suite: a real SSH client (ssh2) that
// connects, exchanges keys and then behaves like plink on a machine whose host key cache is empty.
// PuTTY keeps host keys in its own cache (the registry on Windows, ~/.putty/sshhostkeys elsewhere),
// never in OpenSSH's known_hosts, so on a fresh machine every connection stops at the host key.
//
// Messages as PuTTY prints them (PuTTY source: unix/console.c "Cannot confirm a host key in batch
// mode"; console.c prefixes fatal errors with "FATAL ERROR: "; ssh/common.c builds the host key
// text ending in "Connection abandoned."; doc/errors.but "Network error: Connection refused" /
// "Connection reset by peer"; windows/network.c "Host does not exist"; unix/plink.c "Unable to open
// connection:"). The English host key lines are as captured from plink 0.83.
// Exit status 1 on every failure, like plink.
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import ssh2 from 'ssh2';

const args = process.argv.slice(2);
let batch = false;
let port = 22;
let user = null;
let destination = null;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  // Everything after the destination is the remote command (git-receive-pack ...): not needed here.
  if (destination !== null) break;
  if (arg === '-batch') batch = true;
  else if (arg === '-P') port = Number(args[++i]);
  else if (arg === '-l') user = args[++i];
  else if (arg === '-i' || arg === '-hostkey') i++;
  else if (['-T', '-t', '-v', '-ssh', '-4', '-6', '-A', '-a', '-N', '-C', '-agent', '-noagent', '-no-antispoof'].includes(arg)) continue;
  else if (arg.startsWith('-')) fail(`plink: unknown option "${arg}"`, false);
  else destination = arg;
}
if (destination === null) fail('plink: no host name given', false);
const at = destination.lastIndexOf('@');
const host = at === -1 ? destination : destination.slice(at + 1);
user ??= at === -1 ? null : destination.slice(0, at);

function fail(message, fatal = true) {
  process.stderr.write(`${fatal ? 'FATAL ERROR: ' : ''}${message}\n`);
  process.exit(1);
}

try {
  await lookup(host);
} catch {
  process.stderr.write('Unable to open connection:\nHost does not exist\n');
  process.exit(1);
}

const client = new ssh2.Client();
let verified = false;
client.on('error', (error) => {
  if (verified) return;
  const reasons = { ECONNREFUSED: 'Connection refused', ECONNRESET: 'Connection reset by peer', ETIMEDOUT: 'Connection timed out' };
  const reason = reasons[error.code];
  fail(reason ? `Network error: ${reason}` : 'Remote side unexpectedly closed network connection');
});
client.on('close', () => {
  if (!verified) fail('Remote side unexpectedly closed network connection');
});
client.connect({
  host,
  port,
  username: user ?? process.env.USER ?? 'user',
  readyTimeout: 24 * 3600 * 1000,
  algorithms: { serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] },
  hostVerifier: (key) => {
    const type = key.subarray(4, 4 + key.readUInt32BE(0)).toString();
    const fingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
    const bits = type === 'ssh-ed25519' ? 255 : type.startsWith('ecdsa') ? 256 : 2048;
    const lines = [
      'The host key is not cached for this server:',
      `  ${host} (port ${port})`,
      'You have no guarantee that the server is the',
      'computer you think it is.',
      `The server's ${type} key fingerprint is:`,
      `  ${type} ${bits} ${fingerprint}`,
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    // The cache is empty: in batch mode plink gives up here; otherwise it would ask, and with no
    // answer on stdin (git never gives one) it abandons the connection too.
    if (!batch) process.stderr.write('Store key in cache? (y/n, Return cancels connection, i for more info) \n');
    process.stderr.write('Connection abandoned.\n');
    verified = true;
    if (batch) fail('Cannot confirm a host key in batch mode');
    process.exit(1);
  },
});
