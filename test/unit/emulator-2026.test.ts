/**
 * The 2026-06-22 parameters from a fresh clone: `main(argv, io)` in-process against the
 * emulator. The emulator accepts each new parameter (it reads the same table), answers an
 * image for it, and AVIF (`export.format avif`) is an answer the CLI takes and writes.
 */
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { renderEdit } from '../../src/emulator/render.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { decode, params, pixel, size } from '../support/rendered.js';
import { FIXTURES } from '../e2e/harness.js';
import { memoryIo } from '../support/memory-io.js';

/** The mug fixture made small (encoding a full-size AVIF takes seconds), in a folder of this run's own. */
const MUG = path.join(mkdtempSync(path.join(tmpdir(), 'photoroom-2026-mug-')), 'photoroom-emulated-mug.jpg');
let emulator: RunningEmulator;

beforeAll(async () => {
  await writeFile(MUG, await sharp(path.join(FIXTURES, 'mug.jpg')).resize(160).jpeg().toBuffer());
  emulator = await startEmulator({ record: true });
});

afterAll(async () => {
  await emulator.close();
  await rm(path.dirname(MUG), { recursive: true, force: true });
});

/** One edit of the mug with these flags: exit code, stderr, the output folder, the output's name and first bytes, the fields sent. */
async function edit(args: string[]) {
  const out = await mkdtemp(path.join(tmpdir(), 'photoroom-emulated-'));
  const io = memoryIo({ env: { PHOTOROOM_API_KEY: 'test_key_2026', PHOTOROOM_BASE_URL: emulator.url }, cwd: out });
  const before = emulator.requests.length;
  const code = await main(['edit', MUG, ...args, '--yes', '-o', out], io);
  const written = (await readdir(out)).filter((name) => /^photoroom-emulated-mug\.[a-z]+$/.test(name));
  const head = written[0] ? (await readFile(path.join(out, written[0]))).subarray(0, 12) : Buffer.alloc(0);
  const sent = emulator.requests.slice(before).map((request) => request.fields.map(([name]) => name));
  return { code, stderr: io.err(), out, written, head, sent };
}

describe('the 2026-06-22 parameters against the emulator', () => {
  it('answers --export.format avif with an AVIF the CLI checks whole and writes as .avif', async () => {
    const { code, stderr, written, head } = await edit(['--export.format', 'avif']);
    expect(code, stderr).toBe(0);
    expect(written).toEqual(['photoroom-emulated-mug.avif']);
    expect(head.toString('latin1', 4, 12)).toBe('ftypavif');
  });

  it('writes a ghost mannequin of --ghostMannequin.size PORTRAIT_HD_4_3 in that shape', async () => {
    const { code, stderr, out, written } = await edit([
      '--ghostMannequin.mode',
      'ai.auto',
      '--ghostMannequin.size',
      'PORTRAIT_HD_4_3',
    ]);
    expect(code, stderr).toBe(0);
    const [width, height] = await size(await readFile(path.join(out, written[0]!)));
    expect(width / height).toBeCloseTo(3 / 4, 2);
  });

  const cases: [string, string[]][] = [
    ['the new shadow model', ['--shadow.mode', 'ai.preset-soft']],
    [
      'shadow overrides',
      [
        '--shadow.mode',
        'ai.auto-with-overrides',
        '--shadow.directionOverride',
        'frontRight',
        '--shadow.intensityOverride',
        '0.7',
      ],
    ],
    ['a ghost mannequin', ['--ghostMannequin.mode', 'ai.auto', '--ghostMannequin.size', 'SQUARE_HD']],
    ['a flat lay', ['--flatLay.mode', 'ai.auto']],
    [
      'a virtual model',
      [
        '--virtualModel.mode',
        'ai.auto',
        '--virtualModel.model.preset.name',
        'maya',
        '--virtualModel.additionalProductImages',
        'https://example.com/a.jpg,https://example.com/b.jpg',
      ],
    ],
    [
      'edit with AI and a keyed reference image',
      [
        '--editWithAI.mode',
        'ai.auto',
        '--editWithAI.prompt',
        'make it blue',
        '--editWithAI.additionalImages.front.imageFile',
        MUG,
      ],
    ],
    ['an outline', ['--outline.color', 'red', '--outline.width', '0.02']],
    [
      'ironing, car beautifying, portrait lighting',
      ['--ironing.mode', 'ai.auto', '--beautify.mode', 'ai.car', '--lighting.mode', 'ai.optimize-portrait'],
    ],
  ];
  for (const [title, args] of cases) {
    it(`accepts ${title} and answers an image`, async () => {
      const { code, stderr, written, sent } = await edit(args);
      expect(code, stderr).toBe(0);
      expect(written).toEqual(['photoroom-emulated-mug.png']);
      const names = args.filter((arg) => arg.startsWith('--')).map((flag) => flag.slice(2));
      expect(sent.at(-1)).toEqual(expect.arrayContaining(names));
    });
  }
});

/** A green block on white, 200x150: the subject the stand-ins draw around. */
const BLOCK = sharp({ create: { width: 200, height: 150, channels: 3, background: 'white' } })
  .composite([
    {
      input: { create: { width: 60, height: 50, channels: 3, background: { r: 20, g: 160, b: 40 } } },
      left: 70,
      top: 50,
    },
  ])
  .png()
  .toBuffer();

/** How many pixels of a rendered image pass `test`. */
async function count(body: Buffer, test: (values: number[]) => boolean): Promise<number> {
  const image = await decode(body);
  let n = 0;
  for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) if (test(pixel(image, x, y))) n += 1;
  return n;
}

const redOpaque = ([r = 0, g = 0, b = 0, alpha = 255]: number[]) => alpha > 200 && r > 200 && g < 60 && b < 60;

describe('the emulator reads a list as the CLI sends it, one field per value', () => {
  it("takes up to 4 virtualModel.additionalProductImages and refuses a fifth, as the contract's maxItems says", async () => {
    const send = async (count: number) => {
      const body = new FormData();
      body.append('imageFile', new Blob([await readFile(MUG)], { type: 'image/jpeg' }), 'mug.jpg');
      body.append('virtualModel.mode', 'ai.auto');
      for (let i = 1; i <= count; i++)
        body.append('virtualModel.additionalProductImages', `https://example.com/${i}.jpg`);
      const response = await fetch(`${emulator.url}/v2/edit`, { method: 'POST', body, headers: { 'x-api-key': 'k' } });
      return { status: response.status, text: await response.text() };
    };
    expect((await send(4)).status).toBe(200);
    const refused = await send(5);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('virtualModel.additionalProductImages: invalid value');
  });
});

describe("the emulator's stand-ins for the 2026-06-22 features", () => {
  it('draws the outline around the cutout, as wide as asked, in its colour', async () => {
    // Padding leaves room around the subject, which otherwise fills the canvas.
    const plain = await renderEdit(await BLOCK, params({ padding: 0.3 }));
    const thin = await renderEdit(
      await BLOCK,
      params({ padding: 0.3, 'outline.color': 'FF0000', 'outline.width': 0.01 }),
    );
    const bold = await renderEdit(
      await BLOCK,
      params({ padding: 0.3, 'outline.color': 'FF0000', 'outline.width': 0.05 }),
    );
    expect(await count(plain.body, redOpaque)).toBe(0);
    const [thinRed, boldRed] = [await count(thin.body, redOpaque), await count(bold.body, redOpaque)];
    expect(thinRed).toBeGreaterThan(0);
    expect(boldRed).toBeGreaterThan(thinRed * 2);
    // Under the subject: its own pixels are not painted over (only its anti-aliased rim, half
    // transparent, now shows over the outline).
    const green = ([r = 0, g = 0, b = 0, alpha = 255]: number[]) => alpha > 200 && g > 120 && r < 80 && b < 80;
    const [greenBefore, greenAfter] = [await count(plain.body, green), await count(bold.body, green)];
    expect(Math.abs(greenAfter - greenBefore)).toBeLessThan(greenBefore * 0.01);
  });

  /** The shadow of ai.auto-with-overrides beside the block: how dark it is left and right of it at its middle height. */
  const shadowAt = async (overrides: Record<string, string | number>) => {
    const values = {
      padding: 0.3,
      'shadow.mode': 'ai.auto-with-overrides',
      'background.color': 'FFFFFF',
      ...overrides,
    };
    const image = await decode((await renderEdit(await BLOCK, params(values))).body);
    const middle = Math.floor(image.height / 2);
    const darkness = (from: number, to: number) => {
      let sum = 0;
      for (let x = Math.floor(from * image.width); x < to * image.width; x++)
        sum += 255 - (pixel(image, x, middle)[0] ?? 255);
      return sum;
    };
    return { left: darkness(0, 0.3), right: darkness(0.7, 1) };
  };

  it('moves and darkens the shadow by the overrides of ai.auto-with-overrides', async () => {
    const left = await shadowAt({ 'shadow.directionOverride': 'left', 'shadow.spreadOverride': 'long' });
    const right = await shadowAt({ 'shadow.directionOverride': 270, 'shadow.spreadOverride': 90 });
    expect(left.left).toBeGreaterThan(left.right);
    expect(right.right).toBeGreaterThan(right.left);
    const faint = await shadowAt({
      'shadow.directionOverride': 'left',
      'shadow.spreadOverride': 'long',
      'shadow.intensityOverride': 0,
    });
    expect(left.left).toBeGreaterThan(faint.left);
  });

  it("keeps the shadow of a subject laid flat under it, and casts an upright one's aside (shadow.subjectPoseOverride)", async () => {
    const aside = { 'shadow.directionOverride': 'left', 'shadow.spreadOverride': 'long' };
    const upright = await shadowAt({ ...aside, 'shadow.subjectPoseOverride': 'upright' });
    const tilted = await shadowAt({ ...aside, 'shadow.subjectPoseOverride': 45 });
    const flat = await shadowAt({ ...aside, 'shadow.subjectPoseOverride': 'flatlay' });
    // No pose is upright, as before the override existed.
    expect(await shadowAt(aside)).toEqual(upright);
    expect(upright.left).toBeGreaterThan(tilted.left);
    expect(tilted.left).toBeGreaterThan(flat.left);
    // Laid flat, the shadow is under the subject: no more on the side it was cast to than on the other.
    expect(flat.left).toBeLessThanOrEqual(flat.right * 1.05);
  });

  it('answers a generative feature with the usual edit, bannered and named in a header: never blank', async () => {
    const plain = await renderEdit(await BLOCK, params({ 'background.color': 'FFFFFF' }));
    // Features without a size of their own: the canvas keeps the usual edit's shape.
    const { body, headers } = await renderEdit(
      await BLOCK,
      params({ 'background.color': 'FFFFFF', 'editWithAI.mode': 'ai.auto', 'ironing.mode': 'ai.auto' }),
    );
    expect(headers['x-emulator-stand-in']).toMatch(/^edit with AI, ironing \(/);
    const image = await decode(body);
    const foot = pixel(image, 5, image.height - 2);
    expect(foot[0]).toBeLessThan(120);
    expect(pixel(await decode(plain.body), 5, image.height - 2)[0]).toBe(255);
    // The subject is still there, above the banner.
    expect(pixel(image, 100, 75).slice(0, 3)).toEqual(pixel(await decode(plain.body), 100, 75).slice(0, 3));
  });

  describe("a generated image's size gives the canvas its shape, keeping the usual canvas's longer side (200 here)", () => {
    const cases: [feature: string, size: string | undefined, width: number, height: number][] = [
      ['ghostMannequin', 'PORTRAIT_HD_4_3', 150, 200],
      ['ghostMannequin', undefined, 200, 200], // the contract's default, SQUARE_HD
      ['flatLay', 'LANDSCAPE_HD_16_9', 200, 113],
      ['flatLay', 'PORTRAIT_HD_16_9', 113, 200],
      ['virtualModel', 'LANDSCAPE_HD_3_2', 200, 133],
      ['virtualModel', undefined, 133, 200], // the contract's default, PORTRAIT_HD_3_2
    ];
    for (const [feature, value, width, height] of cases) {
      it(`${feature}.size ${value ?? '(not given)'}: ${width}x${height}`, async () => {
        const values = {
          'background.color': 'FFFFFF',
          [`${feature}.mode`]: 'ai.auto',
          ...(value && { [`${feature}.size`]: value }),
        };
        const { body, headers } = await renderEdit(await BLOCK, params(values));
        expect(await size(body)).toEqual([width, height]);
        expect(headers['x-emulator-stand-in']).toContain(`${feature}.size ${value ?? ''}`);
        expect(headers['x-emulator-stand-in']).toContain('shape, not its HD pixel size');
        // The same request, the same bytes.
        expect((await renderEdit(await BLOCK, params(values))).body).toEqual(body);
      });
    }

    it('lays the subject out on that canvas as on any other: fitted, centred, on the background', async () => {
      const { body } = await renderEdit(
        await BLOCK,
        params({
          'background.color': 'FFFFFF',
          'ghostMannequin.mode': 'ai.auto',
          'ghostMannequin.size': 'PORTRAIT_HD_4_3',
        }),
      );
      const image = await decode(body);
      // The cut-out block (6:5) fitted into 150x200: as wide as the canvas, background above and below it.
      expect(pixel(image, 75, 10).slice(0, 3)).toEqual([255, 255, 255]);
      const [r = 0, g = 0, b = 0] = pixel(image, 75, 100);
      expect(g).toBeGreaterThan(120);
      expect(r + b).toBeLessThan(120);
    });

    it("takes the first feature's size when several are asked for, and leaves an outputSize given as it is", async () => {
      const both = {
        'ghostMannequin.mode': 'ai.auto',
        'ghostMannequin.size': 'SQUARE_HD',
        'flatLay.mode': 'ai.auto',
        'flatLay.size': 'LANDSCAPE_HD_16_9',
      };
      expect(await size((await renderEdit(await BLOCK, params(both))).body)).toEqual([200, 200]);
      const sized = await renderEdit(await BLOCK, params({ ...both, outputSize: '120x60' }));
      expect(await size(sized.body)).toEqual([120, 60]);
      expect(sized.headers['x-emulator-stand-in']).not.toContain('.size');
    });
  });

  it('says in its header that colorSpace original keeps no profile here, and answers the PNG', async () => {
    const { headers, contentType } = await renderEdit(await BLOCK, params({ colorSpace: 'original' }));
    expect(contentType).toBe('image/png');
    expect(headers['x-emulator-stand-in']).toBe(
      'colorSpace original (the output stays sRGB: the emulator keeps no ICC profile)',
    );
  });
});
