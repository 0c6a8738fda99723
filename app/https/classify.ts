import { timedOutReason } from '../diagnose/catalogue.js';
import { DC_MESSAGES, MESSAGES } from '../facts/bitbucket.js';

/**
 * What a git HTTPS command's output says about the server's answer. Reads stdout and stderr both
 * (git prints a server's text/plain body as "remote: ..." lines). Pure.
 */

export type HttpsOutcomeKind =
  | 'ok'
  /** 401 to a credential: wrong username or secret, expired or revoked token. */
  | 'auth-rejected'
  /** 410 / CHANGE-3222: an app password. */
  | 'app-password-removed'
  /** 403 "Your credentials lack one or more required privilege scopes". */
  | 'missing-scope'
  /** 403 for another reason (no write permission, IP allowlist, two-step verification). */
  | 'forbidden'
  /** 404, or Bitbucket's "does not exist or you do not have access". */
  | 'not-found'
  /** No answer: DNS, connection, TLS, proxy, timeout, server error. */
  | 'unreachable'
  /** The server wanted a credential and there was none to give (prompts are off). */
  | 'no-credential'
  | 'unknown';

/** Extra facts the server's words give, for findings that name the real cause. */
export type HttpsHint = 'account-password' | 'may-not-have-access' | 'ip-not-allowed' | 'two-step-required' | 'basic-auth-disabled' | null;

export interface HttpsOutcome {
  kind: HttpsOutcomeKind;
  /** HTTP status when git told it. */
  status: number | null;
  hint: HttpsHint;
  /** Short reason for unreachable/unknown ("connection refused", "timed out after 15 s"). */
  reason: string | null;
  /** The server's own words ("remote: ..." lines without the prefix). */
  serverMessage: string[];
}

export interface GitCommandOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError: string | null;
}

/** curl's and git's words for "could not talk to the server", with the short reason to show. */
const UNREACHABLE: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/Could not resolve proxy:? ?([^\s;]*)/i, (m) => `could not resolve the proxy ${m[1] ?? ''}`.trim()],
  [/Could not resolve host:? ?([^\s;]*)/i, (m) => `could not resolve host ${m[1] ?? ''}`.trim()],
  [/Received HTTP code (\d+) from proxy/i, (m) => `the proxy refused the connection (HTTP ${m[1]})`],
  // Bounded like every pattern that scans ahead: unbounded, a line repeating its start takes quadratic time.
  [/Failed to connect to [^\n]{0,300}?: (Connection refused|Couldn't connect to server)/i, () => 'connection refused'],
  [/Connection refused/i, () => 'connection refused'],
  [/(Connection|Operation) timed out/i, () => 'the connection timed out'],
  [/(Network is unreachable|No route to host)/i, (m) => m[1]!.toLowerCase()],
  [/SSL certificate problem: ([^\n]+)/i, (m) => `certificate problem: ${m[1]!.trim()}`],
  [/server certificate verification failed[^\n]*/i, () => 'the server certificate could not be verified'],
  // The connection ended inside the TLS handshake, in each TLS library's words: GnuTLS (Debian's
  // git), OpenSSL/LibreSSL ("SSL_connect: ... in connection to host:port"), Windows' Schannel.
  [/gnutls_handshake\(\) failed: (?:Error in the pull function|The TLS connection was non-properly terminated)|SSL_connect: (?:SSL_ERROR_SYSCALL|Connection reset by peer|Connection was reset|Connection closed)|schannel: failed to receive handshake/i, () => 'the server closed the connection during the TLS handshake'],
  // Before any HTTP answer: during the handshake or the request, curl cannot tell which.
  [/Recv failure: (?:Connection reset by peer|Connection was reset)/i, () => 'the server reset the connection before answering'],
  [/(SSL|TLS|gnutls|schannel)[^\n]*?(handshake|connect error|routines)[^\n]*/i, () => 'the TLS connection failed'],
  [/Empty reply from server/i, () => 'the server closed the connection without answering'],
  [/Recv failure: ([^\n]+)/i, (m) => `the connection broke: ${m[1]!.trim()}`],
];

export function classifyGitHttpOutput(output: GitCommandOutput, timeoutMs: number): HttpsOutcome {
  const text = `${output.stdout}\n${output.stderr}`;
  const serverMessage = text
    .split('\n')
    .filter((line) => line.startsWith('remote: '))
    .map((line) => line.slice('remote: '.length).trim())
    .filter(Boolean);
  const outcome = (kind: HttpsOutcomeKind, status: number | null, hint: HttpsHint = null, reason: string | null = null): HttpsOutcome => ({ kind, status, hint, reason, serverMessage });

  if (output.timedOut) return outcome('unreachable', null, null, timedOutReason(timeoutMs));
  if (output.spawnError) return outcome('unknown', null, null, `git could not be started: ${output.spawnError}`);
  if (output.exitCode === 0) return outcome('ok', null);

  const statusMatch = /The requested URL returned error: (\d{3})/.exec(text);
  let status = statusMatch ? Number(statusMatch[1]) : null;
  if (status === null && /Authentication failed for '/.test(text)) status = 401;
  if (status === null && /repository '[^']*' not found/.test(text)) status = 404;

  // The server's words are matched anywhere: whether Bitbucket's lines carry the "remote: " prefix
  // (a text/plain body) is not confirmed for every answer.
  if (text.includes(MESSAGES.appPasswordChange) || text.includes(MESSAGES.appPasswordDeprecated) || status === 410) return outcome('app-password-removed', status);
  if (text.includes(MESSAGES.missingScopes)) return outcome('missing-scope', status ?? 403);
  // A 401 to a credential git sent ("Authentication failed") means the credential was refused,
  // whatever the body says: Bitbucket sends "You may not have access to this repository or it no
  // longer exists..." both for a repository the account cannot see and for an API token without
  // scopes (facts §12), so only without the 401 does that sentence mean "not found".
  if (status === 401) {
    const hint: HttpsHint = text.includes(MESSAGES.accountPasswordRefused) ? 'account-password' : text.includes(MESSAGES.mayNotHaveAccess) ? 'may-not-have-access' : null;
    return outcome('auth-rejected', 401, hint);
  }
  if (text.includes(MESSAGES.repoMissingOrNoAccess) || status === 404) return outcome('not-found', status);
  if (text.includes(MESSAGES.mayNotHaveAccess)) return outcome('not-found', status, 'may-not-have-access');
  if (status === 403) {
    const hint: HttpsHint = text.includes(MESSAGES.ipNotAllowed)
      ? 'ip-not-allowed'
      : text.includes(MESSAGES.twoStepRequired)
        ? 'two-step-required'
        : text.includes(DC_MESSAGES.basicAuthDisabled)
          ? 'basic-auth-disabled'
          : null;
    return outcome('forbidden', 403, hint, serverMessage[0] ?? null);
  }
  if (/could not read (Username|Password) for '[^']*': (terminal prompts disabled|No such device or address)/.test(text)) return outcome('no-credential', 401);
  for (const [pattern, reason] of UNREACHABLE) {
    const m = pattern.exec(text);
    if (m) return outcome('unreachable', status, null, reason(m));
  }
  if (status !== null && status >= 500) return outcome('unreachable', status, null, `the server answered HTTP ${status}`);
  const lastFatal = text.split('\n').reverse().find((line) => line.startsWith('fatal: ') || line.startsWith('error: '));
  return outcome('unknown', status, null, lastFatal ? lastFatal.replace(/^(fatal|error): /, '') : `git exited with ${output.exitCode}`);
}
