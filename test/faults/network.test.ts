import { describe, it } from 'vitest';
import { httpsRefusedBed, httpsServerBed, httpsUnresolvableBed, plinkBed, sshRefusedBed, sshServerBed, sshUnresolvableBed, type FaultBed } from './support/beds.js';
import { runFault, type Expected } from './support/check-fault.js';

/**
 * The fault suite, network half: real git (curl) and real OpenSSH (or PuTTY's plink) against local
 * servers that misbehave. Every case ends within its time limit with a finding that says what
 * happened, on every surface (engine API, CLI, the UI's handlers), and leaves no process behind.
 */
const cases: Array<[name: string, make: () => Promise<FaultBed>, expected: Expected]> = [
  // ── HTTPS ──
  ['HTTPS: a server that accepts and never answers', () => httpsServerBed({ behaviour: 'silent' }), { code: 'https.unreachable', title: /: timed out after 2 s\.$/ }],
  // curl says it differently per TLS library: GnuTLS "Recv failure", OpenSSL "SSL_connect: Connection reset".
  ['HTTPS: a server that resets the connection after the TLS ClientHello', () => httpsServerBed({ behaviour: 'reset' }), { code: 'https.unreachable', title: /: the server (reset the connection before answering|closed the connection during the TLS handshake)\.$/ }],
  ['HTTPS: a server that closes the connection during the TLS handshake', () => httpsServerBed({ behaviour: 'close' }), { code: 'https.unreachable', title: /: the server closed the connection during the TLS handshake\.$/ }],
  ['HTTPS: a server that drips its answer a byte a second', () => httpsServerBed({ behaviour: 'drip', tls: true, drip: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nslow' }), { code: 'https.unreachable', title: /: timed out after 2 s\.$/ }],
  ['HTTPS: a host name that does not resolve', httpsUnresolvableBed, { code: 'https.unreachable', title: /: could not resolve host bitbucket\.invalid\.$/ }],
  ['HTTPS: a port that refuses', httpsRefusedBed, { code: 'https.unreachable', title: /: connection refused\.$/ }],
  // ── SSH ──
  ['SSH: a server that accepts and never answers', () => sshServerBed({ behaviour: 'silent' }), { code: 'ssh.unreachable', title: /never sent its SSH greeting: timed out after 1 s\.$/ }],
  ['SSH: a server that resets the connection after the client version line', () => sshServerBed({ behaviour: 'reset' }), { code: 'ssh.unreachable', title: /: the server reset the connection during the SSH handshake, before authentication\.$/ }],
  ['SSH: a server that closes the connection after the client version line', () => sshServerBed({ behaviour: 'close' }), { code: 'ssh.unreachable', title: /: the server closed the connection during the SSH handshake, before authentication\.$/ }],
  // ssh's own ConnectTimeout (half the limit) covers the banner; on a loaded machine our 2 s limit may end ssh first.
  ['SSH: a server that drips its version line a byte a second', () => sshServerBed({ behaviour: 'drip', drip: 'SSH-2.0-OpenSSH_9.2\r\n' }),
    { code: 'ssh.unreachable', title: /: (?:the server accepted the connection but never sent its SSH greeting: )?timed out after [12] s\.$/ }],
  ['SSH: a host name that does not resolve', sshUnresolvableBed, { code: 'ssh.unreachable', title: /: the host name ssh\.bitbucket\.invalid could not be resolved\.$/ }],
  ['SSH: a port that refuses', sshRefusedBed, { code: 'ssh.unreachable', title: /: connection refused by 127\.0\.0\.1 port \d+ \(nothing accepts SSH there\)\.$/ }],
];

/** PuTTY's plink as git's ssh (GIT_SSH), against a Data Center the user declared. */
const plinkCases: typeof cases = [
  ['plink: a server whose host key PuTTY has not cached (batch mode)', () => plinkBed(), { code: 'ssh.host-unknown', title: /^PuTTY does not know 127\.0\.0\.1's host key yet, so a non-interactive push stops at "Cannot confirm a host key in batch mode"\.$/ }],
  ['plink: a port that refuses', () => plinkBed({ refused: true }), { code: 'ssh.unreachable', title: /: connection refused \(nothing accepts SSH there\)\.$/ }],
];

/** The fake plink is a Node script started through its #! line, which Windows cannot do. */
const windows = process.platform === 'win32' ? 'the fake plink is a script with a #! line, which Windows cannot start' : null;

describe.concurrent('fault suite: the network', () => {
  it.for(cases)('%s', ([, make, expected], { task }) => runFault(make, expected, task.meta));
});

describe.skipIf(windows).concurrent(`fault suite: PuTTY's plink${windows ? ` (skipped: ${windows})` : ''}`, () => {
  it.for(plinkCases)('%s', ([, make, expected], { task }) => runFault(make, expected, task.meta));
});
