import type { EngineContext } from '../context.js';

const memos = new WeakMap<EngineContext, Map<string, Promise<unknown>>>();

/**
 * One result per engine context (one CLI run, one request of the app) and key: applying a fix runs
 * inEffect, describe, apply and verify in a row, and a network look-up (the published host key
 * list, a read-only ssh -v probe) need not be repeated for each. A failure is not kept.
 */
export function oncePerContext<T>(ctx: EngineContext, key: string, work: () => Promise<T>): Promise<T> {
  let map = memos.get(ctx);
  if (!map) memos.set(ctx, (map = new Map()));
  const known = map.get(key);
  if (known) return known as Promise<T>;
  const started = work();
  map.set(key, started);
  started.catch(() => map.delete(key));
  return started;
}
