import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  createFaultPolicy,
  parseCount,
  parseLatency,
  parseRate,
  parseSeed,
  type Decision,
  type FaultOptions,
} from '../../src/emulator/faults.js';

function run(options: FaultOptions, count: number, billable = false): Decision[] {
  const policy = createFaultPolicy(options);
  return Array.from({ length: count }, () => policy.decide({ billable }));
}

function fakeClock(start = 0): { now: () => number; set: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    set: (ms) => {
      time = ms;
    },
  };
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a throw');
}

describe('seeded reproducibility', () => {
  const options: FaultOptions = { failRate: 0.3, resetRate: 0.1, latency: { min: 0, max: 1000 } };

  it('gives identical decision sequences for the same seed', () => {
    expect(run({ ...options, seed: 42 }, 500)).toEqual(run({ ...options, seed: 42 }, 500));
  });

  it('gives different sequences for different seeds', () => {
    const a = run({ ...options, seed: 42 }, 500);
    const b = run({ ...options, seed: 43 }, 500);
    expect(a).not.toEqual(b);
    // Not merely one difference: most latencies differ.
    const same = a.filter((decision, i) => JSON.stringify(decision) === JSON.stringify(b[i])).length;
    expect(same).toBeLessThan(50);
  });

  it('uses seed 1 by default', () => {
    expect(run(options, 100)).toEqual(run({ ...options, seed: 1 }, 100));
  });

  it("keeps request k's draws independent of earlier 429s (three draws per request)", () => {
    const clock = fakeClock();
    const limited = createFaultPolicy({ ...options, seed: 7, rateLimit: 2, now: clock.now });
    const free = createFaultPolicy({ ...options, seed: 7 });
    const fromLimited: Decision[] = [];
    const fromFree: Decision[] = [];
    for (let i = 0; i < 10; i++) {
      if (i === 5) clock.set(60_000); // requests 2-4 were refused; the window then empties
      fromLimited.push(limited.decide({ billable: false }));
      fromFree.push(free.decide({ billable: false }));
    }
    expect(fromLimited.slice(2, 5).every((d) => d.kind === 'rateLimited')).toBe(true);
    expect(fromLimited[5]).toEqual(fromFree[5]);
    expect(fromLimited[6]).toEqual(fromFree[6]);
  });
});

describe('fail and reset shares', () => {
  it('fails about failRate of requests, with 500, 502 and 503 only', () => {
    const decisions = run({ seed: 3, failRate: 0.3 }, 500);
    const fails = decisions.filter((d) => d.kind === 'fail');
    expect(fails.length / 500).toBeGreaterThanOrEqual(0.24);
    expect(fails.length / 500).toBeLessThanOrEqual(0.36);
    const statuses = new Set(fails.map((d) => d.status));
    expect([...statuses].sort()).toEqual([500, 502, 503]);
    expect(decisions.some((d) => d.kind === 'reset')).toBe(false);
  });

  it('resets about resetRate of requests', () => {
    const decisions = run({ seed: 4, resetRate: 0.3 }, 500);
    const resets = decisions.filter((d) => d.kind === 'reset').length;
    expect(resets / 500).toBeGreaterThanOrEqual(0.24);
    expect(resets / 500).toBeLessThanOrEqual(0.36);
    expect(decisions.some((d) => d.kind === 'fail')).toBe(false);
  });

  it('keeps both shares when fail and reset are combined', () => {
    const decisions = run({ seed: 5, failRate: 0.3, resetRate: 0.2 }, 500);
    const fails = decisions.filter((d) => d.kind === 'fail').length / 500;
    const resets = decisions.filter((d) => d.kind === 'reset').length / 500;
    expect(Math.abs(fails - 0.3)).toBeLessThanOrEqual(0.06);
    expect(Math.abs(resets - 0.2)).toBeLessThanOrEqual(0.06);
  });

  it('never faults at rate 0 and always at rate 1', () => {
    expect(run({ seed: 9 }, 300).every((d) => d.kind === 'pass')).toBe(true);
    expect(run({ seed: 9, failRate: 1 }, 300).every((d) => d.kind === 'fail')).toBe(true);
    expect(run({ seed: 9, resetRate: 1 }, 300).every((d) => d.kind === 'reset')).toBe(true);
  });

  it('counts outcomes in stats()', () => {
    const policy = createFaultPolicy({ seed: 5, failRate: 0.3, resetRate: 0.2 });
    const decisions = Array.from({ length: 200 }, () => policy.decide({ billable: false }));
    const stats = policy.stats();
    expect(stats.requests).toBe(200);
    expect(stats.failed).toBe(decisions.filter((d) => d.kind === 'fail').length);
    expect(stats.resets).toBe(decisions.filter((d) => d.kind === 'reset').length);
    expect(stats.passed).toBe(decisions.filter((d) => d.kind === 'pass').length);
    expect(stats.passed + stats.failed + stats.resets).toBe(200);
  });
});

describe('latency', () => {
  function delays(options: FaultOptions, count: number): number[] {
    return run(options, count).map((d) => ('delayMs' in d ? d.delayMs : Number.NaN));
  }

  it('draws whole ms within [min, max], covering the range', () => {
    const values = delays({ seed: 11, latency: { min: 100, max: 300 } }, 500);
    expect(values.every((v) => Number.isInteger(v) && v >= 100 && v <= 300)).toBe(true);
    expect(Math.min(...values)).toBeLessThan(110);
    expect(Math.max(...values)).toBeGreaterThan(290);
  });

  it('gives exactly the fixed value for --latency 50', () => {
    expect(delays({ seed: 12, latency: parseLatency('50') }, 200).every((v) => v === 50)).toBe(true);
  });

  it('defaults to no delay, and delays faults too', () => {
    expect(delays({ seed: 13 }, 50).every((v) => v === 0)).toBe(true);
    const faults = run({ seed: 13, failRate: 0.5, resetRate: 0.5, latency: { min: 20, max: 20 } }, 50);
    expect(faults.every((d) => 'delayMs' in d && d.delayMs === 20)).toBe(true);
  });
});

describe('rate limit', () => {
  it('admits exactly N per window, then 429 with Retry-After until the oldest leaves', () => {
    const clock = fakeClock();
    const policy = createFaultPolicy({ seed: 1, rateLimit: 3, now: clock.now });
    clock.set(0);
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    clock.set(10_000);
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    clock.set(20_000);
    expect(policy.decide({ billable: false }).kind).toBe('pass');

    clock.set(30_500);
    expect(policy.decide({ billable: false })).toEqual({ kind: 'rateLimited', retryAfterSeconds: 30 });
    clock.set(59_999);
    expect(policy.decide({ billable: false })).toEqual({ kind: 'rateLimited', retryAfterSeconds: 1 });

    // The request of t=0 leaves the window at t=60000: one slot frees.
    clock.set(60_000);
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    expect(policy.decide({ billable: false })).toEqual({ kind: 'rateLimited', retryAfterSeconds: 10 });
    expect(policy.stats().rateLimited).toBe(3);
  });

  it('does not admit refused requests into the window', () => {
    const clock = fakeClock();
    const policy = createFaultPolicy({ rateLimit: 2, now: clock.now });
    policy.decide({ billable: false });
    policy.decide({ billable: false });
    // Hammering while limited must not push the reopening further out.
    for (let t = 1_000; t < 60_000; t += 1_000) {
      clock.set(t);
      expect(policy.decide({ billable: false }).kind).toBe('rateLimited');
    }
    clock.set(60_000);
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    expect(policy.decide({ billable: false }).kind).toBe('rateLimited');
  });

  it('counts admitted requests whatever their outcome, including 402 and /v2/account', () => {
    const clock = fakeClock();
    const policy = createFaultPolicy({ rateLimit: 3, credits: 0, failRate: 0.5, now: clock.now });
    expect(policy.decide({ billable: true }).kind).toBe('noCredits');
    policy.decide({ billable: false });
    policy.decide({ billable: false });
    expect(policy.decide({ billable: false }).kind).toBe('rateLimited');
    expect(policy.decide({ billable: true }).kind).toBe('rateLimited');
  });

  it('is unlimited without a rate limit', () => {
    expect(run({ seed: 2 }, 1000).some((d) => d.kind === 'rateLimited')).toBe(false);
  });
});

describe('credits', () => {
  it('allows exactly N successful billable calls, then 402, counting available down', () => {
    const policy = createFaultPolicy({ credits: 3 });
    expect(policy.account()).toEqual({ available: 3, used: 0, reserved: 0 });
    for (let i = 0; i < 3; i++) {
      const decision = policy.decide({ billable: true });
      expect(decision).toMatchObject({ kind: 'pass', billable: true });
      policy.settle(decision, true);
      expect(policy.account().available).toBe(2 - i);
    }
    expect(policy.decide({ billable: true })).toEqual({ kind: 'noCredits' });
    expect(policy.account()).toEqual({ available: 0, used: 3, reserved: 0 });
    expect(policy.stats()).toMatchObject({ succeeded: 3, noCredits: 1 });
  });

  it('does not charge failed calls', () => {
    const policy = createFaultPolicy({ credits: 1 });
    for (let i = 0; i < 5; i++) policy.settle(policy.decide({ billable: true }), false);
    expect(policy.account()).toEqual({ available: 1, used: 0, reserved: 0 });
    const last = policy.decide({ billable: true });
    expect(last.kind).toBe('pass');
    policy.settle(last, true);
    expect(policy.decide({ billable: true }).kind).toBe('noCredits');
  });

  it('does not reserve for injected faults', () => {
    const policy = createFaultPolicy({ credits: 1, failRate: 0.5, resetRate: 0.5, seed: 8 });
    for (let i = 0; i < 20; i++) expect(['fail', 'reset']).toContain(policy.decide({ billable: true }).kind);
    expect(policy.account()).toEqual({ available: 1, used: 0, reserved: 0 });
  });

  it('never refuses non-billable calls for credits', () => {
    const policy = createFaultPolicy({ credits: 0 });
    for (let i = 0; i < 20; i++) {
      const decision = policy.decide({ billable: false });
      expect(decision).toMatchObject({ kind: 'pass', billable: false });
      policy.settle(decision, true);
    }
    expect(policy.account()).toEqual({ available: 0, used: 0, reserved: 0 });
    expect(policy.decide({ billable: true }).kind).toBe('noCredits');
  });

  it('cannot overshoot with concurrent reservations', () => {
    const policy = createFaultPolicy({ credits: 3 });
    const inFlight = Array.from({ length: 5 }, () => policy.decide({ billable: true }));
    expect(inFlight.map((d) => d.kind)).toEqual(['pass', 'pass', 'pass', 'noCredits', 'noCredits']);
    expect(policy.account()).toEqual({ available: 3, used: 0, reserved: 3 });

    const [first, second, third] = inFlight as [Decision, Decision, Decision];
    policy.settle(first, false); // released: one more may go
    const retry = policy.decide({ billable: true });
    expect(retry.kind).toBe('pass');
    expect(policy.decide({ billable: true }).kind).toBe('noCredits');

    for (const decision of [second, third, retry]) policy.settle(decision, true);
    expect(policy.account()).toEqual({ available: 0, used: 3, reserved: 0 });
    expect(policy.decide({ billable: true }).kind).toBe('noCredits');
  });

  it('settles each decision at most once', () => {
    const policy = createFaultPolicy({ credits: 2 });
    const decision = policy.decide({ billable: true });
    policy.settle(decision, true);
    policy.settle(decision, true);
    policy.settle(decision, false);
    expect(policy.account()).toEqual({ available: 1, used: 1, reserved: 0 });
    expect(policy.stats().succeeded).toBe(1);
  });

  it('reports null available and still counts use when unlimited', () => {
    const policy = createFaultPolicy({});
    policy.settle(policy.decide({ billable: true }), true);
    expect(policy.account()).toEqual({ available: null, used: 1, reserved: 0 });
  });
});

describe('parsers', () => {
  it('parses latency', () => {
    expect(parseLatency('50')).toEqual({ min: 50, max: 50 });
    expect(parseLatency('100-800')).toEqual({ min: 100, max: 800 });
    expect(parseLatency(' 0 - 0 ')).toEqual({ min: 0, max: 0 });
  });

  it.each([
    ['-5', /--latency cannot be negative, got "-5"/],
    ['5--3', /--latency cannot be negative/],
    ['800-100', /--latency "800-100": MIN \(800\) must not exceed MAX \(100\)/],
    ['abc', /--latency expects whole milliseconds as MS or MIN-MAX .*got "abc"/],
    ['', /--latency expects whole milliseconds/],
    ['1e3', /--latency expects whole milliseconds/],
    ['10-', /--latency expects whole milliseconds/],
    ['1.5', /--latency takes whole milliseconds, got "1.5"/],
    ['99999999999', /--latency must be at most 2147483647 ms/],
    ['9'.repeat(400), /--latency must be at most 2147483647 ms/],
  ])('rejects latency %j', (text, message) => {
    const error = errorOf(() => parseLatency(text));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(message);
  });

  it('parses rates', () => {
    expect(parseRate('0', '--fail-rate')).toBe(0);
    expect(parseRate('0.3', '--fail-rate')).toBe(0.3);
    expect(parseRate('.05', '--reset-rate')).toBe(0.05);
    expect(parseRate('1', '--reset-rate')).toBe(1);
  });

  it.each(['1.5', '-0.1', 'abc', '', 'NaN', 'Infinity', '0x1', '30%'])('rejects rate %j naming the flag', (text) => {
    const error = errorOf(() => parseRate(text, '--reset-rate'));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `--reset-rate expects a probability between 0 and 1 (e.g. 0.05), got ${JSON.stringify(text)}`,
    );
  });

  it('parses counts', () => {
    expect(parseCount('0', '--credits')).toBe(0);
    expect(parseCount('250', '--credits')).toBe(250);
    expect(parseCount('60', '--rate-limit', 1)).toBe(60);
  });

  it.each([
    ['-1', '--credits', 0],
    ['2.5', '--credits', 0],
    ['ten', '--credits', 0],
    ['', '--credits', 0],
    ['1e3', '--credits', 0],
    ['99999999999999999999', '--credits', 0],
    ['0', '--rate-limit', 1],
  ])('rejects count %j for %s', (text, flag, min) => {
    const error = errorOf(() => parseCount(text, flag, min));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`${flag} expects a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  });

  it('parses seeds', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('-7')).toBe(-7);
    expect(errorOf(() => parseSeed('4.2')).message).toBe('--seed expects an integer, got "4.2"');
  });

  it('validates programmatic options too', () => {
    expect(() => createFaultPolicy({ failRate: 1.2 })).toThrow(/failRate must be a probability/);
    expect(() => createFaultPolicy({ latency: { min: 5, max: 1 } })).toThrow(
      /latency min \(5\) must not exceed max \(1\)/,
    );
    expect(() => createFaultPolicy({ rateLimit: 0 })).toThrow(/rateLimit must be a whole number of at least 1/);
    expect(() => createFaultPolicy({ credits: 1.5 })).toThrow(/credits must be a whole number/);
    expect(() => createFaultPolicy({ failRate: 0.6, resetRate: 0.5 })).toThrow(/together they must not exceed 1/);
    expect(() => createFaultPolicy({ failRate: 0.7, resetRate: 0.3 })).not.toThrow();
  });
});

describe('rate limit windows other than a minute', () => {
  it('reads N, N/Ts and N/Tm', async () => {
    const { parseRateLimit } = await import('../../src/emulator/faults.js');
    expect(parseRateLimit('120')).toEqual({ limit: 120, windowMs: 60_000 });
    expect(parseRateLimit('20/5s')).toEqual({ limit: 20, windowMs: 5_000 });
    expect(parseRateLimit('100/2m')).toEqual({ limit: 100, windowMs: 120_000 });
    expect(() => parseRateLimit('0')).toThrow('--rate-limit expects N requests a minute or N/WINDOW');
    expect(() => parseRateLimit('5/0s')).toThrow();
    expect(() => parseRateLimit('5/10h')).toThrow();
  });

  it('counts admissions over the given window and answers Retry-After from it', async () => {
    const { createFaultPolicy } = await import('../../src/emulator/faults.js');
    let now = 0;
    const policy = createFaultPolicy({ rateLimit: 2, rateWindowMs: 5_000, now: () => now });
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    now = 1_000;
    expect(policy.decide({ billable: false }).kind).toBe('pass');
    expect(policy.decide({ billable: false })).toEqual({ kind: 'rateLimited', retryAfterSeconds: 4 });
    now = 5_000;
    expect(policy.decide({ billable: false }).kind).toBe('pass');
  });
});
