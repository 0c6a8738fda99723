import type { EngineContext } from '../context.js';
import { wslenvShares } from '../exec/env.js';
import { findGcm, gcmSetting, gcmSettingsFile, gcmValidatesStoredCredentials, type Gcm } from '../credentials/gcm.js';
import type { ConfiguredHelper } from '../credentials/helpers.js';
import { GCM_FACTS } from '../facts/bitbucket.js';
import { credentialSite, siteBaseUrl, type CredentialSite } from './credential-holders.js';
import type { ChangeRecorder } from './change-recorder.js';
import { loadHttpsRemote } from './remote-target.js';
import { fixPlan, type Fix, type FixScope } from './types.js';

/**
 * One Git Credential Manager setting, written where the GCM git runs reads it: the global git
 * config, or for a Windows-side GCM started from WSL, Git for Windows' global config in the
 * Windows profile (GCM docs/wsl.md). Through the journal, so undo gives back the file's bytes.
 */
export interface GcmSettingPlan {
  gcm: Gcm;
  file: string;
  /** The full config key, e.g. "credential.https://bitbucket.org.bitbucketValidateStoredCredentials". */
  key: string;
  value: string;
  repoRoot: string;
}

export interface GcmSettingSpec {
  /** The setting's name as GCM reads it ("bitbucketValidateStoredCredentials"). */
  name: string;
  /** Its environment variable, which wins over any config. */
  envName: string;
  value: string;
  /** URL-scoped for the site (credential.<url>.<name>), or global (credential.<name>). */
  perSite: boolean;
}

/** Where the setting goes for the GCM git asks for this site, or why it cannot be set. */
export async function planGcmSetting(ctx: EngineContext, site: CredentialSite, gcm: Gcm, spec: GcmSettingSpec): Promise<{ ok: true; plan: GcmSettingPlan } | { ok: false; reason: string }> {
  const fromEnv = !gcm.windowsSide || wslenvShares(ctx.env.WSLENV, spec.envName) ? ctx.env[spec.envName] : undefined;
  if (fromEnv !== undefined && fromEnv !== spec.value) {
    return { ok: false, reason: `${spec.envName}=${fromEnv} in your environment overrides any git config for Git Credential Manager: remove it (or set it to ${spec.value}) where your shell or system sets it` };
  }
  const file = await gcmSettingsFile(ctx, gcm);
  if (!file.ok) return file;
  const key = spec.perSite ? `credential.${siteBaseUrl(site)}.${spec.name}` : `credential.${spec.name}`;
  return { ok: true, plan: { gcm, file: file.file, key, value: spec.value, repoRoot: site.repoRoot } };
}

/** GCM's check of stored Bitbucket credentials, switched off for one site (GCM issue 1991). */
export const SKIP_VALIDATION: GcmSettingSpec = { name: GCM_FACTS.validateStoredCredentials, envName: GCM_FACTS.validateStoredCredentialsEnv, value: 'false', perSite: true };

/**
 * When git will keep Bitbucket Cloud credentials for this site in Git Credential Manager (one of
 * `helpers`), GCM's check that throws API tokens away must be off: the setting to add, if any.
 */
export async function planSkipValidation(
  ctx: EngineContext,
  site: CredentialSite,
  cloud: boolean,
  helpers: readonly ConfiguredHelper[],
): Promise<{ ok: true; plan: GcmSettingPlan | null } | { ok: false; reason: string }> {
  const gcm = cloud ? await findGcm(ctx, { ...site.helpers, helpers: [...helpers] }) : null;
  if (!gcm || !(await gcmValidatesStoredCredentials(ctx, gcm, site.helpers, site.url))) return { ok: true, plan: null };
  const planned = await planGcmSetting(ctx, site, gcm, SKIP_VALIDATION);
  if (!planned.ok) return { ok: false, reason: `Git Credential Manager would throw a saved API token away before every push (its check of API tokens always fails), and ${planned.reason}.` };
  return planned;
}

export function describeGcmSetting(plan: GcmSettingPlan): string {
  return `Set ${plan.key} = ${plan.value} (Git Credential Manager's check of stored credentials rejects API tokens)`;
}

export function applyGcmSetting(change: ChangeRecorder, plan: GcmSettingPlan): Promise<void> {
  return change.editGitConfig(plan.file, [[plan.key, plan.value]], { cwd: plan.repoRoot });
}

interface GcmSettingFixSpec {
  id: 'credential.gcm-skip-validation' | 'credential.gcm-use-dpapi';
  setting: GcmSettingSpec;
  /** Why this setting does not apply to this GCM (null: it does). */
  notFor(gcm: Gcm, site: CredentialSite): string | null;
  /** The value already in effect, in words. */
  inEffect(site: CredentialSite): string;
  action(plan: GcmSettingPlan): string;
  details(plan: GcmSettingPlan): string[];
  applied(plan: GcmSettingPlan): string;
}

type Planned = { ok: true; site: CredentialSite; plan: GcmSettingPlan; current: string | null } | { ok: false; reason: string; inEffect: boolean };

async function planFor(ctx: EngineContext, scope: FixScope, spec: GcmSettingFixSpec): Promise<Planned> {
  const loaded = await loadHttpsRemote(ctx, scope);
  if (!loaded.ok) return { ok: false, reason: loaded.reason, inEffect: false };
  const site = await credentialSite(ctx, loaded.target);
  const gcm = await findGcm(ctx, site.helpers);
  if (!gcm) return { ok: false, reason: `git does not use Git Credential Manager for ${siteBaseUrl(site)}, so this setting would change nothing.`, inEffect: false };
  const not = spec.notFor(gcm, site);
  if (not) return { ok: false, reason: not, inEffect: false };
  const current = await gcmSetting(ctx, gcm, site.helpers.settings, spec.setting.name, spec.setting.envName, site.url);
  if (current !== null && sameValue(current, spec.setting.value)) return { ok: false, reason: spec.inEffect(site), inEffect: true };
  const planned = await planGcmSetting(ctx, site, gcm, spec.setting);
  if (!planned.ok) return { ok: false, reason: `${planned.reason}.`, inEffect: false };
  return { ok: true, site, plan: planned.plan, current };
}

function sameValue(a: string, b: string): boolean {
  const norm = (v: string) => (['false', '0', 'no', 'off'].includes(v.trim().toLowerCase()) ? 'false' : v.trim().toLowerCase());
  return norm(a) === norm(b);
}

/** A fix that sets one GCM setting (describe, in-effect check, apply through the journal, verify as GCM reads it). */
export function gcmSettingFix(spec: GcmSettingFixSpec): Fix {
  return {
    id: spec.id,
    async describe(ctx, scope) {
      const planned = await planFor(ctx, scope, spec);
      if (!planned.ok) return fixPlan(spec.id, { applicable: false, reason: planned.reason });
      return fixPlan(spec.id, { applicable: true, changes: [{ target: planned.plan.file, action: spec.action(planned.plan) }], details: spec.details(planned.plan) });
    },
    async inEffect(ctx, scope) {
      const planned = await planFor(ctx, scope, spec);
      return !planned.ok && planned.inEffect ? { inEffect: true, outcome: { message: planned.reason } } : { inEffect: false };
    },
    async apply(ctx, scope, change) {
      const planned = await planFor(ctx, scope, spec);
      if (!planned.ok) throw new Error(planned.reason);
      await applyGcmSetting(change, planned.plan);
      return { message: spec.applied(planned.plan) };
    },
    async verify(ctx, scope) {
      const loaded = await loadHttpsRemote(ctx, scope);
      if (!loaded.ok) return { ok: false, detail: loaded.reason };
      const site = await credentialSite(ctx, loaded.target);
      const gcm = await findGcm(ctx, site.helpers);
      const now = gcm ? await gcmSetting(ctx, gcm, site.helpers.settings, spec.setting.name, spec.setting.envName, site.url) : null;
      return now !== null && sameValue(now, spec.setting.value)
        ? { ok: true, detail: `Git Credential Manager reads ${spec.setting.name} = ${now}` }
        : { ok: false, detail: `Git Credential Manager still reads ${spec.setting.name} = ${now ?? '(not set)'}` };
    },
  };
}
