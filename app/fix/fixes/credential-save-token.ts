import type { EngineContext } from '../../context.js';
import type { PlannedChange } from '../../contract/fixes.js';
import { sameSecret, SECRET_KIND_LABELS } from '../../credentials/classify.js';
import { fillCredential, type CachedCredential } from '../../credentials/fill.js';
import { describeHelper, type ConfiguredHelper } from '../../credentials/helpers.js';
import type { RemoteTarget } from '../../diagnose/target.js';
import { SCOPE_REPO_READ, SCOPE_REPO_WRITE } from '../../facts/bitbucket.js';
import type { Secret } from '../../secrets/secret.js';
import { credentialSite, describeHolding, eraseCredential, findHoldings, saveCredential, siteBaseUrl, type CredentialSite } from '../credential-holders.js';
import { applyGcmSetting, describeGcmSetting, planSkipValidation, type GcmSettingPlan } from '../gcm-settings.js';
import type { ChangeRecorder } from '../change-recorder.js';
import { loadHttpsRemote } from '../remote-target.js';
import { applyHelperConfig, chooseSecureHelper, describeHelperConfig, helperLabel, isSecure, planHelperConfig, type HelperConfigPlan } from '../secure-helper.js';
import { tokenShapeProblem } from '../token-shape.js';
import { credentialProblem } from '../token-test.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

/** Where the new token goes, decided before anything changes. */
interface SavePlan {
  target: RemoteTarget;
  site: CredentialSite;
  /** The helpers git will ask (and the token is saved in), in git's order. */
  helpers: ConfiguredHelper[];
  /** With no usable helper: the secure helper configured as part of this fix. */
  configure: HelperConfigPlan | null;
  configureNote: string | null;
  /** What git sends now, to be replaced. */
  current: CachedCredential | null;
  /** GCM re-validates stored Bitbucket credentials in a way API tokens fail: switched off for this site. */
  gcmSetting: GcmSettingPlan | null;
}

function helperName(ctx: EngineContext, helper: ConfiguredHelper): string {
  return helper.kind === 'store' ? `the plain-text store ${helper.storeFile ?? '~/.git-credentials'}` : `the credential helper "${ctx.secrets.redact(helper.value)}"`;
}

async function planSave(ctx: EngineContext, scope: FixScope): Promise<SavePlan | { reason: string }> {
  const loaded = await loadHttpsRemote(ctx, scope);
  if (!loaded.ok) return { reason: loaded.reason };
  const { target } = loaded;
  if (target.pushUrl.password) return { reason: 'The remote URL holds a password, so git never asks a credential helper: take it out first (remote.remove-secret).' };
  const site = await credentialSite(ctx, target);
  let helpers = site.helpers.helpers.filter((h) => h.runnable !== 'no');
  let configure: HelperConfigPlan | null = null;
  let configureNote: string | null = null;
  if (helpers.length === 0) {
    // Saving where no helper will read it would leave the next push failing: configure the secure one.
    const choice = await chooseSecureHelper(ctx);
    if (!choice.ok) return { reason: `No credential helper is configured to remember a token, and ${choice.reason.charAt(0).toLowerCase()}${choice.reason.slice(1)}` };
    const config = await planHelperConfig(ctx, site, choice.helper);
    if (!config.ok) return { reason: config.reason };
    configure = config.plan;
    configureNote = choice.note;
    helpers = [{ ...describeHelper(choice.helper, ctx.homeDir, site.repoRoot), origin: { scope: configure.scope, file: configure.file, key: configure.key }, runnable: 'yes' }];
  }
  const current = site.helpers.helpers.length ? (await fillCredential(ctx, site.repoRoot, site.url)).credential : null;
  const gcm = await planSkipValidation(ctx, site, target.bitbucket.kind === 'cloud', helpers);
  if (!gcm.ok) return { reason: gcm.reason };
  return { target, site, helpers, configure, configureNote, current, gcmSetting: gcm.plan };
}

function plannedChanges(ctx: EngineContext, plan: SavePlan, holdings: Awaited<ReturnType<typeof findHoldings>>): PlannedChange[] {
  const changes: PlannedChange[] = [];
  if (plan.configure) changes.push({ target: plan.configure.file, action: describeHelperConfig(plan.configure) });
  if (plan.current) {
    const label = `${plan.current.username ?? '(no username)'}@${plan.site.host} (${SECRET_KIND_LABELS[plan.current.secretKind.kind]} ${plan.current.secret.masked})`;
    for (const h of holdings) changes.push({ target: describeHolding(ctx, h), action: `Replace the saved credential ${label}` });
  }
  for (const helper of plan.helpers) changes.push({ target: helperName(ctx, helper), action: `Save your username and the new token for ${plan.site.host}, once Bitbucket accepted it for reading and pushing` });
  if (plan.gcmSetting) changes.push({ target: plan.gcmSetting.file, action: describeGcmSetting(plan.gcmSetting) });
  return changes;
}

function plannedDetails(ctx: EngineContext, plan: SavePlan): string[] {
  const details = [
    `Use an API token with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}, and your Bitbucket username (not your email).`,
    'The token is first tested with a real read and a push check, with your saved credentials switched off; nothing is saved unless both work.',
  ];
  if (plan.configure) {
    details.push(`No credential helper is configured${plan.site.helpers.helpers.length ? ' that can run' : ''}, so git could not remember the token: ${helperLabel(plan.configure.helper)} is set up for ${siteBaseUrl(plan.site)} only.`);
    if (plan.configureNote) details.push(plan.configureNote);
  } else if (!plan.helpers.some(isSecure)) {
    const plain = plan.helpers.some((h) => h.kind === 'store');
    details.push(
      plain
        ? 'The "store" helper keeps the token unencrypted in a file any program running as you can read. "Store credentials in the system\'s secure keychain" (credential.use-secure-helper) keeps it encrypted instead.'
        : 'None of your credential helpers is a system keychain. credential.use-secure-helper keeps the token in the system keychain.',
    );
  }
  const required = plan.site.username;
  if (required) details.push(`git asks for the credential of "${required}" (from the remote URL or credential.username): the username must be "${required}".`);
  return details;
}

async function saveToken(ctx: EngineContext, change: ChangeRecorder, plan: SavePlan, username: string, secret: Secret): Promise<void> {
  const { site } = plan;
  if (plan.configure) await applyHelperConfig(change, plan.configure, site.repoRoot);
  // The stale entry goes in the same transaction (for another username: same-user entries are replaced by the save).
  const old = plan.current?.username;
  if (old && old !== username) await eraseCredential(ctx, change, site, await findHoldings(ctx, site, old), old);
  await saveCredential(ctx, change, site, plan.helpers, username, secret);
  if (plan.gcmSetting) await applyGcmSetting(change, plan.gcmSetting);
}

/**
 * credential.save-token: checks the token's shape, tests it with a real read and push check (the
 * user's helpers switched off), and only then saves it through the helpers git asks, replacing the
 * stale entry in the same transaction. With no usable helper, the platform's secure helper is
 * configured for this site as part of the fix, so that the next push finds the token.
 */
export const saveTokenFix: Fix = {
  id: 'credential.save-token',

  async describe(ctx, scope) {
    const plan = await planSave(ctx, scope);
    if ('reason' in plan) return fixPlan(this.id, { applicable: false, reason: plan.reason });
    const holdings = plan.current?.username ? await findHoldings(ctx, plan.site, plan.current.username) : [];
    return fixPlan(this.id, { applicable: true, inputs: ['username', 'token'], changes: plannedChanges(ctx, plan, holdings), details: plannedDetails(ctx, plan) });
  },

  // Which token is wanted is known only from the input: a repeated apply with the same token changes nothing.
  async inEffect() {
    return { inEffect: false };
  },

  async apply(ctx, scope, change, input) {
    const plan = await planSave(ctx, scope);
    if ('reason' in plan) throw new Error(plan.reason);
    const username = input.username ?? '';
    const token = input.token ?? '';
    const shape = tokenShapeProblem(plan.target.bitbucket.kind === 'datacenter' ? 'datacenter' : 'cloud', username, token);
    if (shape) throw new Error(shape);
    const required = plan.site.username;
    if (required && required !== username) {
      throw new Error(`git asks for the credential of "${required}" (written in the remote URL or credential.username), so a token saved for "${username}" would never be used; use "${required}", or change the URL first (remote.use-token-username or remote.set-username)`);
    }
    const secret = ctx.secrets.wrap(token);
    const problem = await credentialProblem(ctx, plan.target, username, secret);
    if (problem) throw new Error(problem);
    await saveToken(ctx, change, plan, username, secret);
    const where = plan.helpers.map((h) => helperName(ctx, h)).join(' and ');
    return { message: `Bitbucket accepted the token ${secret.masked} for reading and pushing; saved it for ${username}@${plan.site.host} in ${where}.` };
  },

  async verify(ctx, scope, _outcome, input) {
    const loaded = await loadHttpsRemote(ctx, scope);
    if (!loaded.ok) return { ok: false, detail: loaded.reason };
    const site = await credentialSite(ctx, loaded.target);
    const now = (await fillCredential(ctx, site.repoRoot, site.url)).credential;
    const ok = now !== null && now.username === input.username && sameSecret(now.secret, ctx.secrets.wrap(input.token ?? ''));
    return ok ? { ok: true, detail: 'git credential fill returns the new token' } : { ok: false, detail: `git credential fill returns ${now ? `another credential (${now.username})` : 'nothing'}` };
  },
};
