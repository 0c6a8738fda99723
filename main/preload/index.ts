/**
 * The bridge between the sandboxed page and main: `window.pushDoctor`, the domain API of the
 * contract (one method per request channel, event subscriptions, the drop helper). The page never
 * sees ipcRenderer. Bundled as one CommonJS file whose only import at run time is `electron`
 * (a sandboxed preload cannot load anything else).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENT_CHANNELS, methodName, REQUEST_CHANNELS, type PushDoctorApi } from '../../app/contract/channels.js';
import { createEventHub } from '../../app/contract/event-hub.js';

const events = createEventHub();
for (const event of EVENT_CHANNELS) ipcRenderer.on(event, (_event, payload: unknown) => events.deliver(event, payload));

function createApi(): PushDoctorApi {
  const requests = Object.fromEntries(
    REQUEST_CHANNELS.map((channel) => [methodName(channel), (request: unknown) => ipcRenderer.invoke(channel, request)]),
  );
  return {
    ...requests,
    on: events.on,
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
