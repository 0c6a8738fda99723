import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { git } from '../git/git.js';
import type { Secret } from '../secrets/secret.js';
import { classifySecret, classifyUsername, type SecretClassification, type UsernameKind } from './classify.js';
import { parseCredentialUrl } from './urlmatch.js';

/**
 * What the user's credential helpers hand git for a URL, asked the way git asks them during a
 * push: `git credential fill` in the repository (so repo, global and system config apply), never
 * prompting. Read-only: `fill` only runs the helpers' `get`.
 */

export interface CachedCredential {
  username: string | null;
  /** Registered in ctx.secrets. */
  secret: Secret;
  secretKind: SecretClassification;
  usernameKind: UsernameKind;
}

export type FillStatus = 'found' | 'username-only' | 'none' | 'timed-out' | 'failed';

export interface FillResult {
  status: FillStatus;
  credential: CachedCredential | null;
  /** The username git would send (from the URL, credential.username or a helper), even without a password. */
  username: string | null;
  /** How many helpers git ran; it stops at the first that answers with a username and a password. */
  helpersRun: number;
  /** Redacted lines: what the helpers and git said. */
  evidence: string[];
  /** A helper printed a line that is not `key=value` (git warns and stops reading it): which helper (0-based) and the line, redacted. */
  garbled: { helper: number; line: string } | null;
  durationMs: number;
}

/** A top-level helper run in GIT_TRACE output: `trace: run_command: 'git credential-store get'`. */
const HELPER_RUN = /trace: run_command: '.* get'$/;
const TRACE_LINE = /^\d\d:\d\d:\d\d\.\d+ \S+\s+trace: /;

export async function fillCredential(ctx: EngineContext, repoRoot: string, pushUrl: string, signal?: AbortSignal, extraEnv: NodeJS.ProcessEnv = {}): Promise<FillResult> {
  // A password written in the URL would make git skip the helpers: ask them about the URL without it.
  const url = withoutPassword(pushUrl);
  const result = await git(ctx, ['credential', 'fill'], {
    cwd: repoRoot,
    input: `url=${url}\n\n`,
    // Only the trace of which helpers ran is read from stderr; nothing of it is shown.
    env: { ...extraEnv, GIT_TRACE: '2' },
    signal,
  });
  // The password first, so that a helper repeating it on stderr is masked too.
  const fields = result.exitCode === 0 && !result.timedOut ? parseCredentialOutput(result.stdout) : {};
  const secret = fields.password === undefined ? null : ctx.secrets.wrap(fields.password);
  const stderrLines = result.stderr.split('\n');
  const helpersRun = stderrLines.filter((line) => TRACE_LINE.test(line) && HELPER_RUN.test(line)).length;
  // A helper may print anything on stderr, other secrets too (a refresh token in a debug line).
  const said = stderrLines.filter((line) => line.trim() && !TRACE_LINE.test(line)).map((line) => ctx.secrets.redactOpaque(line));
  const base = { helpersRun, durationMs: result.durationMs, garbled: garbledLine(ctx, stderrLines) };

  if (result.timedOut) {
    return { ...base, status: 'timed-out', credential: null, username: null, evidence: [`git credential fill ${timedOutReason(ctx.timeoutMs)}`, ...said] };
  }
  if (result.exitCode !== 0) {
    // "could not read Username/Password ...: terminal prompts disabled": the helpers had nothing.
    const username = /could not read Password for '[^']*?([^/@']+)@/.exec(result.stderr)?.[1] ?? parseCredentialUrl(url)?.username ?? null;
    const status: FillStatus = /terminal prompts disabled|could not read (Username|Password)/.test(result.stderr) ? (username ? 'username-only' : 'none') : 'failed';
    return { ...base, status, credential: null, username: username ? decodeSafe(username) : null, evidence: said };
  }

  if (secret === null) {
    return { ...base, status: fields.username ? 'username-only' : 'none', credential: null, username: fields.username ?? null, evidence: said };
  }
  const username = fields.username ?? null;
  const credential: CachedCredential = { username, secret, secretKind: classifySecret(secret), usernameKind: classifyUsername(username) };
  return { ...base, status: 'found', credential, username, evidence: said };
}

/** git's "warning: invalid credential line: X" (credential.c), with the helper that was running: the helper runs before it. */
function garbledLine(ctx: EngineContext, stderrLines: string[]): FillResult['garbled'] {
  const at = stderrLines.findIndex((line) => line.startsWith(INVALID_LINE));
  if (at === -1) return null;
  const helper = stderrLines.slice(0, at).filter((line) => TRACE_LINE.test(line) && HELPER_RUN.test(line)).length - 1;
  return { helper: Math.max(0, helper), line: ctx.secrets.redactOpaque(stderrLines[at]!.slice(INVALID_LINE.length)).slice(0, 80) };
}

const INVALID_LINE = 'warning: invalid credential line: ';

/** Parses "key=value" lines of the credential protocol. */
export function parseCredentialOutput(output: string): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {};
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

/** The URL with any userinfo password removed (the username stays: it selects the credential). */
export function withoutPassword(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/, '$1@');
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
