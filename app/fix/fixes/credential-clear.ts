import type { EngineContext } from '../../context.js';
import { sameSecret, SECRET_KIND_LABELS } from '../../credentials/classify.js';
import { fillCredential, type CachedCredential } from '../../credentials/fill.js';
import { credentialSite, describeHolding, eraseCredential, findHoldings, type CredentialSite, type Holding } from '../credential-holders.js';
import { detectWsl, isWindowsProgram } from '../../platform/wsl.js';
import { loadHttpsRemote } from '../remote-target.js';
import { fixPlan, type Fix, type FixOutcome, type FixScope } from '../types.js';

/** What each apply removed, for its verify (kept in memory only). */
const removed = new WeakMap<FixOutcome, CachedCredential>();

interface Cleared {
  site: CredentialSite;
  credential: CachedCredential & { username: string };
  holdings: Holding[];
}

/** The credential git sends for the remote's push URL now, and every place that holds it; or why there is none. */
async function stale(ctx: EngineContext, scope: FixScope): Promise<Cleared | { reason: string; nothingSaved: boolean }> {
  const loaded = await loadHttpsRemote(ctx, scope);
  if (!loaded.ok) return { reason: loaded.reason, nothingSaved: false };
  if (loaded.target.pushUrl.password) return { reason: 'The password git sends is written in the remote URL, not saved in a helper: take it out with remote.remove-secret.', nothingSaved: false };
  const site = await credentialSite(ctx, loaded.target);
  const fill = await fillCredential(ctx, site.repoRoot, site.url);
  const credential = fill.credential;
  if (!credential) return { reason: `No credential for ${site.host} is saved; nothing to remove.`, nothingSaved: true };
  if (credential.username === null) return { reason: `The saved credential for ${site.host} has no username; remove it with your keychain's own tool.`, nothingSaved: false };
  const holdings = await findHoldings(ctx, site, credential.username);
  if (!holdings.length) return { reason: `git gets the credential for ${site.host} from a helper that cannot erase it (${fill.evidence[0] ?? 'unknown helper'}).`, nothingSaved: false };
  return { site, credential: { ...credential, username: credential.username }, holdings };
}

/** A holder that is Git Credential Manager for Windows started from WSL (Windows' Credential Manager, shared with Windows). */
async function holdsOnWindowsSide(ctx: EngineContext, holdings: readonly Holding[]): Promise<boolean> {
  const wsl = await detectWsl(ctx);
  return !!wsl && holdings.some((h) => h.kind === 'helper' && isWindowsProgram(wsl, h.helper.program));
}

const what = (c: Cleared) => `${c.credential.username}@${c.site.host} (${SECRET_KIND_LABELS[c.credential.secretKind.kind]} ${c.credential.secret.masked})`;

/**
 * credential.clear: erases the credential git sends for the remote's push URL from every helper
 * that holds it (store files: every line for that host and user, duplicates too). Other hosts and
 * other users are untouched. Undo saves it back.
 */
export const clearCredential: Fix = {
  id: 'credential.clear',

  async describe(ctx, scope) {
    const found = await stale(ctx, scope);
    if ('reason' in found) return fixPlan(this.id, { applicable: false, reason: found.reason });
    const details = ['Credentials for other hosts and other usernames stay as they are.', 'Undo puts the removed credential back.'];
    if (await holdsOnWindowsSide(ctx, found.holdings)) {
      details.push("In WSL, Git Credential Manager for Windows keeps it in Windows' Credential Manager: Git for Windows on this PC stops sending it too, and undo puts it back there.");
    }
    return fixPlan(this.id, {
      applicable: true,
      changes: found.holdings.map((h) => ({ target: describeHolding(ctx, h), action: `Remove the saved credential ${what(found)}` })),
      details,
    });
  },

  async inEffect(ctx, scope) {
    const found = await stale(ctx, scope);
    return 'reason' in found && found.nothingSaved ? { inEffect: true, outcome: { message: found.reason } } : { inEffect: false };
  },

  async apply(ctx, scope, change) {
    const found = await stale(ctx, scope);
    if ('reason' in found) throw new Error(found.reason);
    await eraseCredential(ctx, change, found.site, found.holdings, found.credential.username);
    const outcome = { message: `Removed the saved credential ${what(found)} from ${found.holdings.map((h) => describeHolding(ctx, h)).join(' and ')}.` };
    removed.set(outcome, found.credential);
    return outcome;
  },

  async verify(ctx, scope, outcome) {
    const was = removed.get(outcome);
    const loaded = await loadHttpsRemote(ctx, scope);
    if (!was || !loaded.ok) return { ok: false, detail: loaded.ok ? 'nothing was removed' : loaded.reason };
    const site = await credentialSite(ctx, loaded.target);
    const now = (await fillCredential(ctx, site.repoRoot, site.url)).credential;
    if (now && now.username === was.username && sameSecret(now.secret, was.secret)) return { ok: false, detail: 'git credential fill still returns the old credential' };
    return { ok: true, detail: now ? `git credential fill now returns another saved credential (${now.username})` : 'git credential fill returns no saved credential' };
  },
};
