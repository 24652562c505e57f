/**
 * Exponential backoff with full jitter, the one formula every retry here waits by: the API's
 * requests (api/retry.ts) and object storage's (storage/storage.ts). A uniform wait in
 * [0, min(max, base·2^(attempt-1))]: full jitter spreads out many workers that failed
 * together, instead of retrying in step.
 */
export interface JitterCeiling {
  /** The first retry waits up to this long (ms)... */
  baseMs: number;
  /** ...and no wait exceeds this (ms). */
  maxMs: number;
}

export function backoffDelay(attempt: number, random: () => number, ceiling: JitterCeiling): number {
  const upTo = Math.min(ceiling.maxMs, ceiling.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * upTo);
}
