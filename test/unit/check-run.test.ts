import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { PixelBudget } from '../../src/check/budget.js';
import type { Measurement, MeasureOptions } from '../../src/check/measure.js';
import { PIXEL_BUDGET_BYTES, runCheck, type CheckEvent } from '../../src/check/run.js';
import { resolveInputs } from '../../src/inputs/discover.js';
import { IMAGE_EXTENSIONS } from '../../src/inputs/formats.js';
import { builtInPreset } from '../../src/presets/table.js';
import { factsOf, pixelsOf } from '../support/measures.js';

const AMAZON = builtInPreset('amazon')!;

const FACTS = factsOf();
const PIXELS = pixelsOf();

/** A folder of empty files named `names`, resolved as `photoroom check <folder>` would. */
async function folderOf(names: string[], extra: string[] = []) {
  const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-check-run-'));
  for (const name of names) await writeFile(path.join(folder, name), '');
  const inputs = await resolveInputs({
    inputs: [folder, ...extra],
    cwd: folder,
    skipFolders: [],
    extensions: IMAGE_EXTENSIONS,
  });
  return { inputs, cwd: folder };
}

/** A measurement per file name, settled when the test says. */
function controlledMeasure() {
  const pending = new Map<string, (measurement: Measurement) => void>();
  let inFlight = 0;
  let mostInFlight = 0;
  return {
    pending,
    mostInFlight: () => mostInFlight,
    measure: (file: string) =>
      new Promise<Measurement>((resolve) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        pending.set(path.basename(file), (measurement) => {
          inFlight -= 1;
          resolve(measurement);
        });
      }),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
/** Until these files are being measured (discovery reads the disk first). */
const measuring = (control: ReturnType<typeof controlledMeasure>, names: string[]) =>
  vi.waitFor(() => expect([...control.pending.keys()]).toEqual(names), { timeout: 10_000 });
const told = (events: CheckEvent[]) =>
  events.flatMap((event) => (event.type === 'checked' || event.type === 'unreadable' ? [event.input] : []));

describe('a check run', () => {
  it('tells results in the order the inputs were named, whatever order they finish in, measuring a few at once', async () => {
    const { inputs, cwd } = await folderOf(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    const control = controlledMeasure();
    const events: CheckEvent[] = [];
    const running = runCheck({
      inputs,
      cwd,
      preset: AMAZON,
      concurrency: 2,
      onEvent: (event) => events.push(event),
      now: () => 0,
      measure: control.measure,
    });
    await measuring(control, ['a.jpg', 'b.jpg']);
    control.pending.get('b.jpg')!({ ok: true, facts: FACTS, pixels: PIXELS });
    await settle();
    expect(told(events)).toEqual([]); // b waits for a
    control.pending.get('c.jpg')!({ ok: true, facts: FACTS, pixels: { ...PIXELS, fill: 0.5 } });
    control.pending.get('a.jpg')!({ ok: false, reason: 'not an image' });
    await settle();
    control.pending.get('d.jpg')!({ ok: true, facts: FACTS, pixels: PIXELS });
    const summary = await running;
    expect(told(events).map((input) => path.basename(input))).toEqual(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    expect(control.mostInFlight()).toBe(2);
    expect(summary).toMatchObject({
      preset: 'amazon',
      total: 4,
      passed: 2,
      refused: 1,
      unreadable: 1,
      notChecked: 0,
      byRule: { minFill: 1 },
      unjudged: ['noText'],
      interrupted: false,
    });
  });

  it('starts no new image once aborted, tells those being measured, and counts the rest as not checked', async () => {
    const { inputs, cwd } = await folderOf(['a.jpg', 'b.jpg', 'c.jpg']);
    const control = controlledMeasure();
    const controller = new AbortController();
    const events: CheckEvent[] = [];
    const running = runCheck({
      inputs,
      cwd,
      preset: AMAZON,
      concurrency: 1,
      signal: controller.signal,
      onEvent: (event) => events.push(event),
      now: () => 0,
      measure: control.measure,
    });
    await measuring(control, ['a.jpg']);
    controller.abort();
    control.pending.get('a.jpg')!({ ok: true, facts: FACTS, pixels: PIXELS });
    const summary = await running;
    expect(control.pending.has('b.jpg')).toBe(false);
    expect(summary).toMatchObject({ total: 3, passed: 1, notChecked: 2, interrupted: true });
  });

  it('turns a measurement that throws into that image failing, and a URL into one not on disk', async () => {
    const { inputs, cwd } = await folderOf(['a.jpg'], ['https://example.com/b.jpg']);
    const events: CheckEvent[] = [];
    const summary = await runCheck({
      inputs,
      cwd,
      preset: AMAZON,
      concurrency: 2,
      onEvent: (event) => events.push(event),
      now: () => 0,
      measure: () => Promise.reject(new Error('VipsJpeg: premature end of file')),
    });
    expect(events.filter((event) => event.type === 'unreadable').map((event) => event.reason)).toEqual([
      'VipsJpeg: premature end of file',
      'a URL: check reads images on disk (check the outputs of photoroom edit instead)',
    ]);
    expect(summary).toMatchObject({ total: 2, unreadable: 2 });
  });

  it("asks the measurement for the preset's background colour, and for none without a background rule", async () => {
    const { inputs, cwd } = await folderOf(['a.jpg']);
    const asked: unknown[] = [];
    const measure = (_file: string, options: unknown) => {
      asked.push(options);
      return Promise.resolve<Measurement>({ ok: true, facts: FACTS, pixels: PIXELS });
    };
    for (const name of ['amazon', 'google'])
      await runCheck({
        inputs,
        cwd,
        preset: builtInPreset(name)!,
        concurrency: 1,
        onEvent: () => {},
        now: () => 0,
        measure,
      });
    const budget = expect.any(PixelBudget) as unknown;
    expect(asked).toEqual([{ background: 'FFFFFF', pixelBudget: budget }, { pixelBudget: budget }]);
  });

  it('measures at once only the images whose rasters fit the pixel budget, however many cores', async () => {
    const { inputs, cwd } = await folderOf(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg']);
    let inUse = 0;
    let mostInUse = 0;
    // Each image a 12 MP RGB raster, taken from the budget the run shares, as measure.ts takes it.
    const measure = async (_file: string, options: MeasureOptions): Promise<Measurement> => {
      const release = await options.pixelBudget!.take(4000 * 3000 * 3);
      inUse += 1;
      mostInUse = Math.max(mostInUse, inUse);
      await settle();
      inUse -= 1;
      release();
      return { ok: true, facts: FACTS, pixels: PIXELS };
    };
    const summary = await runCheck({
      inputs,
      cwd,
      preset: AMAZON,
      concurrency: 16,
      onEvent: () => {},
      now: () => 0,
      measure,
    });
    expect(summary.total).toBe(5);
    expect(mostInUse).toBe(Math.floor(PIXEL_BUDGET_BYTES / (4000 * 3000 * 3)));
    expect(mostInUse).toBe(2);
  });
});
