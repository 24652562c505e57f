import { describe, expect, it } from 'vitest';
import { AdaptiveRate, type RateChange, type Ticket, type WorkShare } from '../../src/batch/adaptive-rate.js';
import { FakeTiming } from '../support/fake-time.js';

/** A learner on a fake clock, with the changes it told. */
function learner(work?: WorkShare): { timing: FakeTiming; rate: AdaptiveRate; changes: RateChange[] } {
  const timing = new FakeTiming();
  const changes: RateChange[] = [];
  return { timing, rate: new AdaptiveRate(timing, (change) => changes.push(change), work), changes };
}

/** `n` requests let through now (none may wait). */
async function sendNow(rate: AdaptiveRate, n: number): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  for (let i = 0; i < n; i++) tickets.push((await rate.acquire())!);
  return tickets;
}

/** The next request let through, and when (the clock moves while it waits). */
async function next(timing: FakeTiming, rate: AdaptiveRate): Promise<Ticket> {
  const ticket = await timing.drive(rate.acquire());
  if (!ticket) throw new Error('no ticket');
  return ticket;
}

/** A learner that sent a burst of `count` at 0 (admitted), then met a bare 429, then found room at `windowMs` (5 s). */
async function limitedAt(count: number, work?: WorkShare, windowMs = 5_000): Promise<ReturnType<typeof learner>> {
  const run = learner(work);
  const { timing, rate } = run;
  for (const ticket of await sendNow(rate, count)) rate.answered(ticket, 'admitted');
  const [refused] = await sendNow(rate, 1);
  rate.answered(refused!, 'throttled');
  // Probes 1 s after, then 1.8 s, 3.24 s... later: refused until the window has room.
  for (;;) {
    const probe = await next(timing, rate);
    expect(probe.purpose).toBe('pause-probe');
    const room = timing.now() >= windowMs;
    rate.answered(probe, room ? 'admitted' : 'throttled');
    if (room) return run;
  }
}

describe('the adaptive rate: an unannounced limit learnt as "count per window"', () => {
  it('holds nothing back before the first bare 429', async () => {
    const { rate, changes } = learner();
    const tickets = await sendNow(rate, 100);
    for (const ticket of tickets) rate.answered(ticket, 'admitted');
    expect(tickets.every((ticket) => ticket.purpose === 'send')).toBe(true);
    expect(rate.perMinute).toBeNull();
    expect(changes).toEqual([]);
  });

  it('pauses at the first bare 429: one probe at a time, at growing waits, until one is admitted', async () => {
    const { timing, rate } = learner();
    for (const ticket of await sendNow(rate, 10)) rate.answered(ticket, 'admitted');
    const [refused] = await sendNow(rate, 1);
    rate.answered(refused!, 'throttled');
    const probes: number[] = [];
    // Two waiters: the second goes only once the first probe is answered.
    const first = next(timing, rate);
    const second = rate.acquire();
    const probe = await first;
    probes.push(timing.now());
    rate.answered(probe, 'throttled');
    const again = await timing.drive(second);
    probes.push(timing.now());
    expect(again!.purpose).toBe('pause-probe');
    expect(probes).toEqual([1_000, 2_800]);
  });

  it('learns the count from what was admitted before the 429 and the window from the first probe admitted', async () => {
    const { rate, changes } = await limitedAt(50);
    // Probes at 1, 2.8, 6.04 s: the window is from the burst at 0 to 6.04 s.
    expect(rate.perMinute).toBe(Math.round((50 / 6.04) * 60));
    expect(changes).toEqual([{ cause: 'limited', perMinute: Math.round((50 / 6.04) * 60) }]);
  });

  // A minute's window (the API's unit) is first found room in ~75 s: the burst before the 429
  // was forgotten after 60 s, the probe admitted read no count from it, and every minute began
  // again as if nothing were known (50 per 60 s: 0.79 of the bound, 11% of requests 429).
  it('learns a window longer than a minute: what the 429 met is kept however long the probes take', async () => {
    const { rate, changes } = await limitedAt(50, undefined, 60_000);
    // Probes at 1, 2.8, 6.04, 11.87, 22.37, 41.27, 75.27 s: the last is the first admitted.
    expect(rate.perMinute).toBe(Math.round((50 / 75.27) * 60));
    expect(changes).toEqual([{ cause: 'limited', perMinute: Math.round((50 / 75.27) * 60) }]);
  });

  it('learns nothing from a 429 that met none of its own requests: after the probe, ramps up from one with no limit', async () => {
    // Another job (or a shard that started first) filled the limit: the very first request is refused.
    const { timing, rate, changes } = learner();
    const [refused] = await sendNow(rate, 1);
    rate.answered(refused!, 'throttled');
    const probe = await next(timing, rate);
    rate.answered(probe, 'admitted');
    // Before, the window was measured from the probe to itself (1 ms) and requests went a millisecond apart.
    expect(rate.perMinute).toBeNull();
    expect(changes).toEqual([]);
    const first = await next(timing, rate);
    const second = rate.acquire();
    let secondGone = false;
    void second.then(() => (secondGone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondGone).toBe(false);
    rate.answered(first, 'admitted');
    const gone = (await second)!;
    expect(gone.purpose).toBe('send');
    rate.answered(gone, 'admitted');
    // Its own requests then meet the limit and measure it, as at the start of a run: 3 of its
    // own admitted (the probe among them), from the probe at 1 s to the next admitted at 2 s.
    const [wall] = await sendNow(rate, 1);
    rate.answered(wall!, 'throttled');
    const again = await next(timing, rate);
    expect(again.purpose).toBe('pause-probe');
    rate.answered(again, 'admitted');
    expect(rate.perMinute).toBe(Math.round((3 / 1) * 60));
  });

  it('after a 429 that taught nothing, keeps ramping one more per answer up to the most --concurrency allows', async () => {
    const { timing, rate } = learner();
    const [refused] = await sendNow(rate, 1);
    rate.answered(refused!, 'throttled');
    rate.answered(await next(timing, rate), 'admitted');
    // 70 answers admitted one at a time: 71 may be out at once now, not more (it ended at 64
    // before, and then nothing but --concurrency held back up to 256 at once).
    for (let i = 0; i < 70; i++) rate.answered(await next(timing, rate), 'admitted');
    const out = await sendNow(rate, 71);
    let more = false;
    void rate.acquire().then(() => (more = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(more).toBe(false);
    rate.answered(out[0]!, 'admitted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(more).toBe(true);
  });

  it('as one of N shards, takes its part of the work as its share of what the N were admitted', async () => {
    // 17 admitted before the 429, about a third of 50: this shard has 37% of the work.
    const { rate } = await limitedAt(17, { shards: 3, share: 0.37 });
    expect(rate.perMinute).toBe(Math.round((Math.round(17 * 3 * 0.37) / 6.04) * 60));
  });

  it('then lets the count through in any window, ramping up one more per admitted answer', async () => {
    const { timing, rate } = await limitedAt(50);
    const start = timing.now();
    // The probe, then every request let through.
    const sent: number[] = [0];
    // Every request admitted at once (the answers come back at once).
    while (sent.length < 121) {
      const ticket = await next(timing, rate);
      if (ticket.purpose !== 'send') {
        rate.answered(ticket, 'throttled');
        continue;
      }
      sent.push(timing.now() - start);
      rate.answered(ticket, 'admitted');
    }
    // No rolling window of 6.04 s holds more than 50 of them.
    for (const at of sent)
      expect(sent.filter((other) => other > at - 6_040 && other <= at).length).toBeLessThanOrEqual(50);
    expect(sent.filter((at) => at < 6_040)).toHaveLength(50);
  });

  it('lowers the count to what the window held when a request within it is refused, and says so', async () => {
    const { timing, rate, changes } = await limitedAt(50);
    const tickets: Ticket[] = [];
    for (let i = 0; i < 20; i++) {
      const ticket = await next(timing, rate);
      tickets.push(ticket);
      rate.answered(ticket, i < 19 ? 'admitted' : 'throttled');
    }
    // The probe and 19 admitted: a second job takes the rest of the limit.
    expect(changes.at(-1)).toEqual({ cause: 'lowered', perMinute: Math.round((20 / 6.04) * 60) });
    // Nothing more goes until the window has room again.
    const before = timing.now();
    await next(timing, rate);
    expect(timing.now()).toBeGreaterThan(before);
  });

  it('tries one request beyond the count every two windows; admitted, the count grows', async () => {
    const { timing, rate, changes } = await limitedAt(10);
    let raised = false;
    while (!raised) {
      const ticket = await next(timing, rate);
      rate.answered(ticket, 'admitted');
      raised = ticket.purpose === 'count-probe';
    }
    expect(changes.at(-1)?.cause).toBe('raised');
    expect(timing.now()).toBeGreaterThanOrEqual(2 * 6_040);
  });

  it('as one of N shards, narrows the window only after three trials in a row are admitted at it', async () => {
    const { timing, rate } = await limitedAt(17, { shards: 3, share: 1 / 3 });
    const before = rate.perMinute;
    const trials: Ticket[] = [];
    // A place another shard left free admits one trial by chance: alone that narrowed the window.
    while (trials.length < 2) {
      const ticket = await next(timing, rate);
      if (ticket.purpose === 'window-trial') trials.push(ticket);
      rate.answered(ticket, 'admitted');
      if (trials.length === 1) expect(rate.perMinute).toBe(before);
    }
    expect(rate.perMinute).toBe(before);
    for (;;) {
      const ticket = await next(timing, rate);
      rate.answered(ticket, 'admitted');
      if (ticket.purpose === 'window-trial') break;
    }
    expect(rate.perMinute).toBeGreaterThan(before!);
  });

  it('gives a waiter nothing when the run stops, and leaves no timer behind', async () => {
    const { timing, rate } = await limitedAt(5);
    for (let i = 0; i < 4; i++) rate.answered(await next(timing, rate), 'admitted');
    const stop = new AbortController();
    const waiting = rate.acquire(stop.signal);
    stop.abort();
    expect(await waiting).toBeNull();
    expect(timing.pendingTimers).toBe(0);
  });
});
