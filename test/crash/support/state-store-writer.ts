// Child process of the app state store's crash test (test/crash/state-store.test.ts): makes the
// changes the app makes to its state file (a repository opened, a setting changed, a repository
// trusted, another opened), one after the other, at a fixed time so that every run writes the same
// bytes. Run as: node --import tsx --import crash-hook.mjs state-store-writer.ts DIR
import { STATE_CHANGES } from './state-store-changes.js';
import { createStateStore } from '../../../app/service/state-store.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: state-store-writer DIR');
const store = createStateStore(dir, {
  now: () => new Date('2026-11-20T10:00:00Z'),
  onRecovered: ({ reason }) => {
    throw new Error(`the state file was damaged: ${reason}`);
  },
});
for (const change of STATE_CHANGES) await change(store);
