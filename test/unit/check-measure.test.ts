/**
 * The measurements `photoroom check` judges: each image is drawn here with known geometry and
 * the figures are asserted against it (with tolerances where JPEG is involved).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PixelBudget } from '../../src/check/budget.js';
import {
  DIFFERENCE,
  measureImage,
  type ImageFacts,
  type MeasureOptions,
  type PixelMeasures,
  type SubjectBox,
} from '../../src/check/measure.js';

const PHOTOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/photos');
const WHITE: MeasureOptions = { background: 'FFFFFF' };

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photoroom-measure-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * An RGB (or RGBA) picture drawn with exact geometry: rectangles and ellipses are filled a
 * row's span at a time (Buffer.fill with the colour as its pattern), so the tests pay for
 * the measurement, not for the drawing.
 */
class Canvas {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: readonly number[],
    readonly channels: 3 | 4 = 3,
  ) {
    this.data = Buffer.alloc(width * height * channels);
    this.rect(0, 0, width, height, background);
  }

  set(x: number, y: number, color: readonly number[]): void {
    const at = (y * this.width + x) * this.channels;
    for (let channel = 0; channel < this.channels; channel++) this.data[at + channel] = color[channel]!;
  }

  rect(left: number, top: number, width: number, height: number, color: readonly number[]): this {
    for (let y = top; y < top + height; y++) this.fillSpan(y, left, left + width, color);
    return this;
  }

  /**
   * An upright ellipse inside the box: the pixels whose centre is inside it, in one colour or
   * each coloured by `shade(dx, dy)` (−1..1 from the centre).
   */
  ellipse(
    left: number,
    top: number,
    width: number,
    height: number,
    shade: readonly number[] | ((dx: number, dy: number) => readonly number[]),
  ): this {
    const [cx, cy, rx, ry] = [left + width / 2, top + height / 2, width / 2, height / 2];
    const dxOf = (x: number) => (x + 0.5 - cx) / rx;
    for (let y = top; y < top + height; y++) {
      const dy = (y + 0.5 - cy) / ry;
      const inside = (x: number) => {
        const dx = dxOf(x);
        return dx * dx + dy * dy <= 1;
      };
      // The row's pixels inside form one span, found from both ends of the box.
      let from = left;
      while (from < left + width && !inside(from)) from++;
      let to = left + width;
      while (to > from && !inside(to - 1)) to--;
      if (typeof shade !== 'function') this.fillSpan(y, from, to, shade);
      else for (let x = from; x < to; x++) this.set(x, y, shade(dxOf(x), dy));
    }
    return this;
  }

  image(): Sharp {
    return sharp(this.data, { raw: { width: this.width, height: this.height, channels: this.channels } });
  }

  /** Pixels `from` to `to` (excluded) of row `y`. */
  private fillSpan(y: number, from: number, to: number, color: readonly number[]): void {
    if (to <= from) return;
    const row = y * this.width;
    this.data.fill(
      Buffer.from(color.slice(0, this.channels)),
      (row + from) * this.channels,
      (row + to) * this.channels,
    );
  }
}

const DARK = [40, 44, 52];

async function saved(name: string, image: Sharp | Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof image === 'string' || Buffer.isBuffer(image) ? image : await image.toBuffer());
  return file;
}

async function measured(
  file: string,
  options: MeasureOptions = WHITE,
): Promise<{ facts: ImageFacts; pixels: PixelMeasures }> {
  const result = await measureImage(file, options);
  if (!result.ok) throw new Error(`not measured: ${result.reason}`);
  if ('unmeasured' in result.pixels) throw new Error(`pixels unmeasured: ${result.pixels.unmeasured}`);
  return { facts: result.facts, pixels: result.pixels };
}

/**
 * The side of most pictures here: large enough for every figure asserted (a box exact to the
 * pixel, fills to 5 places), small enough to draw, encode and measure quickly.
 */
const SIDE = 1000;

/** A `side`×`side` white picture with a dark elliptical product in the given box. */
function productOnWhite(left: number, top: number, width: number, height: number, side = SIDE): Canvas {
  return new Canvas(side, side, [255, 255, 255]).ellipse(left, top, width, height, DARK);
}

/** Each edge of `box` within `tolerance` px of `drawn`'s (its sides within twice that). */
function expectBoxNear(box: SubjectBox | null, drawn: SubjectBox, tolerance: number): void {
  expect(box).not.toBeNull();
  expect(Math.abs(box!.left - drawn.left)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(box!.top - drawn.top)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(box!.width - drawn.width)).toBeLessThanOrEqual(2 * tolerance);
  expect(Math.abs(box!.height - drawn.height)).toBeLessThanOrEqual(2 * tolerance);
}

describe('the subject and its fill', () => {
  it('finds a product filling 90% of a white square, with a pure border and background', async () => {
    const { facts, pixels } = await measured(
      await saved('ninety.png', productOnWhite(50, 150, 900, 700).image().png()),
    );
    expect(facts).toMatchObject({
      format: 'png',
      width: 1000,
      height: 1000,
      colorSpace: 'rgb',
      bitDepth: 8,
      hasAlpha: false,
      frames: 1,
    });
    expect(pixels.background).toEqual({ kind: 'color', color: 'FFFFFF' });
    expect(pixels.subject).toEqual({ left: 50, top: 150, width: 900, height: 700 });
    expect(pixels.fill).toBeCloseTo(0.9, 5);
    expect(pixels.areaShare).toBeCloseTo(0.63, 5);
    expect(pixels.borderPurity).toBe(1);
    expect(pixels.backgroundPurity).toBe(1);
    expect(pixels.frame).toBeNull();
  });

  it('measures 60% fill', async () => {
    const { pixels } = await measured(await saved('sixty.png', productOnWhite(250, 200, 500, 600).image().png()));
    expect(pixels.fill).toBeCloseTo(0.6, 5);
  });

  it('gives a tall thin product its height: 50×900 on 1000×1000 fills 90%', async () => {
    const canvas = new Canvas(1000, 1000, [255, 255, 255]).rect(475, 50, 50, 900, DARK);
    const { pixels } = await measured(await saved('thin.png', canvas.image().png()));
    expect(pixels.subject).toEqual({ left: 475, top: 50, width: 50, height: 900 });
    expect(pixels.fill).toBeCloseTo(0.9, 5);
  });

  it('finds a white product on white by its shaded edges', async () => {
    // A body of F2–FA lit from above-left, darkening to C8–D8 at its outline, as lighting gives.
    const canvas = new Canvas(1000, 1000, [255, 255, 255]).ellipse(200, 100, 600, 800, (dx, dy) => {
      const edge = Math.hypot(dx, dy);
      const level =
        edge > 0.97 ? 200 + Math.round((24 * (1 - edge)) / 0.03) : 250 - Math.round(8 * ((dx + dy + 2) / 4));
      return [level, level, level];
    });
    const { pixels } = await measured(await saved('white-on-white.png', canvas.image().png()));
    expect(pixels.subject).toEqual({ left: 200, top: 100, width: 600, height: 800 });
    expect(pixels.borderPurity).toBe(1);
  });

  it('sees a grey backdrop as none of the border being pure white, and still finds the product', async () => {
    const canvas = new Canvas(1000, 1000, [0xee, 0xee, 0xee]).ellipse(100, 100, 800, 800, DARK);
    const { pixels } = await measured(await saved('grey.png', canvas.image().png()));
    expect(pixels.background).toEqual({ kind: 'color', color: 'FFFFFF' });
    expect(pixels.borderPurity).toBe(0);
    expect(pixels.backgroundPurity).toBe(0);
    expect(pixels.subject).toEqual({ left: 100, top: 100, width: 800, height: 800 });
  });

  it('estimates the background as the ring’s most common colour when no preset gives one', async () => {
    const canvas = new Canvas(1000, 1000, [0xee, 0xee, 0xee]).ellipse(100, 100, 800, 800, DARK);
    const { pixels } = await measured(await saved('grey-estimated.png', canvas.image().png()), {});
    expect(pixels.background).toEqual({ kind: 'color', color: 'EEEEEE' });
    expect(pixels.borderPurity).toBe(1);
  });

  it('takes the ring’s most common colour without a majority, and the lowest of two tied', async () => {
    // Bands 80, 70 and 50 px wide on 200×200 (a ring 2 px wide): 45%, 18% and 37% of the ring.
    const banded = new Canvas(200, 200, [0x80, 0x80, 0x80]).rect(80, 0, 70, 200, [0x10, 0x10, 0x10]);
    banded.rect(150, 0, 50, 200, [0x20, 0x20, 0x20]);
    const three = await measured(await saved('bands.png', banded.image().png()), {});
    expect(three.pixels.background).toEqual({ kind: 'color', color: '808080' });
    const halves = new Canvas(200, 200, [0x30, 0x20, 0x10]).rect(100, 0, 100, 200, [0x10, 0x20, 0x30]);
    const tied = await measured(await saved('halves.png', halves.image().png()), {});
    expect(tied.pixels.background).toEqual({ kind: 'color', color: '102030' });
  });

  it('keeps JPEG noise (quality 75, 4:2:0) in the background: a pure border, the box within 4 px', async () => {
    const jpeg = productOnWhite(150, 100, 700, 800).image().jpeg({ quality: 75, chromaSubsampling: '4:2:0' });
    const { facts, pixels } = await measured(await saved('noisy.jpg', jpeg));
    expect(facts.format).toBe('jpeg');
    expect(pixels.borderPurity).toBeGreaterThanOrEqual(0.99);
    expectBoxNear(pixels.subject, { left: 150, top: 100, width: 700, height: 800 }, 4);
  });

  it('does not stretch the box to specks of salt noise scattered on the background, in PNG or JPEG', async () => {
    // At 2000×2000, the size the run minimum is quoted for (8 lines): specks per line and runs as the README says.
    const canvas = productOnWhite(700, 700, 600, 600, 2000);
    // 300 black specks at random places (a fixed seed): some share a row or a column.
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 2000;
    for (let speck = 0; speck < 300; speck++) canvas.set(next(), next(), [0, 0, 0]);
    const drawn = { left: 700, top: 700, width: 600, height: 600 };
    expect((await measured(await saved('specks.png', canvas.image().png()))).pixels.subject).toEqual(drawn);
    const jpeg = await measured(await saved('specks.jpg', canvas.image().jpeg({ quality: 75 })));
    expectBoxNear(jpeg.pixels.subject, drawn, 4);
  });

  it('does not stretch the box to a 1 px hair across the background', async () => {
    const canvas = productOnWhite(350, 350, 300, 300).rect(150, 50, 1, 900, [0, 0, 0]);
    const { pixels } = await measured(await saved('hair.png', canvas.image().png()));
    expect(pixels.subject).toEqual({ left: 350, top: 350, width: 300, height: 300 });
  });

  it('counts a soft shadow’s dark core as subject, and not its faint spread', async () => {
    // A 30% black ellipse blurred (sigma 10) under a product standing on y = 750.
    const shadow = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000">' +
        '<ellipse cx="500" cy="750" rx="225" ry="25" fill="black" fill-opacity="0.3"/></svg>',
    );
    const blurred = await sharp(shadow).blur(10).png().toBuffer();
    const product = await new Canvas(400, 600, [40, 44, 52, 255], 4).image().png().toBuffer();
    const image = sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#ffffff' } }).composite([
      { input: blurred },
      { input: product, left: 300, top: 150 },
    ]);
    const { pixels } = await measured(await saved('shadow.png', image.png()));
    const box = pixels.subject!;
    expect(box.top).toBe(150);
    const bottom = box.top + box.height;
    // The core (darker than white by more than DIFFERENCE) reaches below the product, but the
    // blur's spread, out to about 3 sigma past the ellipse, does not count.
    expect(bottom).toBeGreaterThan(760);
    expect(bottom).toBeLessThanOrEqual(775 + 10); // measured: 779
    expect(box.left).toBeGreaterThanOrEqual(275 - 10);
    expect(box.left + box.width).toBeLessThanOrEqual(725 + 10);
  });

  it('takes a cutout’s box from its alpha, against a transparent background', async () => {
    const canvas = new Canvas(1000, 800, [0, 0, 0, 0], 4).ellipse(100, 150, 700, 500, () => [250, 250, 250, 255]);
    const { facts, pixels } = await measured(await saved('cutout.png', canvas.image().png()));
    expect(facts.hasAlpha).toBe(true);
    expect(pixels.background).toEqual({ kind: 'transparent' });
    expect(pixels.subject).toEqual({ left: 100, top: 150, width: 700, height: 500 });
    expect(pixels.borderPurity).toBe(1);
    expect(pixels.fill).toBeCloseTo(0.7, 5);
  });

  it('finds no subject in a blank image: fill 0', async () => {
    const { pixels } = await measured(await saved('blank.png', new Canvas(300, 200, [255, 255, 255]).image().png()));
    expect(pixels).toMatchObject({ subject: null, fill: 0, areaShare: 0, borderPurity: 1, backgroundPurity: 1 });
  });
});

/** A busy, photo-like picture: gradients and deterministic noise. */
function photoLike(width: number, height: number): Canvas {
  const canvas = new Canvas(width, height, [0, 0, 0]);
  let seed = 7;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) % 60;
      canvas.set(x, y, [(x * 255) / width / 2 + noise, 120 + noise, (y * 255) / height / 2 + noise]);
    }
  return canvas;
}

describe('a drawn frame', () => {
  it('is found, 20 px thick, around a photo-like picture', async () => {
    const canvas = photoLike(1200, 900);
    const navy = [0x1e, 0x3a, 0x8a];
    canvas
      .rect(0, 0, 1200, 20, navy)
      .rect(0, 880, 1200, 20, navy)
      .rect(0, 0, 20, 900, navy)
      .rect(1180, 0, 20, 900, navy);
    const { pixels } = await measured(await saved('framed.jpg', canvas.image().jpeg({ quality: 90 })), {});
    expect(pixels.frame).not.toBeNull();
    expect(Math.abs(pixels.frame!.thickness - 20)).toBeLessThanOrEqual(1);
    const color = Number.parseInt(pixels.frame!.color, 16);
    navy.forEach((level, channel) =>
      expect(Math.abs(((color >> (16 - 8 * channel)) & 0xff) - level)).toBeLessThanOrEqual(DIFFERENCE),
    );
  });

  it('is not seen in a product on a plain backdrop, near the edges or not', async () => {
    for (const [name, canvas] of [
      ['small.png', productOnWhite(350, 300, 300, 400)],
      ['large.png', productOnWhite(30, 30, 940, 940)],
    ] as const)
      expect((await measured(await saved(name, canvas.image().png()))).pixels.frame).toBeNull();
  });

  it('is not seen in a photo without one', async () => {
    expect(
      (await measured(await saved('unframed.png', photoLike(600, 400).image().png()), {})).pixels.frame,
    ).toBeNull();
  });
});

describe('the facts from the header', () => {
  it('names the format by the bytes, never by the file name', async () => {
    const product = () => productOnWhite(100, 100, 200, 200, 400).image();
    for (const [name, image, format] of [
      ['png-named.jpg', product().png(), 'png'],
      ['webp-named.png', product().webp(), 'webp'],
      ['tiff-named.gif', product().tiff(), 'tiff'],
      ['avif-named.jpg', product().avif(), 'avif'],
    ] as const) {
      const { facts, pixels } = await measured(await saved(name, image));
      expect(facts.format).toBe(format);
      expect(pixels.fill).toBeCloseTo(0.5, 2);
    }
  });

  it('counts the frames of an animated GIF and measures its first', async () => {
    const frames = new Canvas(200, 300, [255, 255, 255])
      .rect(50, 20, 100, 60, DARK)
      .rect(0, 100, 200, 100, [255, 0, 0])
      .rect(0, 200, 200, 100, [0, 0, 255]);
    const gif = sharp(frames.data, { raw: { width: 200, height: 300, channels: 3, pageHeight: 100 } }).gif();
    const { facts, pixels } = await measured(await saved('animated.gif', gif));
    expect(facts).toMatchObject({ format: 'gif', frames: 3, width: 200, height: 100 });
    expect(pixels.subject).toEqual({ left: 50, top: 20, width: 100, height: 60 });
  });

  it('reads a 16-bit PNG as 16 bits per channel', async () => {
    const png = productOnWhite(250, 250, 500, 500).image().toColourspace('rgb16').png();
    const { facts, pixels } = await measured(await saved('deep.png', png));
    expect(facts).toMatchObject({ bitDepth: 16, colorSpace: 'rgb' });
    expect(pixels.fill).toBeCloseTo(0.5, 5);
  });

  it('reads a greyscale JPEG as grey', async () => {
    const { facts, pixels } = await measured(
      await saved('grey.jpg', productOnWhite(250, 250, 500, 500).image().toColourspace('b-w').jpeg()),
    );
    expect(facts).toMatchObject({ colorSpace: 'grey', bitDepth: 8 });
    expect(pixels.fill).toBeCloseTo(0.5, 2);
  });

  it('reads a CMYK JPEG as cmyk and measures it in sRGB', async () => {
    const { facts, pixels } = await measured(
      await saved('cmyk.jpg', productOnWhite(250, 250, 500, 500).image().toColourspace('cmyk').jpeg()),
    );
    expect(facts.colorSpace).toBe('cmyk');
    expect(pixels.fill).toBeCloseTo(0.5, 2);
  });

  it('gives an EXIF-rotated JPEG its size and box as displayed', async () => {
    // Stored 300×200 with the product at x 20–60, y 50–150; orientation 6 turns it a quarter clockwise.
    const stored = new Canvas(300, 200, [255, 255, 255]).rect(20, 50, 40, 100, DARK);
    const jpeg = stored.image().jpeg({ quality: 95 }).withMetadata({ orientation: 6 });
    const { facts, pixels } = await measured(await saved('rotated.jpg', jpeg));
    expect([facts.width, facts.height]).toEqual([200, 300]);
    expectBoxNear(pixels.subject, { left: 50, top: 20, width: 100, height: 40 }, 1);
  });

  it('reads a BMP’s facts from its header and decodes its uncompressed pixels (sharp cannot)', async () => {
    const result = await measureImage(await saved('tiny.bmp', bmp24(4, 2)), WHITE);
    expect(result).toMatchObject({
      ok: true,
      facts: {
        format: 'bmp',
        bytes: 54 + 24,
        width: 4,
        height: 2,
        colorSpace: 'rgb',
        bitDepth: 8,
        hasAlpha: false,
        frames: 1,
      },
      pixels: { background: { kind: 'color', color: 'FFFFFF' }, subject: null, borderPurity: 1 },
    });
  });

  it('decodes an 8-bit palette BMP stored top-down, and leaves a run-length one unmeasured', async () => {
    // 8×8, palette entry 0 white and 1 dark; rows 2–5, columns 2–5 dark; a negative height: top row first.
    const palette = Buffer.from([0xff, 0xff, 0xff, 0, 0x40, 0x30, 0x28, 0]);
    const rows = Buffer.alloc(64);
    for (let y = 2; y < 6; y++) rows.fill(1, y * 8 + 2, y * 8 + 6);
    const file = bmpHeader(8, -8, 8, 54 + palette.length, rows.length);
    const measured = await measureImage(await saved('palette.bmp', Buffer.concat([file, palette, rows])), WHITE);
    expect(measured).toMatchObject({
      ok: true,
      facts: { format: 'bmp', width: 8, height: 8, bitDepth: 8 },
      pixels: { subject: { left: 2, top: 2, width: 4, height: 4 } },
    });
    const rle = bmpHeader(8, 8, 8, 54 + palette.length, 2);
    rle.writeUInt32LE(1, 30); // BI_RLE8
    const unread = await measureImage(
      await saved('rle.bmp', Buffer.concat([rle, palette, Buffer.from([0, 1])])),
      WHITE,
    );
    expect(unread).toMatchObject({
      ok: true,
      pixels: { unmeasured: expect.stringMatching(/does not decode/) as unknown },
    });
  });
});

/** A whole PNG of `canvas` (by default 200×180 white) whose header claims `width`×`height`: its pixel data is short. */
async function pngClaiming(
  width: number,
  height: number,
  canvas = new Canvas(200, 180, [255, 255, 255]),
): Promise<Buffer> {
  const png = await canvas.image().png().toBuffer();
  // Signature (8), IHDR's length and type (8), then its width and height; its CRC after 13 bytes of data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A BITMAPINFOHEADER BMP's first 54 bytes: `bits` a pixel, pixels from `dataAt`, `dataBytes` of them. */
function bmpHeader(width: number, height: number, bits: number, dataAt: number, dataBytes: number): Buffer {
  const file = Buffer.alloc(54);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(dataAt + dataBytes, 2);
  file.writeUInt32LE(dataAt, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bits, 28);
  file.writeUInt32LE(dataBytes, 34);
  return file;
}

/** A 24-bit BMP of `width`×`height` white pixels (`width` a multiple of 4: rows need no padding). */
function bmp24(width: number, height: number): Buffer {
  const pixels = width * height * 3;
  return Buffer.concat([bmpHeader(width, height, 24, 54, pixels), Buffer.alloc(pixels, 0xff)]);
}

describe('a file that cannot be measured', () => {
  it('says a JPEG cut short is truncated, before any decode, wherever it is cut', async () => {
    const whole = await productOnWhite(250, 250, 500, 500).image().jpeg().toBuffer();
    for (const [name, bytes] of [
      ['truncated.jpg', whole.subarray(0, whole.length / 2)],
      ['headless.jpg', whole.subarray(0, 40)],
    ] as const)
      expect(await measureImage(await saved(name, bytes), WHITE)).toEqual({
        ok: false,
        reason: 'truncated or corrupt: it ends before its end-of-image marker (FF D9)',
      });
  });

  it('says a PNG cut short is truncated, even one cut after its last pixel that a decoder reads whole', async () => {
    const whole = await productOnWhite(250, 250, 500, 500).image().png().toBuffer();
    // Into its last IDAT chunk (its pixels do not decode), and its IEND chunk alone (they do).
    for (const cut of [20, 12]) {
      const measured = await measureImage(await saved(`cut-${cut}.png`, whole.subarray(0, whole.length - cut)), WHITE);
      expect(measured).toEqual({
        ok: false,
        reason: expect.stringMatching(/^truncated or corrupt: it ends /) as unknown,
      });
    }
  });

  it('does not decode a PNG that claims 40000×40000 (1600 MP, past 1,000 MP): its pixels unmeasured, saying why', async () => {
    const measured = await measureImage(await saved('bomb.png', await pngClaiming(40_000, 40_000)), WHITE);
    expect(measured).toMatchObject({
      ok: true,
      facts: { format: 'png', width: 40_000, height: 40_000 },
      pixels: { unmeasured: '1600 MP, past the 1000 MP this check decodes' },
    });
  });

  it('says a text file is not an image', async () => {
    expect(await measureImage(await saved('notes.jpg', 'just some words, not pixels\n'), WHITE)).toEqual({
      ok: false,
      reason: 'not an image: unrecognised bytes',
    });
  });

  it('says a missing file is missing', async () => {
    expect(await measureImage(path.join(dir, 'absent.png'), WHITE)).toEqual({ ok: false, reason: 'no such file' });
  });
});

describe('the pixel budget', () => {
  /** A budget that records what is taken, and what is held until given back. */
  class RecordingBudget extends PixelBudget {
    readonly taken: number[] = [];
    lent = 0;

    override async take(bytes: number): Promise<() => void> {
      this.taken.push(bytes);
      const release = await super.take(bytes);
      this.lent += bytes;
      return () => {
        this.lent -= bytes;
        release();
      };
    }
  }

  it('lends each raster its bytes (3 or 4 per pixel) while it is decoded and measured, and gets them back', async () => {
    const budget = new RecordingBudget(1);
    const rgb = await saved('budget.png', new Canvas(300, 200, [255, 255, 255]).image().png());
    const rgba = await saved('budget-alpha.png', new Canvas(100, 50, [0, 0, 0, 0], 4).image().png());
    // Whole by its structure, but its data holds 100×50 pixels, not the 100×100 it claims.
    const short = await saved('budget-short.png', await pngClaiming(100, 100, new Canvas(100, 50, [255, 255, 255])));
    await measured(rgb, { ...WHITE, pixelBudget: budget });
    await measured(rgba, { pixelBudget: budget });
    // Its header reads, its pixels do not: the budget is lent for the decode, and given back.
    expect(await measureImage(short, { pixelBudget: budget })).toMatchObject({
      ok: true,
      pixels: { unmeasured: expect.any(String) as unknown },
    });
    expect(budget.taken).toEqual([300 * 200 * 3, 100 * 50 * 4, 100 * 100 * 3]);
    expect(budget.lent).toBe(0);
  });
});

describe('real photographs (fixtures/photos)', () => {
  it('finds the cup in coffee.jpg, measured against white', async () => {
    const { facts, pixels } = await measured(path.join(PHOTOS, 'coffee.jpg'));
    expect(facts.format).toBe('jpeg');
    expect(pixels.subject).not.toBeNull();
    expect(pixels.fill).toBeGreaterThan(0);
    expect(pixels.fill).toBeLessThanOrEqual(1);
    expect(pixels.borderPurity).toBeLessThan(0.05);
  });

  it('takes retina-cutout.png’s transparent surround as its background', async () => {
    const file = path.join(PHOTOS, 'retina-cutout.png');
    const { facts, pixels } = await measured(file);
    const { width, height } = await sharp(await readFile(file)).metadata();
    expect(facts).toMatchObject({ hasAlpha: true, width, height });
    expect(pixels.background).toEqual({ kind: 'transparent' });
    expect(pixels.fill).toBeGreaterThan(0.5);
    expect(pixels.fill).toBeLessThanOrEqual(1);
  });
});
