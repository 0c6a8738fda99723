/**
 * The diagnosis data model: what `push-doctor diagnose --json` prints and what the UI renders.
 * Pure types and constants only (no Node imports): the renderer compiles this file too.
 */

export const SCHEMA_VERSION = 1 as const;

/** Stable finding codes. Adding one is fine; renaming or removing one breaks scripts and tests. */
export const FINDING_CODES = [
  // git itself
  'git.missing',
  'git.no-answer',
  'git.too-old',
  // remote URL and repository
  'remote.none',
  'remote.invalid-url',
  'remote.not-bitbucket',
  'remote.username-is-email',
  'remote.secret-in-url',
  'remote.legacy-ssh-host',
  'repo.commands-not-run',
  // HTTPS: helpers and what they cache
  'https.no-helper',
  'https.helper-missing',
  'https.plaintext-store',
  'https.no-cached-credential',
  'https.app-password',
  'https.account-password',
  'https.cached-username-is-email',
  'https.access-token-username',
  'https.gcm-revalidation',
  'https.helper-failed',
  'https.gcm-store-limit',
  // HTTPS: how git connects (certificates, proxy)
  'https.ssl-verify-off',
  'https.custom-ca',
  'https.proxy',
  // HTTPS: what the server said
  'https.auth-rejected',
  'https.token-refused',
  'https.token-username-mismatch',
  'https.missing-scope',
  'https.read-only',
  'https.forbidden',
  'https.basic-auth-disabled',
  'https.repo-not-found',
  'https.unreachable',
  'https.ok',
  // SSH: local setup
  'ssh.command-not-found',
  'ssh.config-invalid',
  'ssh.command-hangs',
  'ssh.no-key',
  'ssh.key-permissions',
  'ssh.key-needs-passphrase',
  'ssh.agent-mismatch',
  'ssh.host-unknown',
  'ssh.host-key-changed',
  // SSH: what the server said
  'ssh.permission-denied',
  'ssh.deploy-key-read-only',
  'ssh.read-only',
  'ssh.repo-not-found',
  'ssh.unreachable',
  'ssh.ok',
  // SSH against the linked Bitbucket account
  'ssh.key-not-on-account',
  'ssh.account-key-not-offered',
  // the linked Bitbucket account itself
  'account.token-invalid',
  'account.token-scopes',
  'account.unreachable',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'error' | 'warning' | 'info';

/** A fix offered for a finding: alternatives, the recommended one first. */
export interface FixRef {
  id: FixId;
  title: string;
  /** true when the user must supply something (a token, a username, a passphrase). */
  needsInput: boolean;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Remote name the finding is about, or null for repo-wide findings. */
  remote: string | null;
  /** One plain-words sentence. */
  title: string;
  /** The actual cause and what to do, in plain words. */
  detail: string;
  /** Redacted lines the engine saw (command output, config lines). */
  evidence: string[];
  fixes: FixRef[];
}

export type CheckStatus = 'ok' | 'warning' | 'error' | 'skipped';

export interface CheckResult {
  /** Stable check id, e.g. "https.write". */
  id: string;
  status: CheckStatus;
  durationMs: number;
  /** Remote the check ran for, or null. */
  remote: string | null;
  /** Human title, e.g. "Push access over HTTPS". */
  title: string;
  /** One-line outcome, e.g. "Bitbucket accepted the cached API token for push". */
  summary: string;
}

export type Verdict = 'ok' | 'problems' | 'unknown';

export interface DiagnoseReport {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Repository root that was diagnosed. */
  path: string;
  verdict: Verdict;
  findings: Finding[];
  checks: CheckResult[];
}

/** Progress while a diagnosis runs (the UI shows each check as it starts and ends). */
export type DiagnoseProgress =
  | { type: 'check-started'; id: string; remote: string | null; title: string }
  | { type: 'check-finished'; check: CheckResult };

// ─── Fixes ────────────────────────────────────────────────────────────────────────────────────────

/** Stable fix ids, referenced by findings and by `push-doctor fix FIX_ID`. */
export const FIX_IDS = [
  'credential.clear',
  'credential.save-token',
  'credential.use-secure-helper',
  'credential.gcm-skip-validation',
  'credential.gcm-use-dpapi',
  'remote.use-token-username',
  'remote.set-username',
  'remote.remove-secret',
  'remote.use-ssh',
  'remote.use-https',
  'remote.use-ssh-host',
  'ssh.generate-key',
  'ssh.fix-key-permissions',
  'ssh.add-key-to-agent',
  'ssh.configure-host',
  'ssh.trust-host-keys',
  'ssh.use-windows-openssh',
  'ssh.add-key-to-account',
  'open.api-token-page',
  'open.ssh-keys-page',
  'open.repository-page',
] as const;
export type FixId = (typeof FIX_IDS)[number];

export function isFixId(value: string): value is FixId {
  return (FIX_IDS as readonly string[]).includes(value);
}
