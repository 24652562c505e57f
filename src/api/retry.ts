/**
 * When to try a failed request again, and how long to wait first. Pure: the clock and the
 * random source come in, so tests run in microseconds.
 */
import type { ApiError } from './errors.js';

export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No computed wait exceeds this. */
  maxMs: number;
  /** A service's `Retry-After` is honoured up to this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, maxRetryAfterMs: 5 * 60_000 };

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(max, base·2^(attempt-1))].
 * Full jitter spreads out many workers that failed together, instead of retrying in step.
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as seconds (`120`) or an HTTP date, in ms from `nowMs`; null when unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface RetryTiming {
  random: () => number;
  /** Wall-clock ms since the epoch, for HTTP-date `Retry-After` values. */
  wallClock: () => number;
  policy?: BackoffPolicy;
}

/** The wait before retrying after `error` failed attempt number `attempt` (1 = the first). */
export function retryDelay(error: ApiError, attempt: number, timing: RetryTiming): number {
  const policy = timing.policy ?? DEFAULT_BACKOFF;
  const jittered = backoffDelay(attempt, timing.random, policy);
  const asked = parseRetryAfter(error.retryAfter, timing.wallClock());
  // The service said when: wait at least that long (capped), never less than our own backoff.
  return asked === null ? jittered : Math.max(Math.min(asked, policy.maxRetryAfterMs), jittered);
}

export function shouldRetry(error: ApiError, attempt: number, retries: number): boolean {
  return error.retryable && attempt <= retries;
}
