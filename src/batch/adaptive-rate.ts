/**
 * Finding a rate limit the service does not announce (429s without Retry-After), from one
 * process or from several sharing the key with no channel between them.
 *
 * The run keeps its own copy of the limit as "at most `count` requests in any `windowMs`",
 * learnt from its answers. A rolling window (the usual way a limit is kept) lets a burst of
 * `count` through and then nothing until the oldest of it is `windowMs` old: a client that
 * only paced itself would meet the window still full after the first burst, and could never
 * pass 0.88 of what the limit allows. A fixed window and a token bucket are kept too by a
 * copy whose count and window are right, or smaller.
 *
 * - Until the first bare 429, nothing is held back (no limit, full speed).
 * - The first bare 429 pauses the run. One request at a time probes when room comes back, at
 *   waits growing by PROBE_GROWTH; the first admitted probe gives the window (from the
 *   oldest request counted to the probe) and the count (the requests admitted before the
 *   429; one of N `--shard`s takes instead its part of the work's share of N times that, so
 *   that shards with unequal work finish together). If nothing of the run's own was admitted
 *   before the 429 (another job or shard filled the limit first), there is nothing to measure
 *   from: the run goes on without a limit, ramping up from one request, until its own
 *   requests meet the limit. The window is then narrowed, one trial request a window (a
 *   refused trial costs one 429 and waits out the known window instead), until it is known
 *   within WINDOW_PRECISION; as a shard, only after TRIAL_GROUP_SHARDS trials in a row are
 *   admitted (a place another shard left free admits one by chance, and the shorter window it
 *   teaches meets a 429 every round).
 * - A request refused within the count lowers it to what the window held (the limit fell:
 *   another job started on the key, or another shard took its share), and ends the trials.
 *   After that, and whenever the limit is new or its window narrower, requests ramp up one
 *   more per admitted answer (TCP's slow start).
 * - Upward, rarely: once every COUNT_PROBE_WINDOWS windows (MIN_COUNT_PROBE_GAP_MS at
 *   least), one request beyond the count; admitted, the count grows by one and the next such
 *   request may go at once (room freed by a shard or a job that ended is taken quickly).
 */
import { RUN_OPTIONS } from '../config/options.js';
import type { Clock } from './rate.js';

/** The first probe after a bare 429 goes this long after it... */
const FIRST_PROBE_MS = 1000;
/** ...and each next one waits this many times longer than the previous wait... */
const PROBE_GROWTH = 1.8;
/** ...up to a minute (the longest window a limit is usually kept over): a service that refuses everything is given up on in time. */
const MAX_PROBE_WAIT_MS = 60_000;
/** The window is narrowed until its bounds are this close (a share of it). */
const WINDOW_PRECISION = 0.1;
/** As one of N shards, a shorter window is believed after this many trials at it admitted in a row. */
const TRIAL_GROUP_SHARDS = 3;
/** A request beyond the count is tried once every this many windows... */
const COUNT_PROBE_WINDOWS = 2;
/** ...and no more often than this (ms): a short window copied from a token bucket would try all the time. */
const MIN_COUNT_PROBE_GAP_MS = 5_000;
/** Ramping up with no limit known ends at the most requests `--concurrency` lets be in flight. */
const FREE_RAMP_ENDS = RUN_OPTIONS.concurrency.maximum ?? Infinity;
/** Until a limit is learnt, sends are remembered this long (ms): the count at the first 429 is read from them. */
const HORIZON_MS = 60_000;

export interface RateChange {
  /** The rate the run now holds itself to, in requests a minute (whole number, rounded). */
  perMinute: number;
  /** 'limited': the first bare 429 (the run was unlimited before); 'lowered': a later cut; 'raised': a probe upward was admitted. */
  cause: 'limited' | 'lowered' | 'raised';
}

/** A process that is one of `shards` sharing the limit, with `share` of their work (0–1). */
export interface WorkShare {
  shards: number;
  share: number;
}

/** How a request sent through the gate went, as far as the rate is concerned. */
export type Outcome = 'admitted' | 'throttled' | 'unknown';

/** What a request was let through as: an ordinary one, or a probe of the limit. */
type Purpose = 'send' | 'pause-probe' | 'window-trial' | 'count-probe';

/** A request let through: given back with its outcome. */
export interface Ticket {
  sentAt: number;
  purpose: Purpose;
  /** Refused by the service: it does not count in the window... */
  refused: boolean;
  /** ...but holds its place in the run's own (a request refused within the count). */
  holdsPlace?: boolean;
}

/** The limit as the run keeps it. */
interface Limit {
  count: number;
  /** The window known to be long enough (ms)... */
  windowMs: number;
  /** ...and a length known to be too short (ms). */
  tooShortMs: number;
  /** Window trials admitted in a row since the last narrowing or refusal, and the widest window they showed (ms). */
  trialsPassed: { count: number; widestMs: number };
}

const NO_TRIALS_PASSED = { count: 0, widestMs: 0 } as const;

interface Waiter {
  resolve(ticket: Ticket): void;
}

export class AdaptiveRate {
  /** Requests let through, oldest first, as long as they may still count... */
  private readonly sent: Ticket[] = [];
  /** ...but for this many at its front, no longer counted and not yet dropped. */
  private expired = 0;
  private limit: Limit | null = null;
  /** Set while paused by a bare 429 and no probe has come back admitted. */
  private pause: { refusedAt: number; lastRefusedAt: number; nextProbeAt: number; waitMs: number } | null = null;
  /** A probe or a trial is out: no other goes until it is answered. */
  private probing = false;
  /** When a request beyond the count may be tried next (ms). */
  private countProbeAt = 0;
  /** Requests let through and not yet answered, oldest first... */
  private readonly inFlight = new Set<Ticket>();
  /**
   * ...and how many may be, while the limit is new or was just lowered, or after a 429 that
   * taught nothing: one more for each admitted answer (TCP's slow start), so that a copy that
   * is wrong costs a 429 or two, not a volley of them. Null: no cap but the count.
   */
  private ramp: number | null = null;
  private readonly waiters: Waiter[] = [];
  /** The pump's next look, if one is set: ended when nobody waits any more (a timer must not keep the process alive). */
  private wake: { at: number; timer: AbortController } | null = null;
  private reported: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly onChange?: (change: RateChange) => void,
    private readonly work?: WorkShare,
  ) {}

  /** The rate the run holds itself to now (requests a minute, rounded), or null before one is learnt. */
  get perMinute(): number | null {
    return this.limit && Math.round((this.limit.count / this.limit.windowMs) * 60_000);
  }

  /**
   * Waits until a request may go; the ticket goes back to `answered`. Null when `signal`
   * aborted first (nothing may be sent).
   */
  acquire(signal?: AbortSignal): Promise<Ticket | null> {
    if (signal?.aborted) return Promise.resolve(null);
    if (!this.limit && !this.pause && this.ramp === null) return Promise.resolve(this.let('send'));
    return new Promise((resolve) => {
      const stop = (): void => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(null);
        this.pump();
      };
      const waiter: Waiter = {
        resolve(ticket) {
          signal?.removeEventListener('abort', stop);
          resolve(ticket);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', stop, { once: true });
      this.pump();
    });
  }

  /** How the request went: an admitted one counts in the window, a throttled one teaches the limit. */
  answered(ticket: Ticket, outcome: Outcome): void {
    this.inFlight.delete(ticket);
    if (ticket.purpose !== 'send') this.probing = false;
    if (outcome === 'throttled') {
      ticket.refused = true;
      this.throttled(ticket);
    } else if (outcome === 'admitted') {
      this.admitted(ticket);
    } else if (ticket.purpose === 'pause-probe' && this.pause) {
      // Neither admitted nor refused: the next probe goes as soon as it would have.
      this.pause.nextProbeAt = this.clock.now();
    }
    this.pump();
  }

  private throttled(ticket: Ticket): void {
    const now = this.clock.now();
    if (this.pause) {
      // A probe refused (or a request let through before the pause): wait longer.
      if (ticket.purpose === 'pause-probe') {
        this.pause.lastRefusedAt = ticket.sentAt;
        this.pause.waitMs = Math.min(this.pause.waitMs * PROBE_GROWTH, MAX_PROBE_WAIT_MS);
        this.pause.nextProbeAt = now + this.pause.waitMs;
      }
      return;
    }
    const { limit } = this;
    if (!limit) {
      const refusedAt = ticket.sentAt;
      this.pause = { refusedAt, lastRefusedAt: refusedAt, waitMs: FIRST_PROBE_MS, nextProbeAt: now + FIRST_PROBE_MS };
      return;
    }
    if (ticket.purpose === 'window-trial') {
      limit.trialsPassed = NO_TRIALS_PASSED;
      const tooShort = ticket.sentAt - this.edge(ticket, limit.count);
      limit.tooShortMs = Math.min(Math.max(limit.tooShortMs, tooShort), limit.windowMs - 1);
      return;
    }
    if (ticket.purpose === 'count-probe') {
      this.countProbeAt = now + this.countProbeGap(limit);
      return;
    }
    // Refused within the count: the limit is lower now (another job or shard takes more of
    // it). What the window held is what it allows, one request at least: the refused one
    // holds its place, so that a run left nothing still tries once a window.
    const held = this.countIn(ticket.sentAt, limit.windowMs, ticket);
    ticket.holdsPlace = true;
    if (held >= limit.count) return;
    this.ramp = 1;
    limit.count = Math.max(1, held);
    // No more trials: another process's requests (or a bucket's refill) make a trial admitted
    // by chance, and the shorter window it teaches meets a volley of 429s.
    limit.tooShortMs = Math.max(limit.tooShortMs, limit.windowMs * (1 - WINDOW_PRECISION));
    limit.trialsPassed = NO_TRIALS_PASSED;
    this.countProbeAt = now + this.countProbeGap(limit);
    this.report('lowered');
  }

  private admitted(ticket: Ticket): void {
    const now = this.clock.now();
    if (ticket.purpose === 'pause-probe' && this.pause) {
      // Room came back: the count is what was admitted before the 429, the window spans from
      // the oldest of it to this probe (and is longer than to the last probe refused).
      const { refusedAt, lastRefusedAt } = this.pause;
      const admitted = this.countIn(refusedAt, HORIZON_MS);
      if (admitted === 0) {
        // Nothing of this run's was counted before the 429: the limit was full of other
        // requests (a job or a shard that started first), and nothing here measures it. The
        // run goes on without one, ramping up from this probe, until its own requests meet it.
        this.pause = null;
        this.ramp = 1;
        return;
      }
      // Shards that started together each got about 1/N of the limit before the 429: each
      // takes instead its part of the work's, so that all of them finish together.
      const count = Math.max(1, Math.round(this.work ? admitted * this.work.shards * this.work.share : admitted));
      const oldest = this.edge(ticket, admitted);
      this.limit = {
        count,
        windowMs: Math.max(1, ticket.sentAt - oldest),
        tooShortMs: Math.max(0, lastRefusedAt - oldest),
        trialsPassed: NO_TRIALS_PASSED,
      };
      this.pause = null;
      this.ramp = 1;
      this.countProbeAt = now + this.countProbeGap(this.limit);
      this.report('limited');
      return;
    }
    const { limit } = this;
    if (this.ramp !== null) this.ramp = this.ramp + 1 > (limit?.count ?? FREE_RAMP_ENDS) ? null : this.ramp + 1;
    if (!limit) return;
    if (ticket.purpose === 'window-trial') {
      const shown = ticket.sentAt - this.edge(ticket, limit.count);
      const { trialsPassed } = limit;
      const passed = { count: trialsPassed.count + 1, widestMs: Math.max(trialsPassed.widestMs, shown) };
      if (passed.count < this.trialGroup()) {
        limit.trialsPassed = passed;
        return;
      }
      limit.trialsPassed = NO_TRIALS_PASSED;
      limit.windowMs = Math.max(limit.tooShortMs + 1, passed.widestMs);
      // The shorter window is a guess from one request: the next ones ramp up, as after a cut.
      this.ramp = 1;
      this.report('raised');
    } else if (ticket.purpose === 'count-probe') {
      limit.count += 1;
      // There may be more room (a shard or a job ended): the next try may go at once.
      this.countProbeAt = now;
      this.report('raised');
    }
  }

  /** Lets through every waiter that may go now, and sets a wake-up for the next. */
  private pump(): void {
    while (this.waiters.length > 0) {
      const purpose = this.mayGo();
      if (!purpose) break;
      this.waiters.shift()!.resolve(this.let(purpose));
    }
    const next = this.waiters.length === 0 ? null : this.nextChance();
    if (this.wake && (next === null || next < this.wake.at)) {
      this.wake.timer.abort();
      this.wake = null;
    }
    if (next === null || this.wake) return;
    const wake = { at: next, timer: new AbortController() };
    this.wake = wake;
    // Whole milliseconds, as timers count: a wait below the clock's precision would never end.
    void this.clock.sleep(Math.max(1, Math.ceil(next - this.clock.now())), wake.timer.signal).then(() => {
      if (this.wake !== wake) return;
      this.wake = null;
      this.pump();
    });
  }

  /** What the next request may go as now, or null if it must wait. */
  private mayGo(): Purpose | null {
    const now = this.clock.now();
    if (this.pause) return !this.probing && now >= this.pause.nextProbeAt ? 'pause-probe' : null;
    const { limit } = this;
    if (!limit) return this.ramp === null || this.inFlight.size < this.ramp ? 'send' : null;
    if (this.ramp !== null && this.inFlight.size >= this.ramp) return null;
    if (this.taken(limit.windowMs).length < limit.count) return 'send';
    if (this.probing) return null;
    const trial = this.trialWindowMs();
    if (trial !== null && this.taken(trial).length < limit.count) return 'window-trial';
    if (now >= this.countProbeAt) return 'count-probe';
    return null;
  }

  /** The earliest time (ms) something may change for the waiters, or null if only an answer can. */
  private nextChance(): number | null {
    if (this.pause) return this.probing ? null : this.pause.nextProbeAt;
    const { limit } = this;
    if (!limit || (this.ramp !== null && this.inFlight.size >= this.ramp)) return null;
    const times = [this.roomAt(limit.windowMs)];
    if (!this.probing) {
      const trial = this.trialWindowMs();
      if (trial !== null) times.push(this.roomAt(trial));
      times.push(this.countProbeAt);
    }
    return Math.min(...times);
  }

  /** How long after a try beyond the count (or a cut) the next one waits. */
  private countProbeGap(limit: Limit): number {
    return Math.max(COUNT_PROBE_WINDOWS * limit.windowMs, MIN_COUNT_PROBE_GAP_MS);
  }

  /** Trials admitted in a row that narrow the window: one alone; as one of N shards, a slot the others left free admits one by chance. */
  private trialGroup(): number {
    return this.work && this.work.shards > 1 ? TRIAL_GROUP_SHARDS : 1;
  }

  /** A shorter window to try, while the window is not yet known precisely enough. */
  private trialWindowMs(): number | null {
    const { limit } = this;
    if (!limit || limit.windowMs - limit.tooShortMs <= WINDOW_PRECISION * limit.windowMs) return null;
    return (limit.windowMs + limit.tooShortMs) / 2;
  }

  /** When a window of `windowMs` will hold fewer than the count. */
  private roomAt(windowMs: number): number {
    const counted = this.taken(windowMs);
    const mustGo = counted[counted.length - this.limit!.count];
    return mustGo === undefined ? this.clock.now() : mustGo.sentAt + windowMs;
  }

  private let(purpose: Purpose): Ticket {
    const ticket: Ticket = { sentAt: this.clock.now(), purpose, refused: false };
    this.inFlight.add(ticket);
    if (purpose !== 'send') this.probing = true;
    this.sent.push(ticket);
    this.forget();
    return ticket;
  }

  /**
   * Requests admitted or in flight that a window of `windowMs` ending at `at` holds; with
   * `before`, only those let through before that one.
   */
  private counted(at: number, windowMs: number, before?: Ticket): Ticket[] {
    const end = before ? this.sent.indexOf(before) : this.sent.length;
    return this.sent
      .slice(this.expired, end < 0 ? this.sent.length : end)
      .filter((sent) => !sent.refused && sent.sentAt > at - windowMs && sent.sentAt <= at);
  }

  private countIn(at: number, windowMs: number, before?: Ticket): number {
    return this.counted(at, windowMs, before).length;
  }

  /**
   * Places taken in the run's own window ending now: a request refused within the count too,
   * so that it holds back the next one for a window instead of letting it meet the same wall.
   */
  private taken(windowMs: number): Ticket[] {
    const now = this.clock.now();
    return this.sent.filter((sent) => (!sent.refused || sent.holdsPlace) && sent.sentAt > now - windowMs);
  }

  /**
   * When the `count`-th latest request before `ticket` (admitted or in flight) was sent: the
   * window is longer than from it to `ticket` if `ticket` was refused, no longer if admitted.
   */
  private edge(ticket: Ticket, count: number): number {
    const before = this.counted(ticket.sentAt, Infinity, ticket);
    return before[before.length - count]?.sentAt ?? before[0]?.sentAt ?? ticket.sentAt;
  }

  /**
   * Drops what no window can count any more: from the front, in one splice once there is as
   * much to drop as to keep, so that a run sending thousands a second copies nothing per request.
   */
  private forget(): void {
    // An answer still to come reads the window that ended when it was sent, not now (an answer
    // may take longer than a short window lasts); while paused, the admitted probe reads what
    // the window held at the 429, however long the probes take (a minute's window: ~75 s).
    const oldestInFlight = this.inFlight.values().next().value?.sentAt ?? Infinity;
    const since = Math.min(this.clock.now(), oldestInFlight, this.pause?.refusedAt ?? Infinity);
    const from = since - (this.pause ? HORIZON_MS : (this.limit?.windowMs ?? HORIZON_MS));
    while (this.expired < this.sent.length && this.sent[this.expired]!.sentAt <= from) this.expired += 1;
    if (this.expired * 2 < this.sent.length) return;
    this.sent.splice(0, this.expired);
    this.expired = 0;
  }

  private report(cause: RateChange['cause']): void {
    const perMinute = this.perMinute ?? 0;
    if (perMinute === this.reported && cause !== 'limited') return;
    this.reported = perMinute;
    this.onChange?.({ perMinute, cause });
  }
}
