import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { RepoGuide } from './guide-state.js';
import type { GuideStore } from './store.js';

const GuideContext = createContext<StoreApi<GuideStore> | null>(null);

/** One store per window (per test): the provider makes it reachable without a module-level singleton. */
export function GuideProvider({ store, children }: { store: StoreApi<GuideStore>; children: ReactNode }) {
  return <GuideContext.Provider value={store}>{children}</GuideContext.Provider>;
}

export function useGuideStore(): StoreApi<GuideStore> {
  const store = useContext(GuideContext);
  if (!store) throw new Error('useGuide needs a GuideProvider');
  return store;
}

/** Selects a slice of the guide; return stored references (not new objects) so renders stay stable. */
export function useGuide<T>(selector: (s: GuideStore) => T): T {
  return useStore(useGuideStore(), selector);
}

export function useActions(): GuideStore {
  return useGuideStore().getState();
}

/** The open repository's guide, or undefined before the first step. */
export function useRepoGuide(): RepoGuide | undefined {
  return useGuide((s) => (s.repo ? s.guides[s.repo.path] : undefined));
}
