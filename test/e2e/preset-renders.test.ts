/**
 * A rehearsal on the emulator shows what a preset does: `edit fixtures/products
 * fixtures/photos --preset amazon --emulator` gives every product shot and every real
 * photograph outputs that `photoroom check --preset amazon` passes, and that the tests' own
 * measure (test/support/compliance.ts) finds of the preset's size, format, pure border ring and
 * fill; the other presets are held to their checks on a sample. A photograph where the
 * stand-in cutout finds no subject is laid out whole, as the subject.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { builtInPreset } from '../../src/presets/table.js';
import { outputDimensions } from '../../src/params/values.js';
import { measure, type MeasureOptions } from '../support/compliance.js';
import { runInProcess } from '../support/in-process.js';
import { PHOTO_CUTOUTS } from '../support/photos.js';
import { ROOT, tempDir } from './harness.js';

const PRODUCTS = 'fixtures/products';
const PHOTOS = 'fixtures/photos';
/**
 * Every product shot, and the real photographs of each kind the stand-in meets: laid out whole
 * (the square astronaut, the wide cat), cut by the key with its subject touching the bottom
 * edge (the rocket), on a plain backdrop (the clock), its own alpha (the retina cutout). Each
 * costs a 2000×2000 render; the other five photographs add nothing these do not cover.
 */
const EVERY_INPUT = [
  PRODUCTS,
  ...['astronaut.jpg', 'chelsea.jpg', 'rocket.jpg', 'clock.png', 'retina-cutout.png'].map((name) =>
    path.join(PHOTOS, name),
  ),
];
/**
 * For google (fill on a transparent background) and walmart (its own size): a product the key
 * cuts, a photograph where it finds nothing (laid out whole, and not square), and one whose
 * subject meets the frame's bottom edge (a cropped side). Every input at 2000 px costs about
 * 0.3 s of CPU; each preset over all of them would add some 15 s to the suite.
 */
const SAMPLE = ['fixtures/products/mug.jpg', 'fixtures/photos/chelsea.jpg', 'fixtures/photos/rocket.jpg'];
const WHOLE_FRAME_PHOTO = 'fixtures/photos/chelsea.jpg';
const IMAGE = /\.(jpe?g|png|webp)$/;
const WHITE: MeasureOptions['background'] = [255, 255, 255];

/** Runs `photoroom edit INPUTS... ARGS... --emulator` and gives the output folder and each output's bytes by file name. */
async function rehearse(
  inputs: readonly string[],
  args: string[],
): Promise<{ out: string; outputs: Map<string, Buffer> }> {
  const out = await tempDir();
  const { code, stderr } = await runInProcess(['edit', ...inputs, ...args, '--emulator', '-o', out, '--no-progress'], {
    cwd: ROOT,
  });
  expect(code, stderr).toBe(0);
  const names = (await readdir(out)).filter((name) => IMAGE.test(name));
  const outputs = new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(path.join(out, name))] as const)),
  );
  return { out, outputs };
}

/** `photoroom check OUT --preset PRESET --json`: each output's status and failures, and the exit code. */
async function checked(out: string, preset: string) {
  const { code, stdout } = await runInProcess(['check', out, '--preset', preset, '--json'], { cwd: ROOT });
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; input?: string; status?: string; failures?: unknown[] });
  return { code, results: lines.filter((line) => line.type === 'result') };
}

/** Every output passes `photoroom check` with the preset it was made with. */
async function expectCheckPasses(out: string, preset: string, count: number): Promise<void> {
  const { code, results } = await checked(out, preset);
  expect(results.filter((result) => result.status !== 'pass')).toEqual([]);
  expect(results).toHaveLength(count);
  expect(code).toBe(0);
}

/** How many images the inputs name: a folder's images, or the file itself. */
async function imageCount(inputs: readonly string[]): Promise<number> {
  const counts = await Promise.all(
    inputs.map(async (input) =>
      IMAGE.test(input) ? 1 : (await readdir(path.join(ROOT, input))).filter((name) => IMAGE.test(name)).length,
    ),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** The preset's square side and format, from its row in the table. */
function sizeAndFormat(name: string): { side: number; format: string } {
  const params = builtInPreset(name)?.params ?? {};
  const size = outputDimensions(params.outputSize ?? '');
  expect(size?.width).toBe(size?.height);
  return { side: size?.width ?? 0, format: String(params['export.format'] ?? 'png') };
}

describe('edit --preset amazon --emulator over every product shot and real photographs of each kind', () => {
  it("gives outputs that photoroom check --preset amazon passes, and a measure of the tests' own agrees", async () => {
    const { out, outputs } = await rehearse(EVERY_INPUT, ['--preset', 'amazon']);
    expect(outputs.size).toBe(await imageCount(EVERY_INPUT));
    await expectCheckPasses(out, 'amazon', outputs.size);
    // An independent reading (test/support/compliance.ts): the size and format, a pure ring,
    // and the fill padding 0.05 leaves (90%; amazon wants 85% or more).
    const { side, format } = sizeAndFormat('amazon');
    for (const [name, body] of outputs) {
      const output = await measure(body, { background: WHITE });
      expect([output.width, output.height, output.format], name).toEqual([side, side, format]);
      expect(output.impureRing, `${name}: pixels of the border ring not exactly white`).toBe(0);
      expect(output.fill, `${name}: the subject's longest side over the frame's`).toBeGreaterThanOrEqual(0.85);
      expect(output.fill, `${name}: the subject's longest side over the frame's`).toBeLessThanOrEqual(0.95);
    }
  });
});

describe.each([
  ['google', SAMPLE],
  ['walmart', SAMPLE],
  // Their figures follow the same paths at another size: a photograph laid out whole is enough.
  ['etsy', [WHOLE_FRAME_PHOTO]],
  ['ebay', [WHOLE_FRAME_PHOTO]],
  ['shopify', [WHOLE_FRAME_PHOTO]],
])('edit --preset %s --emulator', (preset, inputs) => {
  it('gives outputs its check passes, of its size and format', async () => {
    const { out, outputs } = await rehearse(inputs, ['--preset', preset]);
    expect(outputs.size).toBe(inputs.length);
    await expectCheckPasses(out, preset, inputs.length);
    const { side, format } = sizeAndFormat(preset);
    for (const [name, body] of outputs) {
      const metadata = await sharp(body).metadata();
      expect([metadata.width, metadata.height, metadata.format], name).toEqual([side, side, format]);
    }
  });
});

describe("a rehearsal with amazon's parameters by hand, padding dropped on cropped sides (the API's default)", () => {
  it('lays each photograph where the stand-in finds no subject out whole, with its padding on every side', async () => {
    // Two of them: the astronaut (square) and the cat (not square).
    const wholeFrame = Object.keys(PHOTO_CUTOUTS)
      .filter((name) => PHOTO_CUTOUTS[name] === 'whole-frame')
      .filter((name) => ['astronaut.jpg', 'chelsea.jpg'].includes(name));
    expect(wholeFrame).toHaveLength(2);
    const args = ['--bg', 'FFFFFF', '--padding', '0.05', '--outputSize', '2000x2000', '--format', 'jpeg'];
    const { out, outputs } = await rehearse(
      wholeFrame.map((name) => path.join(PHOTOS, name)),
      args,
    );
    expect(outputs.size).toBe(wholeFrame.length);
    await expectCheckPasses(out, 'amazon', wholeFrame.length);
  });
});
