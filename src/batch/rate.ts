/**
 * `--rate N`: at most N request starts a minute, evenly spaced. Each caller reserves the
 * next free slot synchronously, so concurrent workers never share one.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RateLimiter {
  /** Waits for the next slot; returns early when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export function createRateLimiter(perMinute: number | undefined, clock: Clock): RateLimiter {
  if (!perMinute) return { acquire: async () => {} };
  const interval = 60_000 / perMinute;
  let nextSlot = -Infinity;
  return {
    async acquire(signal) {
      const now = clock.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (slot > now) await clock.sleep(slot - now, signal);
    },
  };
}
