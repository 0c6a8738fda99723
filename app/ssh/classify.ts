import { WINDOWS_BAD_PERMISSIONS, WINDOWS_TOO_OPEN } from '../facts/windows.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { MESSAGES } from '../facts/bitbucket.js';

/**
 * What an ssh or git-over-ssh run tells about the connection. Pure functions over exit code,
 * stdout and stderr: Bitbucket's stream for its greeting is undocumented, so both are read.
 * OpenSSH's wording is from its source (sshconnect.c, sshconnect2.c, authfile.c) and was checked
 * against the real OpenSSH 9.2 client.
 */
export type SshOutcomeKind =
  | 'ok'
  | 'host-unknown'
  | 'host-key-changed'
  | 'permission-denied'
  | 'repo-not-found'
  | 'deploy-key-read-only'
  | 'access-denied'
  | 'unreachable'
  | 'command-not-found'
  | 'failed';

/** How the server greeted an authenticated connection. */
export type Greeting = 'personal' | 'deploy' | 'legacy' | 'whoami' | 'git' | 'unknown';

export interface SshOutcome {
  kind: SshOutcomeKind;
  /** The output line that decided the outcome ('' when there was none). */
  line: string;
  /** Plain-words cause for unreachable / command-not-found / failed outcomes. */
  reason: string | null;
  greeting: Greeting | null;
  /** An account name the server revealed (Data Center `whoami`, the pre-2020 Cloud greeting). */
  username: string | null;
  /**
   * Private keys ssh refused to load: "Permissions 0644 for 'X' are too open." (mode ""
   * from OpenSSH for Windows, which names the account instead: `who`).
   */
  unprotectedKeys: Array<{ path: string; mode: string; who?: string }>;
  /** "Offending RSA key in FILE:LINE" of a changed host key. */
  offending: { keyType: string; file: string; line: number } | null;
}

export interface ProcessOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError: string | null;
}

export interface ClassifyOptions {
  /** Our own limit for the whole command. */
  timeoutMs: number;
  /** The ConnectTimeout we gave ssh, in seconds (it fires first on a silent server). */
  connectTimeoutSeconds?: number;
  /** What success looks like: Cloud's greeting on a shell, a `whoami` answer, or a git exchange. */
  expect: 'shell' | 'whoami' | 'git';
}

// Bounded, like every pattern here that scans ahead: an unbounded one, repeated on a long line, takes quadratic time.
const UNPROTECTED = /Permissions (0[0-7]+) for '([^'\n]{1,1024})' are too open\./g;
const WINDOWS_TOO_OPEN_LINE = new RegExp(WINDOWS_TOO_OPEN.source, 'g');
const WINDOWS_BAD_PERMISSIONS_LINE = new RegExp(WINDOWS_BAD_PERMISSIONS.source, 'gm');
// "** WARNING: connection is not using a post-quantum key exchange algorithm." and its two "** " lines:
// OpenSSH 10.1+ (macOS 26's ssh, openssh-portable sshconnect.c warn_nonpq_kex) for servers without one.
const BOILERPLATE = /^(fatal: Could not read from remote repository\.|Please make sure you have the correct access rights|and the repository exists\.|Pseudo-terminal will not be allocated|debug\d:|OpenSSH_|@+$|@ |\*\* )/;

/** POSIX: "Permissions 0644 for 'X'"; OpenSSH for Windows: "Bad permissions. Try removing permissions for user: WHO (SID) on file X." + "Permissions for 'X' are too open." */
function unprotectedKeysIn(text: string): SshOutcome['unprotectedKeys'] {
  const posix = [...text.matchAll(UNPROTECTED)].map((m) => ({ mode: m[1]!, path: m[2]! }));
  const who = new Map([...text.matchAll(WINDOWS_BAD_PERMISSIONS_LINE)].map((m) => [windowsKeyPath(m[3]!), m[1]!.replace(/\\\\/g, '\\')]));
  const windows = [...text.matchAll(WINDOWS_TOO_OPEN_LINE)].map((m) => {
    const file = windowsKeyPath(m[1]!);
    const user = who.get(file);
    return user ? { mode: '', path: file, who: user } : { mode: '', path: file };
  });
  return [...posix, ...windows];
}

/** OpenSSH for Windows prints paths escaped ('C:\\\\Users\\\\me/.ssh/id') and with either slash: one form for matching. */
function windowsKeyPath(printed: string): string {
  return printed.replace(/\\\\/g, '\\').replace(/\//g, '\\');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function classifySshOutput(output: ProcessOutput, options: ClassifyOptions): SshOutcome {
  const text = `${output.stderr}\n${output.stdout}`;
  const unprotectedKeys = unprotectedKeysIn(text);
  const base = { reason: null, greeting: null, username: null, unprotectedKeys, offending: null };
  const found = (pattern: RegExp) => {
    const match = pattern.exec(text);
    return match ? { match, line: lineAt(text, match.index) } : null;
  };
  const outcome = (kind: SshOutcomeKind, line: string, extra: Partial<SshOutcome> = {}): SshOutcome => ({ ...base, kind, line, ...extra });

  if (output.timedOut) return outcome('unreachable', '', { reason: timedOutReason(options.timeoutMs) });
  if (output.spawnError) return outcome('command-not-found', output.spawnError, { reason: output.spawnError });

  const notFound = found(/^(?:sh: \d+: (\S+): not found|(?:.*: )?(\S+): command not found|(?:error|fatal): cannot run (\S+): No such file or directory)$/m);
  if (notFound) return outcome('command-not-found', notFound.line, { reason: `${notFound.match[1] ?? notFound.match[2] ?? notFound.match[3]} was not found` });
  const notExecutable = found(/^(?:sh: \d+: (\S+): Permission denied|(?:error|fatal): cannot run (\S+): Permission denied)$/m);
  if (notExecutable) return outcome('command-not-found', notExecutable.line, { reason: `${notExecutable.match[1] ?? notExecutable.match[2]} is not executable` });

  const changed = found(/REMOTE HOST IDENTIFICATION HAS CHANGED|host key for \S+ has changed and you have requested strict checking|WARNING - POTENTIAL SECURITY BREACH!/i);
  if (changed) {
    const offending = /Offending (\S+) key in ([^\n]{1,1024}):(\d+)/.exec(text);
    return outcome('host-key-changed', changed.line.replace(/^@\s*|\s*@$/g, ''), {
      offending: offending ? { keyType: offending[1]!, file: offending[2]!, line: Number(offending[3]) } : null,
    });
  }
  const unknown = found(/No \S+ host key is known for .+ and you have requested strict checking\.|Host key verification failed\.|The host key is not cached for this server|Cannot confirm a host key in batch mode/);
  if (unknown) return outcome('host-unknown', unknown.line);

  const unreachable = unreachableReason(text, options);
  if (unreachable) return outcome('unreachable', unreachable.line, { reason: unreachable.reason });

  const conqMissing = found(new RegExp(escape(MESSAGES.conqRepoMissing)));
  if (conqMissing) return outcome('repo-not-found', conqMissing.line);
  const dcMissing = found(new RegExp(escape(MESSAGES.dcRepoNotFound)));
  if (dcMissing) return outcome('repo-not-found', dcMissing.line);
  const deploy = found(new RegExp(`${escape(MESSAGES.conqDeployKeyReadOnly)}|${escape(MESSAGES.conqDeployKeyWrongRepo)}`));
  if (deploy) return outcome('deploy-key-read-only', deploy.line);
  const denied = found(new RegExp(escape(MESSAGES.conqAccessDenied)));
  if (denied) return outcome('access-denied', denied.line);

  const personal = found(new RegExp(escape(MESSAGES.sshGreeting)));
  if (personal) return outcome('ok', personal.line, { greeting: 'personal' });
  const deployGreeting = found(new RegExp(escape(MESSAGES.sshDeployKeyGreeting)));
  if (deployGreeting) return outcome('ok', deployGreeting.line, { greeting: 'deploy' });
  const legacy = found(new RegExp(`^${escape(MESSAGES.sshLegacyGreeting)}(\\S+?)\\.?$`, 'm'));
  if (legacy) return outcome('ok', legacy.line, { greeting: 'legacy', username: legacy.match[1]! });

  // The method list is bounded: unbounded, a long line of "Permission denied (" without ")" takes quadratic time.
  const permission = found(/Permission denied \(([^)\n]{0,200})\)|Too many authentication failures|No supported authentication methods available|Cannot answer interactive prompts in batch mode/);
  if (permission) {
    const tooMany = /Too many authentication failures/.test(permission.line);
    const prompt = /Cannot answer interactive prompts in batch mode/.test(permission.line);
    const reason = tooMany
      ? 'ssh offered so many keys that the server stopped listening before the right one (Too many authentication failures).'
      : prompt
        ? 'PuTTY had no key the server accepted and wanted to ask for a password or passphrase, which batch mode forbids.'
        : null;
    return outcome('permission-denied', permission.line, { reason });
  }

  if (output.exitCode === 0) {
    if (options.expect === 'whoami') {
      const name = output.stdout.trim().split('\n')[0]?.trim() ?? '';
      return outcome('ok', name, { greeting: 'whoami', username: /^\S+$/.test(name) ? name : null });
    }
    return outcome('ok', firstMeaningfulLine(text), { greeting: options.expect === 'git' ? 'git' : 'unknown' });
  }
  const line = firstMeaningfulLine(text);
  return outcome('failed', line, { reason: line || `exited with code ${output.exitCode}` });
}

function unreachableReason(text: string, options: ClassifyOptions): { line: string; reason: string } | null {
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/ssh: connect to host (\S+) port (\d+): Connection refused/, (m) => `connection refused by ${m[1]} port ${m[2]} (nothing accepts SSH there)`],
    [/ssh: Could not resolve hostname (\S+?):/, (m) => `the host name ${m[1]} could not be resolved`],
    [/Connection timed out during banner exchange/, () => `the server accepted the connection but never sent its SSH greeting: ${timedOutReason((options.connectTimeoutSeconds ?? options.timeoutMs / 1000) * 1000)}`],
    [/ssh: connect to host (\S+) port (\d+): (?:Connection|Operation) timed out/, (m) => `connecting to ${m[1]} port ${m[2]} ${timedOutReason((options.connectTimeoutSeconds ?? options.timeoutMs / 1000) * 1000)}`],
    [/ssh: connect to host (\S+) port (\d+): (No route to host|Network is unreachable)/, (m) => `${m[1]} port ${m[2]}: ${m[3]!.toLowerCase()}`],
    [/kex_exchange_identification: read: Connection reset by peer|ssh_exchange_identification: .*reset|Connection reset by (?:remote host|\S+ port \d+)/, () => 'the server reset the connection during the SSH handshake, before authentication'],
    [/kex_exchange_identification: Connection closed by remote host|ssh_exchange_identification: .*closed|Connection closed by (?:remote host|\S+ port \d+)/, () => 'the server closed the connection during the SSH handshake, before authentication'],
    // PuTTY's plink (console.c prints fatal errors as "FATAL ERROR: ..."; doc/errors.but lists the network errors).
    [/FATAL ERROR: Network error: Connection refused/, () => 'connection refused (nothing accepts SSH there)'],
    [/FATAL ERROR: Network error: (?:Connection|Operation) timed out/, () => 'connecting to the server timed out'],
    [/FATAL ERROR: Network error: (No route to host|Network is unreachable)/, (m) => m[1]!.toLowerCase()],
    [/FATAL ERROR: (?:Network error: (?:Connection reset by peer|Software caused connection abort)|Remote side unexpectedly closed network connection)/, () => 'the server closed the connection before authentication'],
    [/Unable to open connection:\s+(?:Host does not exist|Name or service not known|nodename nor servname provided|Temporary failure in name resolution)/, () => 'the host name could not be resolved'],
  ];
  for (const [pattern, reason] of rules) {
    const match = pattern.exec(text);
    if (match) return { line: lineAt(text, match.index), reason: reason(match) };
  }
  return null;
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}

/** The first line that says something (not OpenSSH's banners, debug output or git's boilerplate). */
export function firstMeaningfulLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !BOILERPLATE.test(l)) ?? '';
}

// ─── ssh -v: which key was offered, accepted, refused ─────────────────────────────────────────────

export type AuthVerdict = 'authenticated' | 'no-key-offered' | 'key-rejected' | 'key-needs-passphrase' | 'key-permissions' | 'agent-refused' | 'unknown';

export interface OfferedKey {
  /** The path or agent comment ssh printed. */
  label: string;
  fingerprint: string | null;
  /** "explicit", "agent", ... as ssh prints it. */
  source: string | null;
}

export interface VerboseAuth {
  verdict: AuthVerdict;
  /** "Will attempt key:" lines: what ssh planned to try. */
  candidates: OfferedKey[];
  offered: OfferedKey[];
  accepted: OfferedKey | null;
  /** Identity files ssh looked for and did not find. */
  missing: string[];
  /** Private keys ssh refused to load ("bad permissions"). */
  badPermissions: string[];
}

/** Reads `ssh -v` output: no key offered, key rejected, or key accepted but unusable. Pure. */
export function classifyVerboseAuth(stderr: string): VerboseAuth {
  const keyLine = (prefix: string) =>
    [...stderr.matchAll(new RegExp(`^debug1: ${prefix}: (.*)$`, 'gm'))].map((m) => parseKeyLine(m[1]!));
  const candidates = keyLine('Will attempt key');
  const offered = keyLine('Offering public key');
  const accepted = keyLine('Server accepts key')[0] ?? null;
  const missing = [...stderr.matchAll(/^no such identity: (.+?): No such file or directory$/gm)].map((m) => m[1]!);
  const badPermissions = [...stderr.matchAll(/^Load key "(.+?)": bad permissions$/gm)].map((m) => m[1]!);
  let verdict: AuthVerdict = 'unknown';
  if (/^debug1: Authenticated to /m.test(stderr) || /^Authenticated to /m.test(stderr)) verdict = 'authenticated';
  else if (accepted) {
    if (accepted.label && badPermissions.includes(accepted.label)) verdict = 'key-permissions';
    else if (/agent refused operation/.test(stderr)) verdict = 'agent-refused';
    // Accepted by the server, then nothing could sign with it: the private key is locked.
    else verdict = 'key-needs-passphrase';
  } else if (offered.length > 0) verdict = 'key-rejected';
  else if (/Permission denied|No more authentication methods to try/.test(stderr)) verdict = badPermissions.length > 0 ? 'key-permissions' : 'no-key-offered';
  return { verdict, candidates, offered, accepted, missing, badPermissions };
}

/** "/p/id ED25519 SHA256:abc explicit", "/p/missing  explicit" (no key loaded) or the older "RSA SHA256:abc /p/id". */
function parseKeyLine(rest: string): OfferedKey {
  const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(rest)?.[0] ?? null;
  if (!fingerprint) {
    const bare = /^(.*?)\s{2,}(\S+)$/.exec(rest);
    return bare ? { label: bare[1]!, fingerprint: null, source: bare[2]! } : { label: rest.trim(), fingerprint: null, source: null };
  }
  const modern = /^(.*?) (?:[A-Z0-9-]+(?:-CERT)?) SHA256:\S+(?: (.+))?$/.exec(rest);
  if (modern) return { label: modern[1]!, fingerprint, source: modern[2] ?? null };
  const older = /^\S+ SHA256:\S+ (.+)$/.exec(rest);
  return { label: older ? older[1]! : rest, fingerprint, source: null };
}
