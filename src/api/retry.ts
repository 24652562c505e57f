/**
 * When to try a failed request again, and how long to wait first. Pure but for the loop,
 * whose clock and random source come in, so tests run in microseconds.
 */
import { ApiError } from './errors.js';

export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No computed wait exceeds this. */
  maxMs: number;
  /** A service's `Retry-After` is honoured up to this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, maxRetryAfterMs: 5 * 60_000 };

/** A 2xx that gave no image (not one, or cut short) may have been billed: it is tried again once, not `retries` times. */
export const BAD_ANSWER_RETRIES = 1;

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(max, base·2^(attempt-1))].
 * Full jitter spreads out many workers that failed together, instead of retrying in step.
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Waits as a retry after `attempt` attempts would when the service named no time: a batch
 * input's later round starts so, as the fault it met may still be there.
 */
export function waitAsRetry(
  attempt: number,
  timing: RetryLoop<unknown>['timing'],
  signal?: AbortSignal,
): Promise<void> {
  return timing.sleep(backoffDelay(attempt, timing.random, timing.policy), signal);
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

/** What one request (or one round of a batch input) may still spend on retries. */
export interface RetryBudget {
  /** Retries after the first attempt. */
  retries: number;
  /**
   * Answers met so far by this input, across rounds, that may have been billed without
   * giving a result: not an image, or cut short (see BAD_ANSWER_RETRIES); for a batch
   * input, also a whole one that could not be kept. A batch reports it as `maybeBilled`.
   */
  badAnswers: number;
}

/** Whether the attempt numbered `attempt` within its budget, which failed with `error`, is worth another. */
export function shouldRetry(error: ApiError, attempt: number, budget: RetryBudget): boolean {
  if (!error.retryable) return false;
  if (error.mayBeBilled) return budget.badAnswers <= BAD_ANSWER_RETRIES;
  return attempt <= budget.retries;
}

export interface RetryLoop<T> {
  /** One attempt; `attempt` counts from 1 within this loop. */
  attempt(attempt: number): Promise<T>;
  budget: RetryBudget;
  timing: RetryTiming & { sleep(ms: number, signal?: AbortSignal): Promise<void> };
  /** Attempts done before this loop (earlier rounds), so that backoff keeps growing. */
  attemptsBefore?: number;
  /** Aborting ends a wait at once and gives up with the last error. */
  signal?: AbortSignal;
  /** Told of each failure that will be retried, before the wait. */
  onRetry?(error: ApiError, attempt: number, delayMs: number): void;
}

/** Runs `attempt` until it succeeds or fails in a way not worth retrying; throws the last error. */
export async function withRetries<T>(loop: RetryLoop<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await loop.attempt(attempt);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.mayBeBilled) loop.budget.badAnswers += 1;
      if (loop.signal?.aborted || !shouldRetry(error, attempt, loop.budget)) throw error;
      const delayMs = retryDelay(error, (loop.attemptsBefore ?? 0) + attempt, loop.timing);
      loop.onRetry?.(error, attempt, delayMs);
      await loop.timing.sleep(delayMs, loop.signal);
      if (loop.signal?.aborted) throw error;
    }
  }
}
