/**
 * The stand-in cutout's colour key: the subject is whatever differs from the backdrop colour
 * found on the image border. Works for a product on a plain backdrop; on a busy photograph
 * it keeps little or nothing.
 */
import type { Raster } from './raster.js';

export interface Key {
  mask: Buffer;
  /** Pixels the key was unsure about (on the soft ramp). */
  ambiguous: number;
  /** How much the border itself varies (90th percentile of its distance to the backdrop colour). */
  noise: number;
}

/**
 * Chroma-key style cutout against the backdrop colour (the median of the image border):
 * background is what is close to that colour AND connected to the border (a flood fill, so
 * light parts inside the subject survive), plus large enclosed areas of pure backdrop colour
 * (the hole of a mug handle). Between the two thresholds the alpha ramps, for soft edges.
 */
export function keyBackground(image: Raster): Key {
  const { width, height, data, channels } = image;
  const pixels = width * height;
  const ring = Math.max(1, Math.round(Math.min(width, height) * 0.01));
  const border: number[] = [];
  for (let y = 0; y < height; y++) {
    const inRing = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (inRing || x < ring || x >= width - ring) border.push(y * width + x);
      else if (x === ring) x = width - ring - 1;
    }
  }

  // A one-channel raster reads the next two levels as green and blue: 0 past its end.
  const levels = channels === 1 ? Buffer.concat([data, Buffer.alloc(2)]) : data;
  const backdrop = [0, 1, 2].map((c) => medianLevel(border, (i) => levels[i * channels + c]!));
  const [br = 0, bg = 0, bb = 0] = backdrop;
  const distanceOf = (i: number) => distanceAt(levels, i * channels, br, bg, bb);
  const noise = percentile(border.map(distanceOf), 0.9);
  const low = Math.max(16, noise * 1.5 + 8);
  const high = low + 48;

  // One byte per pixel holds all the fills and counts need (the few ramp pixels compute their
  // distance again for their alpha): one read tells whether a fill may enter a pixel.
  const states = zonesOf(levels, channels, pixels, backdrop, low, high);
  flood(border, states, FAR | BACKGROUND, BACKGROUND, width, height);
  // Only the holes' pixels are listed: pages of this array that no hole reaches are never touched.
  const filled = new Int32Array(pixels);
  const minHole = Math.max(64, pixels * 0.005);
  for (let i = 0; i < pixels; i++) {
    // Seeds: near pixels neither background nor in an area already looked at.
    if (states[i] !== NEAR) continue;
    const size = flood([i], states, FAR | BACKGROUND | SEEN, SEEN, width, height, filled);
    if (size < minHole) continue;
    // A hole is mostly backdrop.
    let backdropLike = 0;
    for (let k = 0; k < size; k++) if ((states[filled[k]!]! & ZONE) === NEAR) backdropLike++;
    if (backdropLike * 2 >= size) for (let k = 0; k < size; k++) states[filled[k]!]! |= BACKGROUND;
  }

  const mask = Buffer.alloc(pixels, 255);
  let ambiguous = 0;
  for (let i = 0; i < pixels; i++) {
    const state = states[i]!;
    if (!(state & BACKGROUND)) continue;
    // A near pixel is below `low` whatever its distance: only ramp pixels need it again.
    const d = (state & ZONE) === NEAR ? 0 : distanceOf(i);
    if (d <= low) mask[i] = 0;
    else {
      mask[i] = Math.round(((d - low) / (high - low)) * 255);
      ambiguous++;
    }
  }
  return { mask, ambiguous, noise };
}

/**
 * A pixel's state, in bits. Its zone: its distance to the backdrop is below `low`, on the
 * alpha ramp (below `high`), or beyond; whether it is background, and whether a search for
 * holes has been through it.
 */
const ZONE = 0b11;
const NEAR = 0;
const RAMP = 1;
const FAR = 2;
const BACKGROUND = 0b100;
const SEEN = 0b1000;

/** Each pixel's zone: its distance to `backdrop` below `low`, below `high`, or beyond. */
function zonesOf(
  levels: Uint8Array,
  channels: number,
  pixels: number,
  [red = 0, green = 0, blue = 0]: readonly number[],
  low: number,
  high: number,
): Uint8Array {
  const zones = new Uint8Array(pixels);
  for (let i = 0, at = 0; i < pixels; i++, at += channels) {
    const d = distanceAt(levels, at, red, green, blue);
    zones[i] = d < low ? NEAR : d < high ? RAMP : FAR;
  }
  return zones;
}

/** The distance from the colour at byte `at` of `levels` to a colour, rounded to a Float32. */
function distanceAt(levels: Uint8Array, at: number, red: number, green: number, blue: number): number {
  const dr = levels[at]! - red;
  const dg = levels[at + 1]! - green;
  const db = levels[at + 2]! - blue;
  return Math.fround(Math.sqrt(dr * dr + dg * dg + db * db));
}

/**
 * 4-connected flood fill from `seeds` over the pixels whose state has none of the `blocked`
 * bits. Sets their `mark` bit, lists them at the head of `filled` if given and returns their count.
 * Fills a row's whole run at once and looks above and below it for runs to fill next: a pixel
 * at a time (4 neighbour tests each) cost most of the key.
 */
function flood(
  seeds: readonly number[],
  states: Uint8Array,
  blocked: number,
  mark: number,
  width: number,
  height: number,
  filled?: Int32Array,
): number {
  const open = (i: number) => (states[i]! & blocked) === 0;
  const pending = [...seeds];
  /** Queues the first pixel of each open run from `from` to `to`, in one row. */
  const queueRuns = (from: number, to: number) => {
    let inRun = false;
    for (let i = from; i <= to; i++) {
      const isOpen = open(i);
      if (isOpen && !inRun) pending.push(i);
      inRun = isOpen;
    }
  };
  const lastRow = (height - 1) * width;
  let count = 0;
  while (pending.length > 0) {
    const seed = pending.pop()!;
    if (!open(seed)) continue;
    const rowStart = seed - (seed % width);
    let left = seed;
    while (left > rowStart && open(left - 1)) left--;
    let right = seed;
    while (right < rowStart + width - 1 && open(right + 1)) right++;
    for (let i = left; i <= right; i++) states[i]! |= mark;
    if (filled) for (let i = left; i <= right; i++) filled[count + i - left] = i;
    count += right - left + 1;
    if (rowStart > 0) queueRuns(left - width, right - width);
    if (rowStart < lastRow) queueRuns(left + width, right + width);
  }
  return count;
}

/** The median of the levels (0 to 255) of `pixels`, counted in 256 bins rather than sorted; 0 for none. */
function medianLevel(pixels: readonly number[], levelOf: (i: number) => number): number {
  if (pixels.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (const i of pixels) counts[levelOf(i)]!++;
  // The level at place ⌊n/2⌋ (from 0) of the levels sorted: the first whose count reaches past it.
  const place = Math.floor(pixels.length / 2);
  let level = 0;
  for (let upTo = counts[0]!; upTo <= place; upTo += counts[level]!) level++;
  return level;
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  return select(Float64Array.from(values), Math.min(values.length - 1, Math.floor(values.length * fraction)));
}

/**
 * The value at place `k` (from 0) of `values` sorted, found without sorting them (Hoare's
 * quickselect: linear on average, where a sort of the border cost more than the rest of the key).
 * Reorders `values`.
 */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swapped = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swapped;
      }
    }
    // Now [left, j] <= pivot <= [i, right], and anything between equals the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return pivot;
  }
  return values[k]!;
}
