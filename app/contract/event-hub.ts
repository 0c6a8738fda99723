/**
 * The event side of a PushDoctorApi: listeners per event, and a folder request (second launch,
 * command line) that arrives before the page subscribed is kept and handed to the first listener.
 * Shared by the Electron preload and the browser preview's bridge. Pure: no Node or Electron.
 */
import { EVENT_CHANNELS, type EventChannel, type EventChannels, type PushDoctorApi } from './channels.js';

type Listener = (payload: never) => void;

export interface EventHub {
  on: PushDoctorApi['on'];
  /** Hands an event that arrived from main (or the preview server) to its listeners. */
  deliver(event: EventChannel, payload: unknown): void;
}

export function createEventHub(): EventHub {
  const listeners = new Map<EventChannel, Set<Listener>>(EVENT_CHANNELS.map((event) => [event, new Set<Listener>()]));
  let pendingRepo: EventChannels['repo.requested'] | null = null;
  return {
    deliver(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      if (event === 'repo.requested' && set.size === 0) pendingRepo = payload as EventChannels['repo.requested'];
      for (const listener of set) listener(payload as never);
    },
    on(event, listener) {
      const set = listeners.get(event);
      if (!set) throw new Error(`Unknown event ${String(event)}`);
      set.add(listener as Listener);
      if (event === 'repo.requested' && pendingRepo) {
        const payload = pendingRepo;
        pendingRepo = null;
        (listener as (payload: EventChannels['repo.requested']) => void)(payload);
      }
      return () => {
        set.delete(listener as Listener);
      };
    },
  };
}
