/**
 * The rate-limit models of the fake-clock matrix (test/support/limiters.ts), and a cheap guard
 * of today's engine against a few small cases of it. The whole matrix (400 images, every
 * limit alone and as 3 shards) is `npm run bench -- --only limits`, not the suite's.
 */
import { describe, expect, it } from 'vitest';
import { LIMIT_CASES, limiterBoundMs, runLimitCase, type LimitRun } from '../support/limit-matrix.js';
import { fixedWindow, halvingWindow, noLimit, rollingWindow, tokenBucket, type Limiter } from '../support/limiters.js';

/** Which of `times` (ms, in order) the limiter admits. */
const admittedAt = (limiter: Limiter, times: number[]): number[] => times.filter((at) => !limiter.admit(at));

describe('the limit models', () => {
  it('a rolling window admits `limit` in any window, and says when the oldest leaves it', () => {
    const limiter = rollingWindow(2, 1_000);
    expect(admittedAt(limiter, [0, 400, 900])).toEqual([0, 400]);
    expect(limiter.admit(999)).toEqual({ retryAfterSeconds: 1 });
    expect(admittedAt(limiter, [1_000, 1_100, 1_400])).toEqual([1_000, 1_400]);
  });

  it('a fixed window gives all of its count back at each boundary', () => {
    const limiter = fixedWindow(2, 1_000);
    expect(admittedAt(limiter, [0, 10, 20, 999])).toEqual([0, 10]);
    expect(admittedAt(limiter, [1_000, 1_001, 1_002])).toEqual([1_000, 1_001]);
    expect(fixedWindow(1, 5_000).admit(0)).toBeUndefined();
  });

  it('a token bucket allows its burst at once, then its rate', () => {
    const limiter = tokenBucket(10, 3);
    expect(admittedAt(limiter, [0, 0, 0, 0, 50])).toEqual([0, 0, 0]);
    expect(limiter.admit(60)).toEqual({ retryAfterSeconds: 1 });
    expect(admittedAt(limiter, [100, 150, 200, 300])).toEqual([100, 200, 300]);
  });

  it('a halving window keeps its limit until the second job starts, then half of it', () => {
    const limiter = halvingWindow(4, 1_000, 2_000);
    expect(admittedAt(limiter, [0, 0, 0, 0, 0])).toHaveLength(4);
    expect(admittedAt(limiter, [2_000, 2_000, 2_000])).toHaveLength(2);
    expect(limiter.admit(2_500)).toEqual({ retryAfterSeconds: 1 });
  });

  it('the bound is the fastest schedule each limit allows: 400 images against 50 per 5 s take 35.1 s', () => {
    expect(limiterBoundMs(rollingWindow(50, 5_000), 400, 100)).toBe(35_100);
    expect(limiterBoundMs(fixedWindow(50, 5_000), 400, 100)).toBe(35_100);
    expect(limiterBoundMs(tokenBucket(10, 50), 400, 100)).toBe(35_100);
    // 100 in the first 10 s; then 25 per 5 s, the first 25 at once at 10 s.
    expect(limiterBoundMs(halvingWindow(50, 5_000, 10_000), 400, 100)).toBe(10_000 + 11 * 5_000 + 100);
    expect(limiterBoundMs(noLimit(), 400, 100)).toBe(100);
  });
});

const limitCase = (name: string) => LIMIT_CASES.find((each) => each.name === name)!;

/** Every image done, and the requests the batches counted are those the limiter saw. */
function expectWhole(run: LimitRun): void {
  const summed = (key: 'ok' | 'failed' | 'requests' | 'rateLimited') =>
    run.summaries.reduce((sum, summary) => sum + summary[key], 0);
  expect(summed('ok')).toBe(run.images);
  expect(summed('failed')).toBe(0);
  expect(summed('requests')).toBe(run.requests);
  expect(summed('rateLimited')).toBe(run.rateLimited);
  expect(run.requests).toBe(run.images + run.rateLimited);
}

// Today's engine, on 100 images (a few hundred ms each): the matrix's figures are BENCHMARKS.md's.
describe('the engine against the matrix, small', () => {
  it('with no limit, runs at full speed: the bound of its concurrency and latency', async () => {
    const run = await runLimitCase(limitCase('no limit'), { images: 100 });
    expectWhole(run);
    expect(run.rateLimited).toBe(0);
    expect(run.wallMs).toBe(run.boundMs);
  });

  // Today 0.48 of the 5.1 s bound alone and 0.47 as shards (13 and 39 429s). The floor catches a
  // collapse, such as an engine that no longer slows down on a 429 without Retry-After (0.32-0.35).
  for (const [shards, as] of [
    [1, 'alone'],
    [3, 'as 3 shards'],
  ] as const) {
    it(`against a rolling window without Retry-After, ${as}: done, every 429 retried, not far below today`, async () => {
      const run = await runLimitCase(limitCase('rolling 50/5s'), { images: 100, shards });
      expectWhole(run);
      expect(run.rateLimited).toBeGreaterThan(0);
      expect(run.ofBound).toBeGreaterThan(0.4);
    });
  }
});
