/**
 * The measurements read from the pixels: what the background is, the subject's box, how much
 * of the frame it fills, and how pure the background is. One pass over the border ring and
 * one tight pass over the whole raster; nothing image-sized is allocated.
 */
import { findFrame, type Frame } from './frame.js';
import { DIFFERENCE, hexOf, rgbOf, VISIBLE_ALPHA, type Raster, type Rgb } from './raster.js';

export interface SubjectBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PixelMeasures {
  /** What the subject was told apart from. */
  background: { kind: 'transparent' } | { kind: 'color'; color: string };
  /** Null: no subject found. */
  subject: SubjectBox | null;
  /** The box's side over the frame's matching side, the larger of the two; 0 with no subject. */
  fill: number;
  /** Box area over frame area; 0 with no subject. */
  areaShare: number;
  /** Share of the border ring's pixels that are exactly the background (see `isExactly`). */
  borderPurity: number;
  /** Share of the pixels that are not subject pixels (the whole image) that are exactly the background. */
  backgroundPurity: number;
  /** A drawn border around the picture, or null. */
  frame: Frame | null;
}

/** The border ring is this share of the shorter side wide (at least 1 px): 1%. */
export const RING_SHARE = 0.01;

/**
 * A row (column) counts toward the subject's box only when at least this many of its pixels
 * per 1000 of its length are subject pixels, and never fewer than `MIN_LINE_COUNT`: isolated
 * specks of noise don't stretch the box, a thin tall product still counts.
 */
export const LINE_COUNT_PER_MILLE = 1;

/** The least number of subject pixels a row or column needs to bound the box. */
export const MIN_LINE_COUNT = 2;

/**
 * Counted lines bound the box only in runs of at least this many consecutive lines per 1000
 * of the dimension they cross (8 on 2000 px), and never fewer than `MIN_RUN`. Specks scattered
 * at random share a row or a column now and then (300 on 2000×2000: about 20 rows hold two),
 * and a JPEG smears each into a blob 2–4 px across; a product's lines come in one long run.
 */
export const RUN_PER_MILLE = 4;

/** The shortest run of counted lines that bounds the box. */
export const MIN_RUN = 2;

/**
 * With an alpha channel, the background is transparent when at least this share of the
 * ring's pixels are below `VISIBLE_ALPHA`.
 */
export const TRANSPARENT_RING_SHARE = 0.5;

/** The width of the border ring of a `width`×`height` image. */
export function ringWidth(width: number, height: number): number {
  return Math.max(1, Math.round(RING_SHARE * Math.min(width, height)));
}

/**
 * Measures `raster` against `background` (hex, the preset's colour), or against the ring's
 * most common colour when it is absent; a mostly transparent ring makes it transparent.
 */
export function measurePixels(raster: Raster, background: string | undefined): PixelMeasures {
  const ring = ringWidth(raster.width, raster.height);
  const reference = referenceOf(raster, ring, background);
  const pass = subjectPass(raster, reference);
  const subject = robustBox(pass.rowCounts, pass.columnCounts, raster.width, raster.height);
  const pixels = raster.width * raster.height;
  const nonSubject = pixels - pass.subjectPixels;
  return {
    background: reference === 'transparent' ? { kind: 'transparent' } : { kind: 'color', color: hexOf(reference) },
    subject,
    fill: subject ? Math.max(subject.width / raster.width, subject.height / raster.height) : 0,
    areaShare: subject ? (subject.width * subject.height) / pixels : 0,
    borderPurity: ringExactShare(raster, ring, reference),
    backgroundPurity: nonSubject === 0 ? 0 : pass.exactBackground / nonSubject,
    frame: findFrame(raster),
  };
}

type Reference = 'transparent' | Rgb;

function referenceOf(raster: Raster, ring: number, background: string | undefined): Reference {
  if (raster.channels === 4 && transparentRing(raster, ring)) return 'transparent';
  return background === undefined ? mostCommonRingColor(raster, ring) : rgbOf(background);
}

/** Calls `span(from, to)` for each run of ring pixels, by pixel index (`to` excluded). */
function forEachRingSpan(width: number, height: number, ring: number, span: (from: number, to: number) => void): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (y < ring || y >= height - ring || 2 * ring >= width) span(row, row + width);
    else {
      span(row, row + ring);
      span(row + width - ring, row + width);
    }
  }
}

function ringPixelCount(width: number, height: number, ring: number): number {
  let count = 0;
  forEachRingSpan(width, height, ring, (from, to) => (count += to - from));
  return count;
}

function transparentRing(raster: Raster, ring: number): boolean {
  const { data, width, height } = raster;
  let clear = 0;
  forEachRingSpan(width, height, ring, (from, to) => {
    for (let pixel = from; pixel < to; pixel++) if (data[pixel * 4 + 3]! < VISIBLE_ALPHA) clear++;
  });
  return clear >= TRANSPARENT_RING_SHARE * ringPixelCount(width, height, ring);
}

/** The ring's most common exact colour among its visible pixels (the lowest on a tie); white if none is visible. */
function mostCommonRingColor(raster: Raster, ring: number): Rgb {
  const { data, width, height, channels } = raster;
  const colors = new Uint32Array(ringPixelCount(width, height, ring));
  let count = 0;
  forEachRingSpan(width, height, ring, (from, to) => {
    for (let pixel = from; pixel < to; pixel++) {
      const at = pixel * channels;
      if (channels === 4 && data[at + 3]! < VISIBLE_ALPHA) continue;
      colors[count++] = (data[at]! << 16) | (data[at + 1]! << 8) | data[at + 2]!;
    }
  });
  const sorted = colors.subarray(0, count).sort();
  let best = 0xffffff;
  let bestRun = 0;
  for (let start = 0; start < count;) {
    let end = start + 1;
    while (end < count && sorted[end] === sorted[start]) end++;
    if (end - start > bestRun) [best, bestRun] = [sorted[start]!, end - start];
    start = end;
  }
  return best;
}

/**
 * The share of ring pixels exactly the reference: fully transparent (alpha 0) for a
 * transparent reference; else opaque (alpha 255) with R, G and B equal to it.
 */
function ringExactShare(raster: Raster, ring: number, reference: Reference): number {
  const { data, width, height, channels } = raster;
  let exact = 0;
  forEachRingSpan(width, height, ring, (from, to) => {
    for (let pixel = from; pixel < to; pixel++) if (isExactly(data, pixel * channels, channels, reference)) exact++;
  });
  return exact / ringPixelCount(width, height, ring);
}

function isExactly(data: Uint8Array, at: number, channels: number, reference: Reference): boolean {
  if (reference === 'transparent') return data[at + 3] === 0;
  if (channels === 4 && data[at + 3] !== 255) return false;
  return (
    data[at] === reference >> 16 && data[at + 1] === ((reference >> 8) & 0xff) && data[at + 2] === (reference & 0xff)
  );
}

interface SubjectPass {
  rowCounts: Uint32Array;
  columnCounts: Uint32Array;
  subjectPixels: number;
  /** Non-subject pixels exactly the reference. */
  exactBackground: number;
}

/**
 * Counts subject pixels per row and column. A subject pixel is visible (alpha ≥
 * `VISIBLE_ALPHA`) and, on a colour reference, differs from it by more than `DIFFERENCE` in
 * some channel. One loop, no call per pixel.
 */
function subjectPass(raster: Raster, reference: Reference): SubjectPass {
  const { data, width, height, channels } = raster;
  const rowCounts = new Uint32Array(height);
  const columnCounts = new Uint32Array(width);
  const transparent = reference === 'transparent';
  // |level − reference| > DIFFERENCE, as one unsigned comparison: (level − reference + D) >>> 0 > 2D.
  const [red, green, blue] = transparent
    ? [0, 0, 0]
    : [(reference >> 16) - DIFFERENCE, ((reference >> 8) & 0xff) - DIFFERENCE, (reference & 0xff) - DIFFERENCE];
  const span = 2 * DIFFERENCE;
  const exactColor = transparent ? -1 : reference;
  const alphaAt = channels === 4 ? 3 : -1;
  let subjectPixels = 0;
  let exactBackground = 0;
  let at = 0;
  for (let y = 0; y < height; y++) {
    let inRow = 0;
    for (let x = 0; x < width; x++, at += channels) {
      const alpha = alphaAt < 0 ? 255 : data[at + alphaAt]!;
      const r = data[at]!;
      const g = data[at + 1]!;
      const b = data[at + 2]!;
      // The exact background first: on a white backdrop most pixels are, and one comparison settles them.
      if (alpha === 255 && ((r << 16) | (g << 8) | b) === exactColor) {
        exactBackground++;
        continue;
      }
      const subject =
        alpha >= VISIBLE_ALPHA &&
        (transparent || (r - red) >>> 0 > span || (g - green) >>> 0 > span || (b - blue) >>> 0 > span);
      if (subject) {
        inRow++;
        columnCounts[x]!++;
      } else if (transparent && alpha === 0) exactBackground++;
    }
    rowCounts[y] = inRow;
    subjectPixels += inRow;
  }
  return { rowCounts, columnCounts, subjectPixels, exactBackground };
}

/** The least count a line of `length` pixels needs to bound the box. */
export function minimumLineCount(length: number): number {
  return Math.max(MIN_LINE_COUNT, Math.round((LINE_COUNT_PER_MILLE * length) / 1000));
}

/** The fewest consecutive counted lines that bound the box, across a dimension of `length` pixels. */
export function minimumRun(length: number): number {
  return Math.max(MIN_RUN, Math.round((RUN_PER_MILLE * length) / 1000));
}

/**
 * From the first to the last row (column) with enough subject pixels, counting only runs of
 * such lines long enough; null when there is none.
 */
function robustBox(rowCounts: Uint32Array, columnCounts: Uint32Array, width: number, height: number) {
  const rows = countedSpan(rowCounts, minimumLineCount(width), minimumRun(height));
  const columns = countedSpan(columnCounts, minimumLineCount(height), minimumRun(width));
  if (!rows || !columns) return null;
  return {
    left: columns.first,
    top: rows.first,
    width: columns.last - columns.first + 1,
    height: rows.last - rows.first + 1,
  };
}

/** The first line of the first run of at least `run` lines counting `least` or more, and the last line of the last. */
function countedSpan(counts: Uint32Array, least: number, run: number): { first: number; last: number } | null {
  let first = -1;
  let last = -1;
  let runStart = -1;
  for (let line = 0; line <= counts.length; line++) {
    if (line < counts.length && counts[line]! >= least) {
      if (runStart < 0) runStart = line;
      continue;
    }
    if (runStart >= 0 && line - runStart >= run) {
      if (first < 0) first = runStart;
      last = line - 1;
    }
    runStart = -1;
  }
  return first < 0 ? null : { first, last };
}
