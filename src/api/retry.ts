/**
 * When to try a failed request again, and how long to wait first. Pure but for the loop,
 * whose clock and random source come in, so tests run in microseconds.
 */
import { backoffDelay, type JitterCeiling } from '../backoff.js';
import { ApiError } from './errors.js';

/** Waits with full jitter (backoff.ts), and how long a service's `Retry-After` is honoured. */
export interface BackoffPolicy extends JitterCeiling {
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, maxRetryAfterMs: 5 * 60_000 };

/** A 2xx that gave no image (not one, or cut short) may have been billed: it is tried again once, not `retries` times. */
export const BAD_ANSWER_RETRIES = 1;

/**
 * Waits as a retry at `backoff`'s step would when the service named no time: a batch
 * input's later round starts so, as the fault it met may still be there.
 */
export function waitAsRetry(
  backoff: Backoff,
  timing: RetryLoop<unknown>['timing'],
  signal?: AbortSignal,
): Promise<void> {
  return timing.sleep(backoffDelay(backoff.steps, timing.random, policyOf(timing)), signal);
}

/** `Retry-After` as seconds (`120`) or an HTTP date, in ms from `nowMs`; null when unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** The backoff a loop's timing sets, or the default one. */
function policyOf(timing: Pick<RetryTiming, 'policy'>): BackoffPolicy {
  return timing.policy ?? DEFAULT_BACKOFF;
}

export interface RetryTiming {
  random: () => number;
  /** Wall-clock ms since the epoch, for HTTP-date `Retry-After` values. */
  wallClock: () => number;
  policy?: BackoffPolicy;
}

/**
 * How far one request's (or one batch input's, across rounds) own backoff has grown: the
 * failures it met that the service did not time.
 */
export interface Backoff {
  steps: number;
}

/** The wait a failure's answer named, capped: a positive `Retry-After`; null when it named none. */
function namedWait(error: ApiError, timing: RetryTiming): number | null {
  const asked = parseRetryAfter(error.retryAfter, timing.wallClock());
  if (asked === null || asked === 0) return null;
  return Math.min(asked, policyOf(timing).maxRetryAfterMs);
}

/**
 * The backoff's steps after `error`: one more, unless it is a 429 that named its wait. The
 * service is up and paced that retry itself (and a run pauses as a whole on it), so it tells
 * of no fault to back off further from (gRPC's retry design, on a server's pushback, even
 * resets its backoff). A 5xx still grows it, whatever it names: a service that is down and
 * says "1 s" every time is not asked every second. Retry-After 0 names no wait.
 */
export function stepsAfter(error: ApiError, steps: number, timing: RetryTiming): number {
  return error.status === 429 && namedWait(error, timing) !== null ? steps : steps + 1;
}

/** The wait before retrying after `error`, the backoff at `steps` (counting `error`'s, see stepsAfter). */
export function retryDelay(error: ApiError, steps: number, timing: RetryTiming): number {
  const jittered = backoffDelay(steps, timing.random, policyOf(timing));
  const named = namedWait(error, timing);
  // The service said when: wait at least that long, never less than our own backoff as it stands.
  return named === null ? jittered : Math.max(named, jittered);
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
  /** The backoff earlier rounds grew, which this loop carries on; it is updated as the loop goes. */
  backoff?: Backoff;
  /** Aborting ends a wait at once and gives up with the last error. */
  signal?: AbortSignal;
  /** Told of each failure that will be retried, before the wait. */
  onRetry?(error: ApiError, attempt: number, delayMs: number): void;
}

/** Runs `attempt` until it succeeds or fails in a way not worth retrying; throws the last error. */
export async function withRetries<T>(loop: RetryLoop<T>): Promise<T> {
  const backoff = loop.backoff ?? { steps: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      return await loop.attempt(attempt);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.mayBeBilled) loop.budget.badAnswers += 1;
      backoff.steps = stepsAfter(error, backoff.steps, loop.timing);
      if (loop.signal?.aborted || !shouldRetry(error, attempt, loop.budget)) throw error;
      const delayMs = retryDelay(error, backoff.steps, loop.timing);
      loop.onRetry?.(error, attempt, delayMs);
      await loop.timing.sleep(delayMs, loop.signal);
      if (loop.signal?.aborted) throw error;
    }
  }
}
