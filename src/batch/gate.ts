/**
 * Admission to the service: a request starts only when a concurrency place is free, the
 * 429 pause is over and `--rate` allows it. The place is held from the request to its
 * recorded result, so that a crash costs at most that many redone requests.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { createRateLimiter, type RateLimiter } from './rate.js';
import { Throttle } from './throttle.js';
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
}

export class Gate {
  private readonly limit: LimitFunction;
  private readonly rate: RateLimiter;
  private readonly throttle: Throttle;

  constructor(private readonly options: GateOptions) {
    this.limit = pLimit(options.concurrency);
    this.rate = createRateLimiter(options.ratePerMinute, options.timing);
    this.throttle = new Throttle(options.concurrency, () => options.timing.now());
  }

  /** Requests allowed in flight now (lowered after 429s, up to --concurrency). */
  get concurrency(): number {
    return this.limit.concurrency;
  }

  /** Runs `send` once admitted; throws StoppedBeforeSending if the run stops first. */
  run<T>(send: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      await this.admitted();
      return send();
    });
  }

  /** A 429: everyone pauses for `waitMs`, and fewer requests go at once. */
  rateLimited(waitMs: number): void {
    this.throttle.rateLimited(waitMs);
    this.limit.concurrency = this.throttle.concurrency;
  }

  succeeded(): void {
    this.throttle.succeeded();
    this.limit.concurrency = this.throttle.concurrency;
  }

  private async admitted(): Promise<void> {
    const { timing, stopped } = this.options;
    for (let left = this.throttle.pauseLeft(); left > 0 && !stopped.aborted; left = this.throttle.pauseLeft()) {
      await timing.sleep(left, stopped);
    }
    if (!stopped.aborted) await this.rate.acquire(stopped);
    if (stopped.aborted) throw new StoppedBeforeSending();
  }
}
