/**
 * Measures a rendered image the way a marketplace judges it, for tests: the purity of its
 * border ring and its subject's box, on the raw decoded pixels. A figure of the tests' own,
 * kept apart from `photoroom check` (src/check/), so that each can catch the other's mistake.
 */
import sharp from 'sharp';
import type { Box } from '../../src/emulator/layout.js';

export interface Measured {
  width: number;
  height: number;
  format: string | undefined;
  /** Pixels of the border ring (the outermost `ringShare` of the shorter side) not exactly the background. */
  impureRing: number;
  /** The box of the pixels farther than `tolerance` levels from the background on some channel (alpha, on a transparent one). */
  subject: Box | null;
  /** The box's longest side over the frame's matching side: the subject's fill. */
  fill: number;
}

export interface MeasureOptions {
  /** The background as RGB, or `transparent` to judge by alpha alone. */
  background: readonly [number, number, number] | 'transparent';
  ringShare?: number;
  tolerance?: number;
}

export async function measure(body: Buffer, options: MeasureOptions): Promise<Measured> {
  const { background, ringShare = 0.01, tolerance = 24 } = options;
  const { format } = await sharp(body).metadata();
  const { data, info } = await sharp(body).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const ring = Math.max(1, Math.round(Math.min(width, height) * ringShare));
  // Transparent: colour is not judged, and exact means alpha 0; otherwise alpha must be 255.
  const [r, g, b] = background === 'transparent' ? [-1, -1, -1] : background;
  const exactAlpha = background === 'transparent' ? 0 : 255;
  const isExact = (at: number) =>
    data[at + 3] === exactAlpha && (r < 0 || (data[at] === r && data[at + 1] === g && data[at + 2] === b));
  const isSubject = (at: number) =>
    r < 0
      ? (data[at + 3] ?? 0) > tolerance
      : Math.abs((data[at] ?? 0) - r) > tolerance ||
        Math.abs((data[at + 1] ?? 0) - g) > tolerance ||
        Math.abs((data[at + 2] ?? 0) - b) > tolerance;
  let impureRing = 0;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    // The ring: whole rows at the top and bottom, the first and last `ring` pixels of the others.
    const ringRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x = ringRow || x !== ring - 1 ? x + 1 : width - ring)
      if (!isExact(row + x * 4)) impureRing++;
    // The box: a row's first and last subject pixels, found from each end (most of a row lies between).
    let first = 0;
    while (first < width && !isSubject(row + first * 4)) first++;
    if (first === width) continue;
    let last = width - 1;
    while (!isSubject(row + last * 4)) last--;
    left = Math.min(left, first);
    right = Math.max(right, last);
    top = Math.min(top, y);
    bottom = y;
  }
  const subject = right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
  const fill = subject ? Math.max(subject.width / width, subject.height / height) : 0;
  return { width, height, format, impureRing, subject, fill };
}
