/**
 * The local measurements of one image file that `photoroom check` judges against a preset's
 * rules: facts from the header (format by the bytes, size as displayed, colour space, bit
 * depth, alpha, frames) and, from one decode at full resolution, the pixel measures
 * (`pixels.ts`, `frame.ts`). Never throws for a bad file: it says why in `reason`. A file cut
 * short (its structure walked, inputs/wholeness.ts; bytes after its end are allowed, as for
 * an upload) is refused before any decode. A file whose header reads but whose pixels do not decode keeps its facts,
 * its pixels unmeasured (`unmeasured` says why): judge.ts then gives it no verdict at all.
 *
 * Memory: one raw 8-bit buffer per image (width × height × 3 or 4 bytes, at most
 * `MAX_DECODED_PIXELS` pixels: a larger image is sampled), taken from the `pixelBudget` when
 * one is given, and the file's own bytes while it is decoded; nothing is cached here. sharp's
 * own cache is left on: it keeps operations, not the pixels of a decode, and turning it off
 * (`sharp.cache(false)`) changed no peak RSS measured over 100 and 300 photos of 12 MP
 * (BENCHMARKS.md, "check").
 */
import type { Metadata } from 'sharp';
import { openInput, readHead } from '../inputs/access.js';
import { readDimensions } from '../inputs/dimensions.js';
import { imageFormatOf, SNIFF_BYTES } from '../inputs/sniff.js';
import { bytesProblem } from '../inputs/wholeness.js';
import { bmpPixelFormat, decodeBmp } from './bmp.js';
import type { PixelBudget } from './budget.js';
import { measurePixels, type PixelMeasures } from './pixels.js';
import type { Raster } from './raster.js';

export type { Frame } from './frame.js';
export type { SubjectBox } from './box.js';
export type { PixelMeasures } from './pixels.js';
export { FRAME_INNER_SHARE, FRAME_LINE_SHARE, FRAME_MAX_SHARE, FRAME_MIN_THICKNESS } from './frame.js';
export { LINE_COUNT_PER_MILLE, MIN_LINE_COUNT, MIN_RUN, RUN_PER_MILLE } from './box.js';
export { RING_SHARE, TRANSPARENT_RING_SHARE } from './ring.js';
export { DIFFERENCE, VISIBLE_ALPHA } from './raster.js';

/** From the header and metadata, without a pixel pass. */
export interface ImageFacts {
  /** From the bytes, never the name: jpeg, png, gif, webp, tiff, bmp, avif, heic, svg... */
  format: string | null;
  /** File size. */
  bytes: number;
  /** As displayed (EXIF orientation applied). */
  width: number;
  height: number;
  /** `rgb`, `grey`, `cmyk`, `lab`, or sharp's name for any other (`xyz`, `multiband`...). */
  colorSpace: string;
  /** Bits per channel of the colours: 8, 16; 8 for a palette, whatever its index width; 1, 2 or 4 for a low-depth grey PNG. */
  bitDepth: number;
  hasAlpha: boolean;
  /** 1 unless animated: a GIF's or WebP's frames. */
  frames: number;
}

export type Measurement =
  { ok: true; facts: ImageFacts; pixels: PixelMeasures | { unmeasured: string } } | { ok: false; reason: string };

export interface MeasureOptions {
  /** The preset's background, hex without `#`; absent: the border ring's most common colour. */
  background?: string;
  /** Shared by the images measured at once: the raster's bytes are taken from it before decoding. */
  pixelBudget?: PixelBudget;
}

/** sharp's colour spaces → ours. */
const COLOR_SPACES: Readonly<Record<string, string>> = {
  srgb: 'rgb',
  rgb: 'rgb',
  rgb16: 'rgb',
  scrgb: 'rgb',
  'b-w': 'grey',
  grey16: 'grey',
  cmyk: 'cmyk',
  lab: 'lab',
  labs: 'lab',
  labq: 'lab',
};

/** sharp's band formats → bits per channel. */
const DEPTH_BITS: Readonly<Record<string, number>> = {
  uchar: 8,
  char: 8,
  ushort: 16,
  short: 16,
  uint: 32,
  int: 32,
  float: 32,
  complex: 32,
  double: 64,
  dpcomplex: 64,
};

/**
 * The most pixels decoded for one image: 25 MP, 75–100 MB of raw pixels. A larger image (a
 * 10000×10000 Amazon maximum, a decompression bomb) is decoded as every k-th pixel of every
 * k-th row, k the smallest whole number that brings it under, streamed so that the whole is
 * never held: its box and border are then measured to within k pixels.
 */
export const MAX_DECODED_PIXELS = 25_000_000;

/**
 * Beyond this many pixels an image is not decoded at all, even sampled (a decompression bomb
 * of a few KB can claim billions): its pixels are left unmeasured. Whether they are there at
 * all is then unknown, so its header is not judged either, even a size no marketplace takes
 * (a 40000×40000 PNG is neither refused by amazon nor passed by etsy): it could not be read
 * (judge.ts; README: "past 1,000 MP ... counts as could not be read").
 */
export const MAX_SAMPLED_PIXELS = 1_000_000_000;

/** Formats whose pages are frames of an animation; a TIFF's or HEIF's pages are not. */
const ANIMATED_FORMATS = new Set(['gif', 'webp']);

export async function measureImage(path: string, options: MeasureOptions): Promise<Measurement> {
  const opened = await openInput(path);
  if ('reason' in opened) return failed(opened.reason);
  const { handle, stats } = opened;
  let head: Uint8Array;
  let content: Buffer;
  let format: string | null;
  try {
    if (stats.size === 0) return failed('empty file (0 bytes)');
    head = await readHead(handle, Math.min(stats.size, SNIFF_BYTES));
    format = await imageFormatOf(head);
    if (format === null) return failed('not an image: unrecognised bytes');
    content = await handle.readFile();
  } finally {
    await handle.close();
  }
  // The bytes already read, walked as an upload's are (about 1.7 ms/MB): a file cut short is
  // told as such, never judged by a header that reads or pixels a decoder makes up.
  const problem = await bytesProblem(content);
  if (problem !== null) return failed(`truncated or corrupt: ${problem}`);
  return format === 'bmp' ? measureBmp(head, content, options) : measureDecodable(content, format, options);
}

/** sharp cannot decode BMP: its facts from the header, its pixels by bmp.ts when they are stored uncompressed. */
async function measureBmp(head: Uint8Array, content: Buffer, options: MeasureOptions): Promise<Measurement> {
  // The whole file is in memory already: a longer header read is a slice of it.
  const size = await readDimensions((length) => Promise.resolve(content.subarray(0, length)), head, content.length);
  const pixelFormat = bmpPixelFormat(head);
  if (!size || !pixelFormat) return failed('not a readable BMP: its header is truncated or corrupt');
  const facts: ImageFacts = {
    format: 'bmp',
    bytes: content.length,
    ...size,
    colorSpace: 'rgb',
    ...pixelFormat,
    frames: 1,
  };
  if (size.width * size.height > MAX_DECODED_PIXELS)
    return {
      ok: true,
      facts,
      pixels: { unmeasured: `a BMP over ${MAX_DECODED_PIXELS / 1_000_000} MP is not decoded` },
    };
  const raster = decodeBmp(content);
  return {
    ok: true,
    facts,
    pixels: typeof raster === 'string' ? { unmeasured: raster } : measurePixels(raster, options.background),
  };
}

async function measureDecodable(content: Buffer, format: string, options: MeasureOptions): Promise<Measurement> {
  const { default: sharp } = await import('sharp');
  // 'error' refuses truncated and corrupt data; libjpeg's mere warnings (extra bytes between
  // markers, common in camera files) still decode, as every viewer shows them.
  // No pixel limit on reading the header: MAX_SAMPLED_PIXELS bounds what is decoded.
  const header = { autoOrient: true, failOn: 'error', limitInputPixels: false } as const;
  let metadata: Metadata;
  try {
    metadata = await sharp(content, header).metadata();
  } catch (error) {
    return failed(`cannot read this ${format.toUpperCase()} image (truncated or corrupt?): ${firstLine(error)}`);
  }
  const facts = factsOf(metadata, format, content.length);
  if (facts.width * facts.height > MAX_SAMPLED_PIXELS)
    return {
      ok: true,
      facts,
      pixels: {
        unmeasured: `${Math.round((facts.width * facts.height) / 1_000_000)} MP, past the ${MAX_SAMPLED_PIXELS / 1_000_000} MP this check decodes`,
      },
    };
  // Every k-th pixel of every k-th row: the decoded pixels stay within MAX_DECODED_PIXELS.
  const every = Math.ceil(Math.sqrt((facts.width * facts.height) / MAX_DECODED_PIXELS));
  const [width, height] = [Math.ceil(facts.width / every), Math.ceil(facts.height / every)];
  const release = await options.pixelBudget?.take(width * height * (facts.hasAlpha ? 4 : 3));
  try {
    let raster: Raster;
    try {
      // The first frame of an animation (sharp's default), as displayed, 8-bit sRGB; a sampled
      // image is read sequentially, so that its whole is never held.
      let pipeline = sharp(content, { ...header, sequentialRead: every > 1 }).toColourspace('srgb');
      if (every > 1) pipeline = pipeline.resize(width, height, { kernel: 'nearest', fit: 'fill' });
      const { data, info } = await (metadata.hasAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha())
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      raster = { data, width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3 };
    } catch (error) {
      // The header read, the pixels did not: no rule is judged (judge.ts).
      return { ok: true, facts, pixels: { unmeasured: `its pixels do not decode: ${firstLine(error)}` } };
    }
    const pixels = measurePixels(raster, options.background);
    return { ok: true, facts, pixels: every > 1 ? atFullSize(pixels, every) : pixels };
  } finally {
    release?.();
  }
}

/** Measures taken on every k-th pixel, in the image's own pixels (shares are unchanged). */
function atFullSize(pixels: PixelMeasures, every: number): PixelMeasures {
  const { subject, frame } = pixels;
  return {
    ...pixels,
    subject: subject && {
      left: subject.left * every,
      top: subject.top * every,
      width: subject.width * every,
      height: subject.height * every,
    },
    frame: frame && { ...frame, thickness: frame.thickness * every },
    sampledEvery: every,
  };
}

function factsOf(metadata: Metadata, format: string, bytes: number): ImageFacts {
  return {
    format,
    bytes,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    colorSpace: COLOR_SPACES[metadata.space] ?? metadata.space,
    // A palette's colours are 8 bits a channel, however few bits index them.
    bitDepth: metadata.isPalette ? 8 : (metadata.bitsPerSample ?? DEPTH_BITS[metadata.depth] ?? 8),
    hasAlpha: metadata.hasAlpha,
    frames: ANIMATED_FORMATS.has(format) ? (metadata.pages ?? 1) : 1,
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

function failed(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
