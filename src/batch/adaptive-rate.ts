/**
 * Finding the service's rate limit when it does not say when to come back (a 429 without
 * Retry-After), from one process or many sharing the account: the AWS SDKs' "adaptive"
 * retry mode. Requests take a token from a bucket, which is off until the first such 429.
 * From then on the bucket's fill rate follows CUBIC (TCP's congestion control): a 429 drops
 * it to BETA of the rate being sent, then it grows back along a cubic curve, steep far below
 * that rate, flat near it, probing above it once past.
 *
 * One departure from the SDKs: the 429s of requests sent before the last cut met the same
 * congestion as the one that made it, so they do not cut again (TCP, too, cuts once per
 * window of losses). Without it a volley of 429s, one per request in flight, cuts the rate
 * to BETA^n at once.
 */
import type { Clock } from './rate.js';

/** A 429 leaves this share of the rate that met it. */
const BETA = 0.7;
/** CUBIC's C: how fast the rate grows back, in requests/s per s³ away from the plateau. */
const SCALE = 0.4;
/** The rate is never set below this (requests/s). */
const MIN_RATE = 0.5;
/** The bucket always has room for one token. */
const MIN_CAPACITY = 1;
/** Answers are counted per half second... */
const MEASURE_SPAN_MS = 500;
/** ...and each half second's rate weighs this much against the earlier ones. */
const SMOOTHING = 0.8;

/** The rate of answers (requests/s): counted per span, smoothed (an exponential moving average). */
class MeasuredRate {
  private count = 0;
  private smoothed: number | null = null;

  constructor(private spanStart: number) {}

  /** Counts an answer at `now` (ms); returns the rate so far. */
  record(now: number): number {
    this.count += 1;
    const elapsedMs = now - this.spanStart;
    const spans = Math.floor(elapsedMs / MEASURE_SPAN_MS);
    // Before the first span ends (a 429 may come that early), the partial span is all there is.
    if (spans < 1) return this.smoothed ?? this.count / (Math.max(elapsedMs, 1) / 1000);
    const spanRate = this.count / ((spans * MEASURE_SPAN_MS) / 1000);
    this.smoothed = this.smoothed === null ? spanRate : SMOOTHING * spanRate + (1 - SMOOTHING) * this.smoothed;
    this.spanStart += spans * MEASURE_SPAN_MS;
    this.count = 0;
    return this.smoothed;
  }
}

/** The cubic curve after the cut at `cutAt` (ms): back at `peak` (requests/s) after `plateauMs`. */
interface Cubic {
  peak: number;
  cutAt: number;
  plateauMs: number;
}

function cubicRate(curve: Cubic, now: number): number {
  const seconds = (now - curve.cutAt - curve.plateauMs) / 1000;
  return SCALE * seconds ** 3 + curve.peak;
}

/** How long the curve takes to climb from BETA × peak back to peak, in ms. */
function plateauAfter(peak: number): number {
  return Math.cbrt((peak * (1 - BETA)) / SCALE) * 1000;
}

export class AdaptiveRate {
  private readonly measured: MeasuredRate;
  private curve: Cubic | null = null;
  /** Requests/s; unused until the first cut. */
  private fillRate = MIN_RATE;
  private capacity = MIN_CAPACITY;
  private tokens = 0;
  private filledAt: number;

  constructor(private readonly clock: Clock) {
    this.measured = new MeasuredRate(clock.now());
    this.filledAt = clock.now();
  }

  /** Requests/s the bucket lets through, or null before the first cut (no limit). */
  get rate(): number | null {
    return this.curve ? this.fillRate : null;
  }

  /** Waits for a token (none is needed before the first cut); returns early when `signal` aborts. */
  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.curve && !signal?.aborted) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      // Whole milliseconds, as timers count: a wait below the clock's precision would never end.
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.fillRate) * 1000), signal);
    }
  }

  /**
   * The service answered a request sent at `sentAt` (ms): `throttled` (a 429 to find the
   * rate from) cuts the rate, any other answer lets it grow.
   */
  answered(sentAt: number, throttled: boolean): void {
    const now = this.clock.now();
    const sending = this.measured.record(now);
    let target: number;
    if (throttled) {
      if (this.curve && sentAt < this.curve.cutAt) return;
      const peak = this.curve ? Math.min(sending, this.fillRate) : sending;
      this.curve = { peak, cutAt: now, plateauMs: plateauAfter(peak) };
      target = peak * BETA;
    } else if (this.curve) {
      target = cubicRate(this.curve, now);
    } else {
      return;
    }
    // Never more than twice what is actually sent: a rate nobody uses proves nothing.
    this.setRate(Math.min(target, 2 * sending));
  }

  private setRate(rate: number): void {
    this.refill();
    this.fillRate = Math.max(rate, MIN_RATE);
    this.capacity = Math.max(rate, MIN_CAPACITY);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.filledAt) / 1000) * this.fillRate);
    this.filledAt = now;
  }
}
