/**
 * Work waited for a few at a time: `add` returns once fewer than `width` are in flight, and
 * `drain` once all are done. Each is handled as it settles, so that a failure is never left
 * unhandled while others run; the first one is thrown by the next `add` or by `drain`.
 */
export class BoundedWaits {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly width: number) {}

  async add(work: Promise<void>): Promise<void> {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    if (this.inFlight.size >= this.width) await Promise.race(this.inFlight);
    this.throwFailure();
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwFailure();
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
