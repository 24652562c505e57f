/**
 * The measurements read from the pixels: what the background is (`ring.ts`), the subject's box
 * (`box.ts`), how much of the frame it fills, how pure the background is, and a drawn frame
 * (`frame.ts`). Passes over the ring and one tight pass over the whole raster; nothing
 * image-sized is allocated.
 */
import { robustBox, type SubjectBox } from './box.js';
import { findFrame, type Frame } from './frame.js';
import { DIFFERENCE, hexOf, VISIBLE_ALPHA, type Raster } from './raster.js';
import { referenceOf, ringExactShare, ringWidth, type Reference } from './ring.js';

export interface PixelMeasures {
  /** What the subject was told apart from. */
  background: { kind: 'transparent' } | { kind: 'color'; color: string };
  /** Null: no subject found. */
  subject: SubjectBox | null;
  /** The box's side over the frame's matching side, the larger of the two; 0 with no subject. */
  fill: number;
  /** Box area over frame area; 0 with no subject. */
  areaShare: number;
  /**
   * Share of the border ring's pixels that are exactly the background: opaque (alpha 255) with
   * R, G and B equal to it; on a transparent background, alpha 0.
   */
  borderPurity: number;
  /** Share of the pixels that are not subject pixels (the whole image) that are exactly the background; 0 if none. */
  backgroundPurity: number;
  /** A drawn border around the picture, or null. */
  frame: Frame | null;
  /** Set when the image was too large to decode whole: measured on every k-th pixel of every k-th row. */
  sampledEvery?: number;
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
