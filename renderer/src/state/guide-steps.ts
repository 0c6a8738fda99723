/**
 * The step lists of the two guides (HTTPS token, SSH), which fix opens which guide at which step,
 * and which fix each step plans.
 */
import type { ExternalTarget } from '../../../app/contract/channels.js';
import type { FixId } from '../../../app/contract/report.js';

export const HTTPS_STEPS = ['clear', 'token', 'save', 'verify'] as const;
export type HttpsStep = (typeof HTTPS_STEPS)[number];

export const SSH_STEPS = ['generate', 'copy', 'add', 'trust', 'configure', 'test', 'switch', 'verify'] as const;
export type SshStep = (typeof SSH_STEPS)[number];

/** The step of the HTTPS guide each fix opens it at. */
export const HTTPS_ENTRY: Partial<Record<FixId, HttpsStep>> = {
  'credential.clear': 'clear',
  'credential.save-token': 'token',
  'open.api-token-page': 'token',
};
const SSH_ENTRY: ReadonlySet<FixId> = new Set(['ssh.generate-key', 'remote.use-ssh']);

/** Which screen a fix opens: the HTTPS token guide, the SSH guide, adding a key to the account, or the generic describe → confirm → apply. */
export function routeForFix(fixId: FixId): 'https' | 'ssh' | 'account-key' | 'fix' {
  if (HTTPS_ENTRY[fixId]) return 'https';
  if (SSH_ENTRY.has(fixId)) return 'ssh';
  if (fixId === 'ssh.add-key-to-account') return 'account-key';
  return 'fix';
}

/** Clearing a stale credential comes first only when that is the fix the user picked. */
export function httpsStepsFor(fixId: FixId): readonly HttpsStep[] {
  return HTTPS_ENTRY[fixId] === 'clear' ? HTTPS_STEPS : HTTPS_STEPS.filter((s) => s !== 'clear');
}

export function nextStep<S extends string>(steps: readonly S[], at: S): S {
  const i = steps.indexOf(at);
  return steps[Math.min(i + 1, steps.length - 1)] ?? at;
}

export function previousStep<S extends string>(steps: readonly S[], at: S): S | null {
  const i = steps.indexOf(at);
  return i > 0 ? (steps[i - 1] ?? null) : null;
}

/** The fix whose plan each step shows. */
export const HTTPS_STEP_PLAN: Partial<Record<HttpsStep, FixId>> = {
  clear: 'credential.clear',
  token: 'open.api-token-page',
  save: 'credential.save-token',
};
export const SSH_STEP_PLAN: Partial<Record<SshStep, FixId>> = {
  generate: 'ssh.generate-key',
  add: 'open.ssh-keys-page',
  trust: 'ssh.trust-host-keys',
  configure: 'ssh.configure-host',
};

/** open.* fixes are pages in the user's browser, opened by the main process through its allow-listed targets. */
export function externalTargetFor(fixId: FixId, path: string, remote: string | null): ExternalTarget | null {
  switch (fixId) {
    case 'open.api-token-page':
      return { kind: 'api-token' };
    case 'open.ssh-keys-page':
      return { kind: 'ssh-keys' };
    case 'open.repository-page':
      return remote ? { kind: 'repository', path, remote } : { kind: 'repository', path };
    default:
      return null;
  }
}
