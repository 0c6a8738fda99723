import type { StateStore } from '../../../app/service/state-store.js';

/** The changes the app makes to its state file, in the order the crash test makes them. */
export const STATE_CHANGES: Array<(store: StateStore) => Promise<unknown>> = [
  (store) => store.touchRecent({ path: '/home/jdoe/widgets', name: 'widgets' }),
  (store) => store.updateSettings({ retestIntervalMinutes: 30, bitbucketHosts: ['git.corp.example'] }),
  (store) => store.trust({ path: '/home/jdoe/widgets', name: 'widgets', trustedAt: '2026-11-20T10:00:00.000Z', commands: [] }),
  (store) => store.touchRecent({ path: '/home/jdoe/gadgets', name: 'gadgets' }),
];
