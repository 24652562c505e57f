import { describe, expect, it } from 'vitest';
import { afterBilledStatus, ApiError } from '../../src/api/errors.js';
import { backoffDelay } from '../../src/backoff.js';
import { parseRetryAfter, retryDelay, shouldRetry, stepsAfter, withRetries } from '../../src/api/retry.js';
import { createRateLimiter } from '../../src/batch/rate.js';
import { STORAGE_BACKOFF } from '../../src/storage/storage.js';

const policy = { baseMs: 500, maxMs: 30_000, maxRetryAfterMs: 300_000 };
const http = (status: number, retryAfter?: string) =>
  new ApiError({ status, kind: 'http', message: `HTTP ${status}`, retryAfter });

describe('backoff with full jitter', () => {
  it('doubles the ceiling each attempt and draws uniformly below it', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, () => 0.999999, policy))).toEqual([
      499, 999, 1999, 3999,
    ]);
    expect(backoffDelay(3, () => 0, policy)).toBe(0);
    expect(backoffDelay(3, () => 0.5, policy)).toBe(1000);
  });

  it('never waits more than the cap', () => {
    expect(backoffDelay(30, () => 0.999999, policy)).toBe(29_999);
  });

  it("waits before object storage's next attempt as the AWS SDKs do: from 250 ms, never above their 20 s", () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, () => 0.999999, STORAGE_BACKOFF))).toEqual([249, 499, 999]);
    // AWS_MAX_ATTEMPTS=40 once waited up to 250 ms·2^38, some two thousand years.
    expect(backoffDelay(40, () => 0.999999, STORAGE_BACKOFF)).toBe(19_999);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('waits at least what the service asked, capped, and not less than the backoff as it stands', () => {
    const timing = { random: () => 0.5, wallClock: () => now, policy };
    expect(retryDelay(http(429, '7'), 0, timing)).toBe(7_000);
    expect(retryDelay(http(503, '86400'), 1, timing)).toBe(300_000);
    expect(retryDelay(http(503, '1'), 4, timing)).toBe(2_000);
    expect(retryDelay(http(503), 2, timing)).toBe(500);
  });

  it('grows the backoff a step on every failure but a 429 that named its wait (Retry-After 0 names none)', () => {
    const timing = { random: () => 0.5, wallClock: () => now, policy };
    expect(
      [http(503), http(429, '0'), http(429, 'soon'), http(429, '1'), http(503, '2')].map((error) =>
        stepsAfter(error, 3, timing),
      ),
    ).toEqual([4, 4, 4, 3, 4]);
  });

  /** The waits of a loop whose attempts fail with `answers`, then succeed, and the backoff's steps at the end. */
  async function waitsThrough(answers: ApiError[]): Promise<{ waits: number[]; steps: number }> {
    const waits: number[] = [];
    const backoff = { steps: 0 };
    await withRetries({
      attempt: (attempt) => {
        const failure = answers[attempt - 1];
        return failure ? Promise.reject(failure) : Promise.resolve('ok');
      },
      budget: { retries: 10, badAnswers: 0 },
      backoff,
      timing: {
        random: () => 0.999,
        wallClock: () => now,
        policy,
        sleep: (ms) => Promise.resolve(void waits.push(ms)),
      },
    });
    return { waits, steps: backoff.steps };
  }

  // A 429 the service timed used to count as a step: an input that met a few of them waited
  // up to 8 s (then 16 s) on its next 5xx, as if the service had failed it that often.
  it('leaves the backoff where it was after 429s that named their wait: the next fault waits as the first would', async () => {
    const answers = [http(429, '1'), http(429, '1'), http(429, '1'), http(503), http(503)];
    expect(await waitsThrough(answers)).toEqual({ waits: [1_000, 1_000, 1_000, 499, 999], steps: 2 });
  });

  it('grows the backoff through 5xx answers that name a wait: a service that is down is asked less and less often', async () => {
    const answers = [http(503, '1'), http(503, '1'), http(503, '1'), http(503, '1')];
    expect(await waitsThrough(answers)).toEqual({ waits: [1_000, 1_000, 1_998, 3_996], steps: 4 });
  });
});

describe('what is retried', () => {
  it('retries 5xx, 429 and network faults up to the limit, never 400, 402 or 403', () => {
    const network = new ApiError({ status: 0, kind: 'network', message: 'reset' });
    const budget = { retries: 3, badAnswers: 0 };
    for (const error of [http(500), http(502), http(503), http(429), network]) {
      expect(shouldRetry(error, 1, budget)).toBe(true);
      expect(shouldRetry(error, 3, budget)).toBe(true);
      expect(shouldRetry(error, 4, budget)).toBe(false);
    }
    for (const status of [400, 402, 403, 404]) expect(shouldRetry(http(status), 1, budget)).toBe(false);
  });

  it('retries a 2xx that was not an image once, whatever the retries left (it was billed)', () => {
    const bad = new ApiError({ status: 200, kind: 'bad-answer', message: 'the answer was empty (0 bytes)' });
    expect(shouldRetry(bad, 1, { retries: 4, badAnswers: 1 })).toBe(true);
    expect(shouldRetry(bad, 2, { retries: 4, badAnswers: 2 })).toBe(false);
    const huge = new ApiError({ status: 200, kind: 'bad-answer', message: 'too large', retryable: false });
    expect(shouldRetry(huge, 1, { retries: 4, badAnswers: 1 })).toBe(false);
  });

  it('retries a 2xx whose body was cut short once too: it may have been billed', () => {
    const reset = new ApiError({ status: 0, kind: 'network', message: 'network error: aborted (ECONNRESET)' });
    const cut = afterBilledStatus(reset, 200);
    expect([cut.status, cut.kind, cut.mayBeBilled, reset.mayBeBilled]).toEqual([200, 'network', true, false]);
    expect(shouldRetry(cut, 1, { retries: 4, badAnswers: 1 })).toBe(true);
    expect(shouldRetry(cut, 2, { retries: 4, badAnswers: 2 })).toBe(false);
  });
});

describe('--rate', () => {
  it('spaces request starts evenly, slots reserved in call order', async () => {
    let now = 1_000;
    const starts: number[] = [];
    const limiter = createRateLimiter(120, {
      now: () => now,
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
    });
    // Sequential awaits model workers that each got their slot in turn.
    for (let i = 0; i < 4; i++) {
      await limiter.acquire();
      starts.push(now);
    }
    expect(starts).toEqual([1_000, 1_500, 2_000, 2_500]);
  });

  it('gives concurrent callers distinct slots', async () => {
    const waits: number[] = [];
    const limiter = createRateLimiter(60, {
      now: () => 0,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(waits).toEqual([1_000, 2_000]);
  });

  it('does nothing without a rate', async () => {
    const limiter = createRateLimiter(undefined, { now: () => 0, sleep: () => expect.fail('slept') });
    await limiter.acquire();
  });
});
