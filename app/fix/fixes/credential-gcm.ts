import { GCM_FACTS } from '../../facts/bitbucket.js';
import { gcmSettingFix, type GcmSettingPlan } from '../gcm-settings.js';
import { siteBaseUrl } from '../credential-holders.js';

const where = (plan: GcmSettingPlan) => (plan.gcm.windowsSide ? "Git for Windows' config, which Git Credential Manager for Windows reads (also from WSL)" : 'your global git config');

/**
 * credential.gcm-skip-validation: GCM checks a saved Bitbucket credential against the REST API
 * before handing it to git, and an API token never passes that check (GCM issue 1991), so GCM
 * throws a working token away before every push. Switched off for this site only.
 */
export const gcmSkipValidation = gcmSettingFix({
  id: 'credential.gcm-skip-validation',
  setting: { name: GCM_FACTS.validateStoredCredentials, envName: GCM_FACTS.validateStoredCredentialsEnv, value: 'false', perSite: true },
  notFor: () => null,
  inEffect: (site) => `Git Credential Manager already hands saved credentials for ${siteBaseUrl(site)} to git without checking them first.`,
  action: (plan) => `Set ${plan.key} = false (in ${where(plan)})`,
  details: () => [
    'Git Credential Manager then gives git the saved token as it is; if Bitbucket ever refuses it, git tells GCM to forget it, as with every other helper.',
    'Only this site is affected. Undo puts the file back as it was.',
  ],
  applied: (plan) => `Git Credential Manager no longer checks saved credentials for this site before handing them to git (${plan.key} = false).`,
});

/**
 * credential.gcm-use-dpapi: Bitbucket's new OAuth tokens exceed what the Windows Credential
 * Manager can hold (GCM issue 2428, "[0x6f7]"); GCM's DPAPI store keeps them in files encrypted
 * for the Windows account. Only for a GCM that keeps credentials in Windows.
 */
export const gcmUseDpapi = gcmSettingFix({
  id: 'credential.gcm-use-dpapi',
  setting: { name: 'credentialStore', envName: GCM_FACTS.credentialStoreEnv, value: GCM_FACTS.dpapiStore, perSite: false },
  notFor: (gcm) => (gcm.windowsStores ? null : "This Git Credential Manager does not keep credentials in the Windows Credential Manager, so its size limit does not apply here (the DPAPI store exists only on Windows)."),
  inEffect: () => `Git Credential Manager already keeps credentials in its DPAPI store (${GCM_FACTS.credentialStoreKey} = ${GCM_FACTS.dpapiStore}).`,
  action: (plan) => `Set ${plan.key} = ${GCM_FACTS.dpapiStore} (in ${where(plan)})`,
  details: () => [
    'Git Credential Manager then keeps credentials in files encrypted with Windows DPAPI for your Windows account (%USERPROFILE%\\.gcm\\dpapi_store), which have no size limit.',
    'What it saved in the Windows Credential Manager is not moved: your next push signs in to Bitbucket once more.',
    'This applies to every site GCM serves. Undo puts the file back as it was.',
  ],
  applied: (plan) => `Git Credential Manager now keeps credentials in its DPAPI store (${plan.key} = ${GCM_FACTS.dpapiStore}); sign in once more on your next push.`,
});
