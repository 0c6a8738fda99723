import { z } from 'zod';
import type { EngineContext } from '../context.js';
import { LINKS } from '../facts/bitbucket.js';
import { accountApi } from './client.js';
import { CLOUD_SITE } from './link.js';
import { resolveAccount } from './resolve.js';

/**
 * A key added to the user's Bitbucket account: a change outside this computer, journaled so that
 * undo can delete it again (with a token that has the delete scope), or say where to remove it.
 * Recorded before the key is added (its id is filled in once Bitbucket returns it); the
 * fingerprint identifies it either way.
 */
export const accountKeyStepSchema = z.object({
  kind: z.literal('account-key'),
  site: z.string(),
  /** Data Center's REST base URL (null for Cloud). */
  baseUrl: z.string().nullable(),
  fingerprint: z.string(),
  label: z.string(),
  keyId: z.string().nullable(),
});
export type AccountKeyStep = z.infer<typeof accountKeyStepSchema>;

export function describeAccountKeyStep(step: AccountKeyStep): string {
  return `SSH key ${step.fingerprint} ("${step.label}") on the Bitbucket account at ${step.site}`;
}

/** Where the user removes the key by hand when undo cannot. */
export function removeByHand(step: AccountKeyStep): string {
  return step.site === CLOUD_SITE ? `remove it at ${LINKS.sshKeys}` : `remove it on ${step.site} under Manage account, SSH keys`;
}

async function connect(ctx: EngineContext, step: AccountKeyStep) {
  const resolved = await resolveAccount(ctx, step.site);
  if (!resolved.ok) return null;
  const api = accountApi(ctx, resolved.link);
  const { user } = await api.whoami();
  return { api, user };
}

/** Is the key on the account now? 'unknown' when the account cannot be asked (not linked, offline). */
export async function accountKeyState(ctx: EngineContext, step: AccountKeyStep): Promise<'present' | 'absent' | 'unknown'> {
  try {
    const connected = await connect(ctx, step);
    if (!connected) return 'unknown';
    const { keys } = await connected.api.listKeys(connected.user);
    return keys.some((k) => k.fingerprint === step.fingerprint) ? 'present' : 'absent';
  } catch {
    return 'unknown';
  }
}

/** Deletes the key (found by fingerprint); false when it could not be (no link, no delete scope, offline). */
export async function removeAccountKey(ctx: EngineContext, step: AccountKeyStep): Promise<boolean> {
  try {
    const connected = await connect(ctx, step);
    if (!connected) return false;
    const { keys } = await connected.api.listKeys(connected.user);
    const key = keys.find((k) => k.fingerprint === step.fingerprint);
    if (!key) return true;
    await connected.api.deleteKey(connected.user, key.id);
    return true;
  } catch {
    return false;
  }
}
