/** The pixel budget a check's images share: rasters in use at once stay under it. */
import { describe, expect, it } from 'vitest';
import { PixelBudget } from '../../src/check/budget.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Asks `budget` for `bytes`: whether they are given yet, and their release once they are. */
function ask(budget: PixelBudget, bytes: number): { given: () => boolean; release: Promise<() => void> } {
  let given = false;
  const release = budget.take(bytes).then((release) => ((given = true), release));
  return { given: () => given, release };
}

describe('the pixel budget', () => {
  it('gives what fits at once, and the rest in the order asked as bytes come back', async () => {
    const budget = new PixelBudget(100);
    const [a, b, c, d] = [ask(budget, 60), ask(budget, 40), ask(budget, 50), ask(budget, 10)];
    await settle();
    // d would fit beside a and b once c is in, but never goes before c.
    expect([a, b, c, d].map((asked) => asked.given())).toEqual([true, true, false, false]);
    (await a.release)();
    await settle();
    expect([c, d].map((asked) => asked.given())).toEqual([true, true]);
  });

  it('measures an image larger than the whole budget alone', async () => {
    const budget = new PixelBudget(100);
    const small = ask(budget, 10);
    const large = ask(budget, 500);
    await settle();
    expect(large.given()).toBe(false);
    (await small.release)();
    await settle();
    expect(large.given()).toBe(true);
    const after = ask(budget, 1);
    await settle();
    expect(after.given()).toBe(false);
    (await large.release)();
    await settle();
    expect(after.given()).toBe(true);
  });

  it('counts a release given twice once', async () => {
    const budget = new PixelBudget(100);
    const first = await budget.take(100);
    first();
    first();
    const second = ask(budget, 100);
    const third = ask(budget, 100);
    await settle();
    expect([second.given(), third.given()]).toEqual([true, false]);
    (await second.release)();
    await settle();
    expect(third.given()).toBe(true);
  });
});
