/**
 * How hard the queue pushes the service. When it answers 429, every worker pauses until
 * the service's Retry-After, and the in-flight limit halves; each run of successes as long
 * as the limit raises it by one again (AIMD, as TCP does), up to --concurrency. A run
 * without --rate thus settles near the service's limit instead of hammering it.
 */
export class Throttle {
  private limit: number;
  private successesSinceChange = 0;
  private resumeAt = 0;

  constructor(
    private readonly maximum: number,
    private readonly now: () => number,
  ) {
    this.limit = maximum;
  }

  get concurrency(): number {
    return this.limit;
  }

  /** How long a worker must wait before sending, in ms (0 when not paused). */
  pauseLeft(): number {
    return Math.max(0, this.resumeAt - this.now());
  }

  /** A 429: pause everyone for `waitMs` and halve the limit, once per pause. */
  rateLimited(waitMs: number): void {
    const alreadyPaused = this.pauseLeft() > 0;
    this.resumeAt = Math.max(this.resumeAt, this.now() + waitMs);
    if (alreadyPaused) return; // the other 429s of the same burst are the same signal
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successesSinceChange = 0;
  }

  succeeded(): void {
    if (this.limit >= this.maximum) return;
    this.successesSinceChange += 1;
    if (this.successesSinceChange >= this.limit) {
      this.limit += 1;
      this.successesSinceChange = 0;
    }
  }
}
