/** Time as the batch engine sees it: passed in, so that engine tests run on a fake clock. */
import { setTimeout as delay } from 'node:timers/promises';
import type { BackoffPolicy } from '../api/retry.js';

export interface BatchTiming {
  /** Monotonic ms. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  /** Wall-clock ms since the epoch (HTTP-date Retry-After values, timestamps). */
  wallClock(): number;
  /** The backoff of retries and of later rounds alike; DEFAULT_BACKOFF when absent. */
  policy?: BackoffPolicy;
}

export const REAL_TIMING: BatchTiming = {
  now: () => performance.now(),
  // An aborted wait ends its timer too: a pending 60 s Retry-After must not keep the process alive.
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => {}),
  random: Math.random,
  wallClock: Date.now,
};
