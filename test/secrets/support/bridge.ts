import { methodName, REQUEST_CHANNELS, type EventChannel, type EventChannels, type PushDoctorApi, type RequestChannel, type RequestOf, type Result } from '../../../app/contract/channels.js';
import type { RecordedEvent } from '../../main/support/service.js';

/**
 * The preload's `window.pushDoctor` over a handler table, without Electron: one method per request
 * channel (each answered by `call`), and the events main emits delivered to the page's listeners as
 * they happen (`events` is the recording sink of the test service; pushing to it delivers).
 */
export function bridgeOverHandlers(call: <C extends RequestChannel>(channel: C, request: RequestOf<C>) => Promise<Result<unknown>>, events: RecordedEvent[]): PushDoctorApi {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const record = events.push.bind(events);
  events.push = (...items) => {
    for (const item of items) for (const listener of listeners.get(item.event) ?? []) (listener as (payload: unknown) => void)(item.payload);
    return record(...items);
  };
  return {
    ...Object.fromEntries(REQUEST_CHANNELS.map((channel) => [methodName(channel), (request: never) => call(channel, request)])),
    on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    pathForDroppedFile: () => null,
  } as unknown as PushDoctorApi;
}
