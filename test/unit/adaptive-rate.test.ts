import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from '../../src/batch/adaptive-rate.js';
import { FakeTiming } from '../support/fake-time.js';

/** Answers at `perSecond` for `ms` (each sent just before it is answered), on the fake clock. */
async function answerSteadily(timing: FakeTiming, limiter: AdaptiveRate, perSecond: number, ms: number): Promise<void> {
  const gap = 1000 / perSecond;
  const until = timing.now() + ms;
  await timing.drive(
    (async () => {
      while (timing.now() + gap <= until) {
        await timing.sleep(gap);
        limiter.answered(timing.now(), false);
      }
    })(),
  );
}

/** A limiter that has been sending at `perSecond` for two seconds, then met a 429. */
async function cutAfterSending(perSecond: number): Promise<{ timing: FakeTiming; limiter: AdaptiveRate }> {
  const timing = new FakeTiming();
  const limiter = new AdaptiveRate(timing);
  await answerSteadily(timing, limiter, perSecond, 2_000);
  limiter.answered(timing.now(), true);
  return { timing, limiter };
}

describe('the adaptive rate (AWS "adaptive" retry mode)', () => {
  it('limits nothing before the first 429', async () => {
    const timing = new FakeTiming();
    const limiter = new AdaptiveRate(timing);
    await answerSteadily(timing, limiter, 50, 2_000);
    const started = timing.now();
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(limiter.rate).toBeNull();
    expect(timing.now()).toBe(started);
  });

  it('drops to 70% of the measured sending rate on a 429', async () => {
    const { limiter } = await cutAfterSending(20);
    expect(limiter.rate).toBeCloseTo(14, 5);
  });

  it('grows back along the cubic curve: at the old rate after cbrt(rate × 0.3 / 0.4) s, above it after', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    const cutAt = timing.now();
    const plateauMs = Math.cbrt((20 * 0.3) / 0.4) * 1000; // 2.47 s
    const curve = () => 0.4 * ((timing.now() - cutAt - plateauMs) / 1000) ** 3 + 20;
    await answerSteadily(timing, limiter, 20, plateauMs / 2);
    expect(limiter.rate).toBeGreaterThan(17);
    expect(limiter.rate).toBeCloseTo(curve(), 5);
    await answerSteadily(timing, limiter, 20, plateauMs / 2);
    expect(limiter.rate).toBeCloseTo(20, 0);
    await answerSteadily(timing, limiter, 20, 2_000);
    expect(limiter.rate).toBeGreaterThan(22.5);
    expect(limiter.rate).toBeCloseTo(curve(), 5);
  });

  it('never lets the rate run beyond twice what is actually sent', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    await answerSteadily(timing, limiter, 4, 10_000);
    expect(limiter.rate).toBeCloseTo(8, 0);
  });

  it('counts a volley of 429s for requests sent before the cut as one signal', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    const sentBefore = timing.now() - 50;
    for (let i = 0; i < 7; i++) limiter.answered(sentBefore, true);
    expect(limiter.rate).toBeCloseTo(14, 5);
  });

  it('cuts again for a request sent after the cut, from the rate it was allowed', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    await timing.drive(timing.sleep(100));
    limiter.answered(timing.now() - 10, true);
    expect(limiter.rate).toBeCloseTo(14 * 0.7, 5);
  });

  it('never goes below half a request a second', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    for (let i = 0; i < 30; i++) {
      await timing.drive(timing.sleep(10));
      limiter.answered(timing.now(), true);
    }
    expect(limiter.rate).toBe(0.5);
  });

  it('spaces requests by its rate once its burst (a second of tokens) is spent', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    const starts: number[] = [];
    await timing.drive(
      (async () => {
        for (let i = 0; i < 40; i++) {
          await limiter.acquire();
          starts.push(timing.now());
        }
      })(),
    );
    const gaps = starts.slice(15).map((start, i) => start - starts[14 + i]!);
    // 14 requests a second: one every 72 ms (whole ms, as timers count).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(71);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThan(25 * 71);
  });

  it('gives up its wait at once when the run stops', async () => {
    const { timing, limiter } = await cutAfterSending(20);
    const controller = new AbortController();
    await limiter.acquire(); // the one token in the bucket
    const waiting = limiter.acquire(controller.signal);
    expect(timing.pendingTimers).toBe(1);
    controller.abort();
    await waiting;
    expect(timing.pendingTimers).toBe(0);
  });
});
