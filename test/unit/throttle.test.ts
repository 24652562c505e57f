import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/batch/throttle.js';

describe('adaptive concurrency on 429', () => {
  it('halves the limit on a 429 and pauses everyone for the Retry-After', () => {
    let now = 0;
    const throttle = new Throttle(16, () => now);
    throttle.rateLimited(2_000);
    expect(throttle.concurrency).toBe(8);
    expect(throttle.pauseLeft()).toBe(2_000);
    now = 500;
    expect(throttle.pauseLeft()).toBe(1_500);
  });

  it('counts a burst of 429s during one pause as one signal', () => {
    let now = 0;
    const throttle = new Throttle(16, () => now);
    throttle.rateLimited(2_000);
    now = 10;
    throttle.rateLimited(3_000);
    expect(throttle.concurrency).toBe(8);
    expect(throttle.pauseLeft()).toBe(3_000);
    now = 3_010;
    throttle.rateLimited(1_000);
    expect(throttle.concurrency).toBe(4);
  });

  it('never goes below one', () => {
    let now = 0;
    const throttle = new Throttle(2, () => now);
    for (let i = 0; i < 5; i++) {
      throttle.rateLimited(10);
      now += 20;
    }
    expect(throttle.concurrency).toBe(1);
  });

  it('raises the limit by one per run of successes as long as the limit, up to the maximum', () => {
    let now = 0;
    const throttle = new Throttle(4, () => now);
    throttle.rateLimited(1);
    now = 2;
    throttle.rateLimited(1);
    expect(throttle.concurrency).toBe(1);
    throttle.succeeded();
    expect(throttle.concurrency).toBe(2);
    throttle.succeeded();
    expect(throttle.concurrency).toBe(2);
    throttle.succeeded();
    expect(throttle.concurrency).toBe(3);
    for (let i = 0; i < 20; i++) throttle.succeeded();
    expect(throttle.concurrency).toBe(4);
  });
});
