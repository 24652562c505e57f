import { describe, expect, it } from 'vitest';
import { BoundedWaits } from '../../src/batch/bounded-waits.js';

/** A promise the test settles. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('bounded waits', () => {
  it('lets `width` run at once: add returns once one of them is done', async () => {
    const waits = new BoundedWaits(2);
    const [a, b] = [deferred(), deferred()];
    await waits.add(a.promise);
    let returned = false;
    const adding = waits.add(b.promise).then(() => (returned = true));
    await settle();
    expect(returned).toBe(false);
    b.resolve();
    await adding;
    expect(returned).toBe(true);
    a.resolve();
    await waits.drain();
  });

  it('throws the first failure at the next add or at drain, leaving none unhandled meanwhile', async () => {
    const waits = new BoundedWaits(4);
    const [a, b] = [deferred(), deferred()];
    await waits.add(a.promise);
    await waits.add(b.promise);
    a.reject(new Error('the listing broke'));
    b.reject(new Error('and this too'));
    await settle();
    await expect(waits.drain()).rejects.toThrow('the listing broke');
  });
});
