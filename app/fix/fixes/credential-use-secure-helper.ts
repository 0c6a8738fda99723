import { readFile } from 'node:fs/promises';
import type { EngineContext } from '../../context.js';
import { sameSecret } from '../../credentials/classify.js';
import { fillCredential } from '../../credentials/fill.js';
import { describeHelper, resolveHelpers } from '../../credentials/helpers.js';
import type { StoreEntry } from '../../credentials/store-file.js';
import type { Secret } from '../../secrets/secret.js';
import { helperCall } from '../credential-io.js';
import { credentialSite, keyFor, siteBaseUrl, storeEntryFor, type CredentialSite } from '../credential-holders.js';
import { removeStoreEntries } from '../edit/credential-store.js';
import { applyGcmSetting, describeGcmSetting, planSkipValidation, type GcmSettingPlan } from '../gcm-settings.js';
import { loadHttpsRemote } from '../remote-target.js';
import { applyHelperConfig, chooseSecureHelper, describeHelperConfig, helperLabel, isSecure, planHelperConfig, plaintextEntries, type HelperConfigPlan } from '../secure-helper.js';
import { fixPlan, type Fix, type FixOutcome, type FixScope } from '../types.js';

/** What each apply moved, for its verify (in memory only). */
const movedBy = new WeakMap<FixOutcome, Pick<MovePlan, 'helper' | 'moves'>>();

interface MovePlan {
  site: CredentialSite;
  /** The helper that keeps the credentials from now on ("libsecret"). */
  helper: string;
  /** The URL-scoped setting; null when only secure helpers apply already. */
  config: HelperConfigPlan | null;
  note: string | null;
  /** Plain-text lines for this site, per file. */
  plaintext: StoreEntry[];
  /** What moves into the keychain: the first line per username (the one git's store answers with). */
  moves: Array<{ username: string; password: Secret }>;
  /** Git Credential Manager as the keeper: its check that throws API tokens away, switched off for this site. */
  gcmSetting: GcmSettingPlan | null;
}

async function planMove(ctx: EngineContext, scope: FixScope): Promise<MovePlan | { reason: string; inEffect: boolean }> {
  const loaded = await loadHttpsRemote(ctx, scope);
  if (!loaded.ok) return { reason: loaded.reason, inEffect: false };
  const site = await credentialSite(ctx, loaded.target);
  const plaintext = await plaintextEntries(ctx, site);
  for (const entry of plaintext) if (entry.password) ctx.secrets.add(entry.password);
  const helpers = site.helpers.helpers;
  const alreadySecure = helpers.length > 0 && helpers.every(isSecure);
  if (alreadySecure && plaintext.length === 0) {
    return { reason: `git already keeps credentials for ${siteBaseUrl(site)} in ${helpers.map((h) => helperLabel(h.value)).join(' and ')} only.`, inEffect: true };
  }
  let helper = helpers[0]?.value ?? '';
  let config: HelperConfigPlan | null = null;
  let note: string | null = null;
  if (!alreadySecure) {
    const choice = await chooseSecureHelper(ctx);
    if (!choice.ok) return { reason: choice.reason, inEffect: false };
    const planned = await planHelperConfig(ctx, site, choice.helper);
    if (!planned.ok) return { reason: planned.reason, inEffect: false };
    helper = choice.helper;
    config = planned.plan;
    note = choice.note;
  }
  const moves: MovePlan['moves'] = [];
  for (const entry of plaintext) {
    if (entry.username && entry.password && !moves.some((m) => m.username === entry.username)) moves.push({ username: entry.username, password: entry.password });
  }
  const keeper = config ? [{ ...describeHelper(helper, ctx.homeDir, site.repoRoot), origin: { scope: config.scope, file: config.file, key: config.key }, runnable: 'yes' as const }] : helpers;
  const gcm = await planSkipValidation(ctx, site, loaded.target.bitbucket.kind === 'cloud', keeper);
  if (!gcm.ok) return { reason: gcm.reason, inEffect: false };
  return { site, helper, config, note, plaintext, moves, gcmSetting: gcm.plan };
}

function byFile(entries: readonly StoreEntry[]): Map<string, number[]> {
  const files = new Map<string, number[]>();
  for (const e of entries) files.set(e.file, [...(files.get(e.file) ?? []), e.line]);
  return files;
}

/**
 * credential.use-secure-helper: makes git keep the credentials of this Bitbucket site in the
 * system keychain (libsecret on Linux, osxkeychain on macOS, Git Credential Manager on Windows),
 * for this site's URL only, and moves the credential out of the plain-text store file into it.
 */
export const useSecureHelper: Fix = {
  id: 'credential.use-secure-helper',

  async describe(ctx, scope) {
    const plan = await planMove(ctx, scope);
    if ('reason' in plan) return fixPlan(this.id, { applicable: false, reason: plan.reason });
    const label = helperLabel(plan.helper);
    const changes = [
      ...(plan.config ? [{ target: plan.config.file, action: describeHelperConfig(plan.config) }] : []),
      ...plan.moves.map((m) => ({ target: label, action: `Save the credential ${m.username}@${plan.site.host} (${m.password.masked}) taken from the plain-text file` })),
      ...[...byFile(plan.plaintext)].map(([file, lines]) => ({ target: file, action: `Remove line${lines.length === 1 ? '' : 's'} ${lines.join(', ')} (${plan.site.host}); lines of other hosts stay as they are` })),
      ...(plan.gcmSetting ? [{ target: plan.gcmSetting.file, action: describeGcmSetting(plan.gcmSetting) }] : []),
    ];
    const details = [`Only ${siteBaseUrl(plan.site)} uses ${label}; other hosts keep their helpers.`, ...(plan.note ? [plan.note] : [])];
    return fixPlan(this.id, { applicable: true, changes, details });
  },

  async inEffect(ctx, scope) {
    const plan = await planMove(ctx, scope);
    return 'reason' in plan && plan.inEffect ? { inEffect: true, outcome: { message: plan.reason } } : { inEffect: false };
  },

  async apply(ctx, scope, change) {
    const plan = await planMove(ctx, scope);
    if ('reason' in plan) throw new Error(plan.reason);
    // Into the keychain first, out of the file second: at no point is the credential lost.
    for (const move of plan.moves) await change.setCredential({ helper: plan.helper, key: keyFor(plan.site, move.username), password: move.password, cwd: plan.site.repoRoot });
    for (const file of byFile(plan.plaintext).keys()) {
      const edited = removeStoreEntries(await readFile(file, 'utf8'), file, storeEntryFor(plan.site, null));
      if (edited.removed) await change.writeFile(file, edited.text, { sensitive: true });
    }
    if (plan.config) await applyHelperConfig(change, plan.config, plan.site.repoRoot);
    if (plan.gcmSetting) await applyGcmSetting(change, plan.gcmSetting);
    const moved = plan.moves.length ? `; moved ${plan.moves.map((m) => `${m.username}@${plan.site.host}`).join(', ')} out of the plain-text file` : '';
    const outcome = { message: `git now keeps the credentials for ${siteBaseUrl(plan.site)} in ${helperLabel(plan.helper)}${moved}.` };
    movedBy.set(outcome, plan);
    return outcome;
  },

  async verify(ctx, scope, outcome) {
    const loaded = await loadHttpsRemote(ctx, scope);
    if (!loaded.ok) return { ok: false, detail: loaded.reason };
    const site = await credentialSite(ctx, loaded.target);
    const helpers = (await resolveHelpers(ctx, site.repoRoot, site.url)).helpers;
    if (!helpers.length || !helpers.every(isSecure)) return { ok: false, detail: `git still asks ${helpers.map((h) => h.value).join(', ') || 'no helper'}` };
    if ((await plaintextEntries(ctx, site)).length) return { ok: false, detail: 'a plain-text line for this site is still there' };
    const moved = movedBy.get(outcome);
    for (const move of moved?.moves ?? []) {
      const kept = await helperCall(ctx, moved!.helper, 'get', keyFor(site, move.username), null, site.repoRoot);
      if (!kept.password || !sameSecret(kept.password, move.password)) return { ok: false, detail: `${helperLabel(moved!.helper)} does not return the moved credential of ${move.username}` };
    }
    const now = (await fillCredential(ctx, site.repoRoot, site.url)).credential;
    return { ok: true, detail: `git asks only ${helpers.map((h) => h.value).join(', ')}${now ? ` and gets ${now.username}'s credential` : ''}` };
  },
};
