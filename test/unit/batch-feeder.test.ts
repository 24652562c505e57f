import { describe, expect, it } from 'vitest';
import { feed } from '../../src/batch/feeder.js';

/** Work whose items finish only when the test says so. */
function manualWork() {
  const finishers: (() => void)[] = [];
  let running = 0;
  let most = 0;
  const started: number[] = [];
  return {
    started,
    most: () => most,
    start: (item: number) => {
      started.push(item);
      running += 1;
      most = Math.max(most, running);
      return new Promise<void>((resolve) =>
        finishers.push(() => {
          running -= 1;
          resolve();
        }),
      );
    },
    finishOldest: () => finishers.shift()?.(),
  };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the bounded feeder', () => {
  it('never has more than its bound in flight, starting the next item as one finishes', async () => {
    const work = manualWork();
    const fed = feed([1, 2, 3, 4, 5, 6, 7], work.start, { bound: 3, stopped: new AbortController().signal });
    await settle();
    expect(work.started).toEqual([1, 2, 3]);
    work.finishOldest();
    await settle();
    expect(work.started).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < 7; i++) {
      work.finishOldest();
      await settle();
    }
    await fed;
    expect(work.started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(work.most()).toBe(3);
  });

  it('reads no further item once stopped, and waits for the items in flight', async () => {
    const work = manualWork();
    const stopping = new AbortController();
    let read = 0;
    function* items() {
      for (let i = 1; i <= 10; i++) {
        read = i;
        yield i;
      }
    }
    let finished = false;
    const fed = feed(items(), work.start, { bound: 2, stopped: stopping.signal }).then(() => (finished = true));
    await settle();
    expect([work.started, read]).toEqual([[1, 2], 3]);
    stopping.abort();
    await settle();
    expect(finished).toBe(false);
    work.finishOldest();
    work.finishOldest();
    await fed;
    expect([work.started, read]).toEqual([[1, 2], 3]);
  });

  it('when reading the items fails (a listing that breaks mid-run), waits for the items in flight before failing', async () => {
    const work = manualWork();
    async function* listing() {
      yield 1;
      yield 2;
      await settle();
      throw new Error('the listing broke');
    }
    let failed: unknown = null;
    const fed = feed(listing(), work.start, { bound: 5, stopped: new AbortController().signal }).catch(
      (error: unknown) => (failed = error),
    );
    await settle();
    expect(work.started).toEqual([1, 2]);
    // Its results may be paid for: they are recorded before the run ends.
    expect(failed).toBeNull();
    work.finishOldest();
    await settle();
    expect(failed).toBeNull();
    work.finishOldest();
    await fed;
    expect(failed).toEqual(new Error('the listing broke'));
  });
});
