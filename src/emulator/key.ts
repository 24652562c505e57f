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

  const backdrop = [0, 1, 2].map((c) => median(border.map((i) => data[i * channels + c] ?? 0)));
  const [br = 0, bg = 0, bb = 0] = backdrop;
  const distance = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const at = i * channels;
    const dr = (data[at] ?? 0) - br;
    const dg = (data[at + 1] ?? 0) - bg;
    const db = (data[at + 2] ?? 0) - bb;
    distance[i] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  const noise = percentile(
    border.map((i) => distance[i] ?? 0),
    0.9,
  );
  const low = Math.max(16, noise * 1.5 + 8);
  const high = low + 48;

  const background = new Uint8Array(pixels);
  const queue = new Int32Array(pixels);
  flood(border, (i) => (distance[i] ?? Infinity) < high, background, queue, width, height);
  const minHole = Math.max(64, pixels * 0.005);
  const seen = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    if (background[i] || seen[i] || (distance[i] ?? Infinity) >= low) continue;
    const size = flood([i], (j) => !background[j] && (distance[j] ?? Infinity) < high, seen, queue, width, height);
    if (size < minHole) continue;
    // The fill leaves the area's pixels at the head of the queue. A hole is mostly backdrop.
    let backdropLike = 0;
    for (let k = 0; k < size; k++) if ((distance[queue[k] ?? 0] ?? Infinity) < low) backdropLike++;
    if (backdropLike * 2 >= size) for (let k = 0; k < size; k++) background[queue[k] ?? 0] = 1;
  }

  const mask = Buffer.alloc(pixels, 255);
  let ambiguous = 0;
  for (let i = 0; i < pixels; i++) {
    if (!background[i]) continue;
    const d = distance[i] ?? 0;
    if (d <= low) mask[i] = 0;
    else {
      mask[i] = Math.round(((d - low) / (high - low)) * 255);
      ambiguous++;
    }
  }
  return { mask, ambiguous, noise };
}

/** 4-connected flood fill from `seeds` over pixels passing `inside`; marks them 1, returns the count. */
function flood(
  seeds: readonly number[],
  inside: (i: number) => boolean,
  marks: Uint8Array,
  queue: Int32Array,
  width: number,
  height: number,
): number {
  let head = 0;
  let tail = 0;
  const visit = (i: number) => {
    if (marks[i] || !inside(i)) return;
    marks[i] = 1;
    queue[tail++] = i;
  };
  for (const seed of seeds) visit(seed);
  while (head < tail) {
    const i = queue[head++] ?? 0;
    const x = i % width;
    if (x > 0) visit(i - 1);
    if (x < width - 1) visit(i + 1);
    if (i >= width) visit(i - width);
    if (i < (height - 1) * width) visit(i + width);
  }
  return tail;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}
