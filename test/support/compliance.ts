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
  let impureRing = 0;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0, at = 0; y < height; y++) {
    const ringRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++, at += 4) {
      const alpha = data[at + 3] ?? 0;
      const red = data[at] ?? 0;
      const green = data[at + 1] ?? 0;
      const blue = data[at + 2] ?? 0;
      if (ringRow || x < ring || x >= width - ring) {
        const exact = alpha === exactAlpha && (r < 0 || (red === r && green === g && blue === b));
        if (!exact) impureRing++;
      }
      const subject =
        r < 0
          ? alpha > tolerance
          : Math.abs(red - r) > tolerance || Math.abs(green - g) > tolerance || Math.abs(blue - b) > tolerance;
      if (!subject) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  const subject = right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
  const fill = subject ? Math.max(subject.width / width, subject.height / height) : 0;
  return { width, height, format, impureRing, subject, fill };
}
