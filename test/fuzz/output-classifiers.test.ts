import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCredentialOutput } from '../../app/credentials/fill.js';
import { parseConfigWithOrigin } from '../../app/credentials/helpers.js';
import { MESSAGES } from '../../app/facts/bitbucket.js';
import { parseGitVersion } from '../../app/git/version.js';
import { classifyGitHttpOutput, type HttpsOutcomeKind } from '../../app/https/classify.js';
import { parseConfigZ } from '../../app/repo/repository.js';
import { redact } from '../../app/secrets/redact.js';
import { classifySshOutput, classifyVerboseAuth, firstMeaningfulLine, type SshOutcomeKind } from '../../app/ssh/classify.js';
import { parseSshG } from '../../app/ssh/client-config.js';
import { anyText, floodOf, textOf, timed } from './support/arbitraries.js';

/**
 * What git, curl, OpenSSH, PuTTY and credential helpers print is read by pure classifiers and
 * parsers. Whatever they print (any bytes, any length) these must answer, with a known kind, in
 * time linear in the output: a quadratic pattern on a megabyte of output hangs the app for minutes.
 */

/** Pieces of real output: server words, curl, git, OpenSSH and plink lines. */
const PIECES = [
  ...Object.values(MESSAGES),
  'remote: ',
  'fatal: ',
  'error: ',
  "fatal: unable to access 'https://bitbucket.org/a/b.git/': ",
  'The requested URL returned error: 401',
  'The requested URL returned error: 403',
  'The requested URL returned error: 410',
  "Authentication failed for 'https://bitbucket.org/a/b.git/'",
  "could not read Username for 'https://bitbucket.org': terminal prompts disabled",
  'Could not resolve host: bitbucket.org',
  'Failed to connect to 127.0.0.1 port 1 after 0 ms: Connection refused',
  'gnutls_handshake() failed: The TLS connection was non-properly terminated.',
  'OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to bitbucket.org:443 ',
  'Recv failure: Connection reset by peer',
  'SSL certificate problem: unable to get local issuer certificate',
  'ssh: connect to host bitbucket.org port 22: Connection refused',
  'ssh: Could not resolve hostname bitbucket.org: Name or service not known',
  'Connection timed out during banner exchange',
  'kex_exchange_identification: read: Connection reset by peer',
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
  'Offending RSA key in /home/u/.ssh/known_hosts:3',
  'Host key verification failed.',
  'No ED25519 host key is known for ssh.bitbucket.org and you have requested strict checking.',
  'git@ssh.bitbucket.org: Permission denied (publickey).',
  "Permissions 0644 for '/home/u/.ssh/id_ed25519' are too open.",
  'sh: 1: ssh: not found',
  'FATAL ERROR: Network error: Connection refused',
  'The host key is not cached for this server:',
  'FATAL ERROR: Cannot confirm a host key in batch mode',
  'Unable to open connection:',
  'debug1: Offering public key: /home/u/.ssh/id_ed25519 ED25519 SHA256:abc explicit',
  'debug1: Server accepts key: /home/u/.ssh/id_ed25519 ED25519 SHA256:abc explicit',
  'debug1: Will attempt key: /home/u/.ssh/id_rsa  explicit',
  'Load key "/home/u/.ssh/id_ed25519": bad permissions',
  'logged in as jdoe.',
  'https://jdoe:ATATT3xFfGF0secretsecretsecret@bitbucket.org/a/b.git',
  'password=hunter2',
  'Authorization: Basic dXNlcjpwYXNz',
  '-----BEGIN OPENSSH PRIVATE KEY-----',
];
const output = fc.oneof({ weight: 4, arbitrary: textOf(PIECES) }, { weight: 1, arbitrary: anyText });
const exitCode = fc.oneof(fc.constantFrom(0, 1, 128, 255), fc.constant(null), fc.integer());
const processOutput = fc.record({ exitCode, stdout: output, stderr: output, timedOut: fc.boolean(), spawnError: fc.option(anyText, { nil: null }) });

const HTTPS_KINDS: HttpsOutcomeKind[] = ['ok', 'auth-rejected', 'app-password-removed', 'missing-scope', 'forbidden', 'not-found', 'unreachable', 'no-credential', 'unknown'];
const SSH_KINDS: SshOutcomeKind[] = ['ok', 'host-unknown', 'host-key-changed', 'permission-denied', 'repo-not-found', 'deploy-key-read-only', 'access-denied', 'unreachable', 'command-not-found', 'failed'];

/** What a linear pass over a few hundred kilobytes may take, with room for a loaded machine; a quadratic one takes minutes. */
const FLOOD_BUDGET_MS = 1500;
/** Pieces that made, or could make, a backtracking pattern quadratic. */
const FLOOD_PIECES = ['x', 'x.', 'a://', 'https://', 'ATAT', 'remote: ', 'Permission denied (', 'debug1: Offering public key: ', '@', ':', ' ', 'password=', '-----BEGIN PRIVATE KEY-----', "Permissions 0644 for '", 'Failed to connect to ', 'Offending RSA key in ', "repository '", 'sh: 1: '];

describe('fuzz: the git and ssh output classifiers', () => {
  it('classifyGitHttpOutput answers every output with a known kind', () => {
    fc.assert(
      fc.property(processOutput, fc.integer({ min: 1, max: 600_000 }), (out, limit) => {
        const outcome = classifyGitHttpOutput(out, limit);
        expect(HTTPS_KINDS).toContain(outcome.kind);
        if (outcome.status !== null) expect(outcome.status).toBeGreaterThanOrEqual(100);
      }),
      { numRuns: 2000 },
    );
  });

  it('classifySshOutput answers every output with a known kind', () => {
    fc.assert(
      fc.property(processOutput, fc.constantFrom('shell', 'whoami', 'git') as fc.Arbitrary<'shell' | 'whoami' | 'git'>, (out, expect_) => {
        const outcome = classifySshOutput(out, { timeoutMs: 15_000, connectTimeoutSeconds: 14, expect: expect_ });
        expect(SSH_KINDS).toContain(outcome.kind);
        expect(typeof outcome.line).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('classifyVerboseAuth and firstMeaningfulLine never throw', () => {
    fc.assert(
      fc.property(output, (text) => {
        expect(['authenticated', 'no-key-offered', 'key-rejected', 'key-needs-passphrase', 'key-permissions', 'agent-refused', 'unknown']).toContain(classifyVerboseAuth(text).verdict);
        expect(firstMeaningfulLine(text)).not.toMatch(/\n/);
      }),
      { numRuns: 1000 },
    );
  });

  it('classifiers and redaction take linear time on floods of one piece', () => {
    fc.assert(
      fc.property(floodOf(FLOOD_PIECES), ({ text }) => {
        const out = { exitCode: 128, stdout: '', stderr: text, timedOut: false, spawnError: null };
        expect(timed(() => classifyGitHttpOutput(out, 15_000))).toBeLessThan(FLOOD_BUDGET_MS);
        expect(timed(() => classifySshOutput(out, { timeoutMs: 15_000, expect: 'shell' }))).toBeLessThan(FLOOD_BUDGET_MS);
        expect(timed(() => classifyVerboseAuth(text))).toBeLessThan(FLOOD_BUDGET_MS);
        expect(timed(() => redact(text))).toBeLessThan(FLOOD_BUDGET_MS);
        expect(timed(() => parseSshG(text, { homeDir: '/h', localUser: 'u', originalHost: 'h' }))).toBeLessThan(FLOOD_BUDGET_MS);
      }),
      { numRuns: 40 },
    );
  });

  // Found by the fault suite: an ssh command printed 3 MB of "x" on one line, and redacting it took
  // minutes (the URL pattern let every letter start a scan to the end of the line), with the event loop blocked.
  it('regression: a 3 MB line of one letter is redacted in linear time', () => {
    expect(timed(() => redact('x'.repeat(3_000_000)))).toBeLessThan(FLOOD_BUDGET_MS);
  });

  // Found by this fuzzing (seeds 186503150, -1742307370) and a sweep over every piece above: a piece
  // repeated on one line without its end (a ")", a "'", the rest of curl's message) took seconds for
  // 100-200 KB, a pattern scanning to the end of the line from each repetition.
  it.each([
    ['Permission denied (', 'Permission denied ('.repeat(10527)],
    ["Permissions 0644 for '", "Permissions 0644 for '".repeat(9091)],
  ])('regression: a line repeating %j is classified by classifySshOutput in linear time', (_piece, stderr) => {
    const out = { exitCode: 255, stdout: '', stderr, timedOut: false, spawnError: null };
    expect(timed(() => classifySshOutput(out, { timeoutMs: 15_000, expect: 'shell' }))).toBeLessThan(FLOOD_BUDGET_MS);
  });

  it('regression: a line repeating "Failed to connect to " is classified by classifyGitHttpOutput in linear time', () => {
    const out = { exitCode: 128, stdout: '', stderr: 'Failed to connect to '.repeat(4762), timedOut: false, spawnError: null };
    expect(timed(() => classifyGitHttpOutput(out, 15_000))).toBeLessThan(FLOOD_BUDGET_MS);
  });

  // The same sweep: ssh -G output with one key on thousands of lines took 23 s for 400 KB (each line copied the list).
  it('regression: ssh -G output repeating one key is parsed in linear time', () => {
    expect(timed(() => parseSshG("repository '\n".repeat(30770), { homeDir: '/h', localUser: 'u', originalHost: 'h' }))).toBeLessThan(FLOOD_BUDGET_MS);
  });
});

describe('fuzz: parsers of git and ssh output', () => {
  it('parse anything without throwing', () => {
    fc.assert(
      fc.property(output, anyText, (text, cwd) => {
        parseGitVersion(text);
        parseCredentialOutput(text);
        parseConfigZ(text);
        parseConfigWithOrigin(text.replace(/\n/g, '\0'), cwd || '/repo');
        const config = parseSshG(text, { homeDir: '/home/u', localUser: 'u', originalHost: 'ssh.bitbucket.org' });
        expect(config.port).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('parseGitVersion reads every version git prints, on every platform', () => {
    fc.assert(
      fc.property(fc.nat(9), fc.nat(60), fc.nat(20), fc.constantFrom('', '.windows.1', ' (Apple Git-146)', '.vfs.0.0', '\n'), (major, minor, patch, suffix) => {
        expect(parseGitVersion(`git version ${major}.${minor}.${patch}${suffix}`)).toEqual({ major, minor, patch });
      }),
      { numRuns: 500 },
    );
  });
});
