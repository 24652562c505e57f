/**
 * Rate limits a service may keep on an API key, as models for the fake clock: each is asked
 * as a request arrives (fake ms) and admits it or refuses it with a 429. A refused request is
 * not admitted (it uses none of the limit), as the emulator's window counts it.
 */
import { createFaultPolicy } from '../../src/emulator/faults.js';

export interface Refusal {
  /** The whole seconds a `Retry-After` would say (the limiter knows when room comes back). */
  retryAfterSeconds: number;
}

export interface Limiter {
  /** Undefined when a request arriving at `at` is admitted; calls come in time order. */
  admit(at: number): Refusal | undefined;
}

const secondsUntil = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** At most `limit` admitted requests in any rolling `windowMs`: the emulator's own window (`--rate-limit N/5s`). */
export function rollingWindow(limit: number, windowMs: number): Limiter {
  let now = 0;
  const policy = createFaultPolicy({ rateLimit: limit, rateWindowMs: windowMs, now: () => now });
  return {
    admit(at) {
      now = at;
      const decision = policy.decide({ billable: true });
      return decision.kind === 'rateLimited' ? { retryAfterSeconds: decision.retryAfterSeconds } : undefined;
    },
  };
}

/** At most `limit` requests per window of `windowMs`, all of it back at each boundary (a minute's count reset on the minute). */
export function fixedWindow(limit: number, windowMs: number): Limiter {
  let windowStart = 0;
  let used = 0;
  return {
    admit(at) {
      const start = Math.floor(at / windowMs) * windowMs;
      if (start !== windowStart) [windowStart, used] = [start, 0];
      if (used >= limit) return { retryAfterSeconds: secondsUntil(windowStart + windowMs - at) };
      used += 1;
      return undefined;
    },
  };
}

/** A bucket of `burst` tokens, full at first, refilled at `perSecond`; a request takes one. */
export function tokenBucket(perSecond: number, burst: number): Limiter {
  let tokens = burst;
  let last = 0;
  return {
    admit(at) {
      tokens = Math.min(burst, tokens + ((at - last) / 1000) * perSecond);
      last = at;
      if (tokens < 1) return { retryAfterSeconds: secondsUntil(((1 - tokens) / perSecond) * 1000) };
      tokens -= 1;
      return undefined;
    },
  };
}

/**
 * `limit` per rolling `windowMs` until `at`, then half of it: a second job started on the key
 * then and takes its half. (The emulator's window has one limit for the whole run, so this
 * keeps its own list of admissions.)
 */
export function halvingWindow(limit: number, windowMs: number, halvesAt: number): Limiter {
  const admitted: number[] = [];
  return {
    admit(at) {
      while (admitted.length > 0 && (admitted[0] ?? 0) + windowMs <= at) admitted.shift();
      const current = at < halvesAt ? limit : Math.floor(limit / 2);
      if (admitted.length >= current) {
        const oldestThatMustGo = admitted[admitted.length - current] ?? at;
        return { retryAfterSeconds: secondsUntil(oldestThatMustGo + windowMs - at) };
      }
      admitted.push(at);
      return undefined;
    },
  };
}

/** No limit at all. */
export const noLimit = (): Limiter => ({ admit: () => undefined });
