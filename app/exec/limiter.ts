/** Raised for a task that was still waiting for its turn when its run was cancelled: it never started. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** At most `size` tasks at once; the others wait their turn, first come first served. */
export interface Limiter {
  readonly size: number;
  /** Tasks running now. */
  readonly active: number;
  /** The most that ever ran at once (for the benchmark and the tests). */
  readonly peak: number;
  /**
   * Runs `task` when a place is free. A task whose signal is aborted before its turn never starts:
   * it rejects with CancelledError (a cancelled run must not start new processes).
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createLimiter(size: number): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`a limiter needs a size of at least 1, not ${size}`);
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];

  // A finished task hands its place straight to the next one waiting, so no newcomer can slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return {
    size,
    get active() {
      return active;
    },
    get peak() {
      return peak;
    },
    async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) throw new CancelledError();
      if (active < size) active++;
      else {
        await new Promise<void>((resolve, reject) => {
          const turn = () => {
            signal?.removeEventListener('abort', cancel);
            resolve();
          };
          const cancel = () => {
            const index = waiting.indexOf(turn);
            if (index !== -1) waiting.splice(index, 1);
            reject(new CancelledError());
          };
          waiting.push(turn);
          signal?.addEventListener('abort', cancel, { once: true });
        });
      }
      peak = Math.max(peak, active);
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** One limiter per key (e.g. per server): at most `size` tasks at once for each key. */
export interface KeyedLimiter {
  readonly size: number;
  /** The most that ever ran at once for any one key. */
  readonly peak: number;
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createKeyedLimiter(size: number): KeyedLimiter {
  const limiters = new Map<string, Limiter>();
  return {
    size,
    get peak() {
      return Math.max(0, ...[...limiters.values()].map((l) => l.peak));
    },
    run(key, task, signal) {
      let limiter = limiters.get(key);
      if (!limiter) limiters.set(key, (limiter = createLimiter(size)));
      return limiter.run(task, signal);
    },
  };
}
