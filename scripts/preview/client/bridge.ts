/**
 * The browser preview's stand-in for the Electron preload: defines `window.pushDoctor` (the same
 * PushDoctorApi) on top of same-origin HTTP. Served by the preview server as a classic script that
 * runs before the app's module script; never part of the shipped renderer.
 *
 * - The per-run token arrives in the URL fragment (never sent to the server in a URL), is kept in
 *   sessionStorage for reloads, and travels in a header with every request.
 * - Requests: POST /api/request/<channel> with the JSON payload; the answer is the handler's Result.
 * - Events: one long GET /api/events read as a stream of server-sent events (fetch, so the token
 *   can go in a header; EventSource cannot set one).
 * - Drops: a browser gives a page no file system paths, so `pathForDroppedFile` answers from a map
 *   the developer or a test fills through `window.pushDoctorPreview` (see PreviewHook).
 */
import type { PreviewHook } from '../preview-hook.js';
import { EVENT_CHANNELS, methodName, REQUEST_CHANNELS, type EventChannel, type PushDoctorApi, type Result } from '../../../app/contract/channels.js';
import { createEventHub } from '../../../app/contract/event-hub.js';

declare global {
  interface Window {
    pushDoctor?: PushDoctorApi;
    pushDoctorPreview?: PreviewHook;
  }
}

const TOKEN_HEADER = 'x-push-doctor-token';
const TOKEN_KEY = 'push-doctor-preview-token';

function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    // Out of the address bar and the history, so it is not shared by copying the address.
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function createBridge(token: string): { api: PushDoctorApi; hook: PreviewHook } {
  const events = createEventHub();
  let markConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => (markConnected = resolve));

  const dispatch = (event: string, data: string) => {
    if (event === 'ready') return markConnected();
    if ((EVENT_CHANNELS as readonly string[]).includes(event)) events.deliver(event as EventChannel, JSON.parse(data));
  };

  /** Reads the event stream; reconnects after a network error, gives up when the server refuses the token. */
  const listen = async () => {
    for (;;) {
      try {
        const response = await fetch('/api/events', { headers: { [TOKEN_HEADER]: token }, cache: 'no-store' });
        if (response.status === 403) {
          console.error('Push Doctor preview: the server refused this page. Open the address printed by npm run preview:web.');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`event stream: HTTP ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length > 0) dispatch(event, data.join('\n'));
          }
        }
      } catch {
        // The server went away or restarted: try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void listen();

  const request = async (channel: string, payload: unknown): Promise<Result<unknown>> => {
    // Progress events of this request must have somewhere to go: wait (briefly) for the stream.
    await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, 3000))]);
    const response = await fetch(`/api/request/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(payload ?? {}),
      cache: 'no-store',
    });
    return (await response.json()) as Result<unknown>;
  };

  const paths = new WeakMap<File, string>();
  const requests = Object.fromEntries(REQUEST_CHANNELS.map((channel) => [methodName(channel), (payload: unknown) => request(channel, payload)]));
  const api = { ...requests, on: events.on, pathForDroppedFile: (file: File) => paths.get(file) ?? null } as PushDoctorApi;

  const hook: PreviewHook = {
    registerFile: (file, path) => void paths.set(file, path),
    drop(items) {
      const transfer = new DataTransfer();
      for (const item of items) {
        const file = new File([], item ? (item.split(/[\\/]/).filter(Boolean).pop() ?? item) : 'dragged-text.txt');
        if (item) paths.set(file, item);
        transfer.items.add(file);
      }
      const target = document.querySelector('.app') ?? document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
  };
  return { api, hook };
}

const token = takeToken();
if (token) {
  const { api, hook } = createBridge(token);
  window.pushDoctor = api;
  window.pushDoctorPreview = hook;
} else {
  console.error('Push Doctor preview: no access token. Open the address printed by npm run preview:web (it ends with #token=…).');
}
