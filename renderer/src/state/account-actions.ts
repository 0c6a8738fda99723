/**
 * The store's account actions: each calls `window.pushDoctor` and feeds the answer through a pure
 * transition of ./account.ts. The Connect form's token passes through `linkAccount` to the API and
 * is never put in the store.
 */
import type { AccountLinkInput, KeyAddResult } from '../../../app/contract/account.js';
import type { PushDoctorApi, Result } from '../../../app/contract/channels.js';
import { connectScreen, keyAddFinished, keyAddStarted, linkFinished, linkStarted, statusLoaded, statusStarted, unlinkFinished, unlinkStarted } from './account.js';
import { IDLE, settle } from './async-op.js';
import { currentGuide, type GuideState } from './guide-state.js';
import { opFinished, opStarted } from './transitions.js';
import type { GuideStore } from './store.js';

export interface AccountActions {
  /** account.status for a site (Settings, Connect). */
  loadAccountStatus(site: string): Promise<void>;
  /** account.status for the open repository's remote (the SSH guide, adding a key). */
  loadRepoAccount(): Promise<void>;
  /** Shows the Connect screen over the current one. */
  connectAccount(site?: string): void;
  /** Sends the link (verified by Bitbucket, then stored); back to where Connect was opened from when it worked. */
  linkAccount(input: AccountLinkInput): Promise<boolean>;
  /** True when the link was removed (or there was none). */
  unlinkAccount(site: string): Promise<boolean>;
  /** keys.add for the open repository: the given public key file, else the key ssh offers. */
  addKeyToAccount(publicKeyPath?: string): Promise<KeyAddResult | null>;
}

type Call = <T>(request: () => Promise<Result<T>>) => Promise<Result<T>>;

export function createAccountActions(api: PushDoctorApi, get: () => GuideStore, update: (transition: (s: GuideState) => GuideState) => void, call: Call): AccountActions {
  const repoTarget = () => {
    const s = get();
    if (!s.repo) return null;
    const remote = currentGuide(s).remote;
    return remote ? { path: s.repo.path, remote } : { path: s.repo.path };
  };

  return {
    async loadAccountStatus(site) {
      if (get().account.sites[site]?.status === 'running') return;
      update((s) => statusStarted(s, site));
      const result = await call(() => api.accountStatus({ site }));
      update((s) => statusLoaded(s, site, result));
    },

    async loadRepoAccount() {
      const target = repoTarget();
      if (!target || get().ops.account.status === 'running') return;
      update((s) => opStarted(s, 'account'));
      const result = await call(() => api.accountStatus(target));
      // An answer for a repository that is no longer open changes nothing.
      if (get().repo?.path === target.path) update((s) => opFinished(s, 'account', settle(result)));
    },

    connectAccount(site) {
      // A refusal from an earlier visit belongs to that visit.
      update((s) => ({ ...s, account: { ...s.account, link: IDLE } }));
      get().go(connectScreen(get(), site));
    },

    async linkAccount(input) {
      if (get().account.link.status === 'running') return false;
      update(linkStarted);
      const result = await call(() => api.accountLink(input));
      update((s) => linkFinished(s, result));
      if (result.ok && get().screen.name === 'account') get().back();
      return result.ok;
    },

    async unlinkAccount(site) {
      update(unlinkStarted);
      const result = await call(() => api.accountUnlink({ site }));
      update((s) => unlinkFinished(s, site, result));
      return result.ok;
    },

    async addKeyToAccount(publicKeyPath) {
      const target = repoTarget();
      if (!target || get().ops.keyAdd.status === 'running') return null;
      update(keyAddStarted);
      const result = await call(() => api.keysAdd({ ...target, ...(publicKeyPath ? { publicKeyPath } : {}) }));
      update((s) => keyAddFinished(s, result));
      return result.ok ? result.value : null;
    },
  };
}
