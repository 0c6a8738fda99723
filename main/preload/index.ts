/**
 * The bridge between the sandboxed page and main: `window.pushDoctor`, the domain API of the
 * contract (one method per request channel, event subscriptions, the drop helper). The page never
 * sees ipcRenderer. Bundled as one CommonJS file whose only import at run time is `electron`
 * (a sandboxed preload cannot load anything else).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENT_CHANNELS, methodName, REQUEST_CHANNELS, type EventChannel, type EventChannels, type PushDoctorApi } from '../../app/contract/channels.js';

type Listener = (payload: never) => void;

const listeners = new Map<EventChannel, Set<Listener>>(EVENT_CHANNELS.map((event) => [event, new Set<Listener>()]));
/** A folder requested before the page subscribed (launch argument, second launch): delivered on subscribe. */
let pendingRepo: EventChannels['repo.requested'] | null = null;

for (const event of EVENT_CHANNELS) {
  ipcRenderer.on(event, (_event, payload: unknown) => {
    const set = listeners.get(event)!;
    if (event === 'repo.requested' && set.size === 0) pendingRepo = payload as EventChannels['repo.requested'];
    for (const listener of set) listener(payload as never);
  });
}

function createApi(): PushDoctorApi {
  const requests = Object.fromEntries(
    REQUEST_CHANNELS.map((channel) => [methodName(channel), (request: unknown) => ipcRenderer.invoke(channel, request)]),
  );
  return {
    ...requests,
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
    pathForDroppedFile(file) {
      try {
        return webUtils.getPathForFile(file) || null;
      } catch {
        return null;
      }
    },
  } as PushDoctorApi;
}

contextBridge.exposeInMainWorld('pushDoctor', createApi());
