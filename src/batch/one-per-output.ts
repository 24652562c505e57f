/**
 * --watch: one request per output at a time, and the newest input wins. A file that changes
 * while its request is in flight goes again once that request has settled, so that the last
 * output and sidecar written come from its newest version (two requests racing could have
 * the older answer arrive last and overwrite the newer result for good). However many times
 * it changed meanwhile, it goes once: what is sent is read when it starts, the newest.
 */
interface Queued {
  work: () => Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class OnePerOutput {
  /** Outputs with work in flight, each with the work queued to go after it, if any. */
  private readonly busy = new Map<string, Queued | undefined>();

  /**
   * Runs `work` for `output` now, or once the work in flight for it has settled. Resolves
   * when it has run, or at once when a later call for the same output replaces it.
   */
  async run(output: string, work: () => Promise<void>): Promise<void> {
    if (this.busy.has(output)) {
      return new Promise((resolve, reject) => {
        this.busy.get(output)?.resolve();
        this.busy.set(output, { work, resolve, reject });
      });
    }
    this.busy.set(output, undefined);
    try {
      await work();
    } finally {
      const queued = this.busy.get(output);
      this.busy.delete(output);
      // The newest version goes next, whether the one before succeeded or not.
      if (queued) this.run(output, queued.work).then(queued.resolve, queued.reject);
    }
  }
}
