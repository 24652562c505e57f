/**
 * Admission to the service: a request starts only when a concurrency place is free,
 * `--rate` allows it, the adaptive rate (adaptive-rate.ts) has a token for it, and no
 * Retry-After holds it. The place is held from the request to its recorded result, so that
 * a crash costs at most that many redone requests.
 *
 * A 429 with Retry-After pauses every request until then: the service said when, so the
 * rate is left as it was (cutting it too would pace twice, and shards that resume a moment
 * later than the others would be cut over and over). A 429 without one is left to the
 * adaptive rate to find the pace from.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { ApiError } from '../api/errors.js';
import { DEFAULT_BACKOFF, parseRetryAfter } from '../api/retry.js';
import { AdaptiveRate, type Outcome, type RateChange, type Ticket, type WorkShare } from './adaptive-rate.js';
import { createRateLimiter, type RateLimiter } from './rate.js';
import type { BatchTiming } from './timing.js';

/** Thrown to whoever waited for a place when the run stopped first: nothing was sent. */
export class StoppedBeforeSending extends Error {
  constructor() {
    super('the run stopped before this request was sent');
    this.name = 'StoppedBeforeSending';
  }
}

export interface GateOptions {
  concurrency: number;
  ratePerMinute?: number;
  timing: BatchTiming;
  /** Aborted when the run stops: waiting requests give up their turn. */
  stopped: AbortSignal;
  /** Each change of the rate learnt from 429s without Retry-After. */
  onRateChange?: (change: RateChange) => void;
  /** One of `shards` processes sharing the limit, with `share` of their work (see AdaptiveRate). */
  shareOfWork?: WorkShare;
}

/** Requests waiting out a pause resume spread over this long (ms). */
const RESUME_SPREAD_MS = 100;

export class Gate {
  private readonly limit: LimitFunction;
  private readonly rate: RateLimiter;
  private readonly adaptive: AdaptiveRate;
  /** No request starts before this (ms), after a 429's Retry-After. */
  private resumeAt = 0;

  constructor(private readonly options: GateOptions) {
    this.limit = pLimit(options.concurrency);
    this.rate = createRateLimiter(options.ratePerMinute, options.timing);
    this.adaptive = new AdaptiveRate(options.timing, options.onRateChange, options.shareOfWork);
  }

  /** Requests allowed in flight at once. */
  get concurrency(): number {
    return this.limit.concurrency;
  }

  /** The rate learnt from 429s without Retry-After (requests a minute), or null if none was met. */
  get adaptivePerMinute(): number | null {
    return this.adaptive.perMinute;
  }

  /** Runs `send` once admitted; throws StoppedBeforeSending if the run stops first. */
  run<T>(send: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      const ticket = await this.admitted();
      let outcome: Outcome = 'unknown';
      try {
        const result = await send();
        outcome = 'admitted';
        return result;
      } catch (error) {
        // Only an answer of the service tells its pace: not a dropped connection, nor a local fault.
        if (error instanceof ApiError && error.status > 0) outcome = this.answeredWith(error);
        throw error;
      } finally {
        this.adaptive.answered(ticket, outcome);
      }
    });
  }

  /** What an error answer says of the pace; a 429 with Retry-After pauses every request instead. */
  private answeredWith(error: ApiError): Outcome {
    const { timing } = this.options;
    if (error.status !== 429) return 'admitted';
    const retryAfter = parseRetryAfter(error.retryAfter, timing.wallClock());
    // A Retry-After of 0 says nothing of the pace either.
    if (!retryAfter) return 'throttled';
    this.resumeAt = Math.max(this.resumeAt, timing.now() + Math.min(retryAfter, DEFAULT_BACKOFF.maxRetryAfterMs));
    return 'unknown';
  }

  /** The --rate slot first, then the pause, then the adaptive rate's turn: a request never goes during a pause. */
  private async admitted(): Promise<Ticket> {
    const { timing, stopped } = this.options;
    if (!stopped.aborted) await this.rate.acquire(stopped);
    for (let left = this.resumeAt - timing.now(); left > 0 && !stopped.aborted; left = this.resumeAt - timing.now()) {
      // Jittered: when the pause ends, the first request's 429 (another shard may have filled the
      // window first) pauses the others before they go, instead of all of them meeting one.
      await timing.sleep(left + timing.random() * RESUME_SPREAD_MS, stopped);
    }
    const ticket = await this.adaptive.acquire(stopped);
    if (!ticket || stopped.aborted) throw new StoppedBeforeSending();
    return ticket;
  }
}
