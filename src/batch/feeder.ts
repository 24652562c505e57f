/**
 * The one loop that starts a batch's work (the first pass, later rounds, --watch): items are
 * read and started as places free up, at most `bound` at a time, so that waiting work never
 * piles up in memory. Once the run stops, no further item is read or started.
 */
export interface FeedOptions {
  /** Items started and not yet finished, at most. */
  bound: number;
  /** Aborted when the run stops. */
  stopped: AbortSignal;
}

/** Resolves once every item started has finished; `start` must not reject. */
export async function feed<T>(
  items: AsyncIterable<T> | Iterable<T>,
  start: (item: T) => Promise<void>,
  { bound, stopped }: FeedOptions,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let placeFreed = () => {};
  const onStop = () => placeFreed();
  stopped.addEventListener('abort', onStop);
  try {
    try {
      for await (const item of items) {
        while (running.size >= bound && !stopped.aborted) {
          await new Promise<void>((resolve) => (placeFreed = resolve));
        }
        if (stopped.aborted) break;
        const task: Promise<void> = start(item).then(() => {
          running.delete(task);
          placeFreed();
        });
        running.add(task);
      }
    } finally {
      // Also when reading the items fails (a listing that breaks mid-run): what was started
      // may have been paid for, and is recorded before the failure goes on.
      await Promise.all(running);
    }
  } finally {
    stopped.removeEventListener('abort', onStop);
  }
}
