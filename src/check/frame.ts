/**
 * A drawn border around the picture (for "no borders" rules): on each side, outer lines of
 * one colour, as thick as a frame is, ending in a line the picture fills.
 */
import { DIFFERENCE, hexOf, VISIBLE_ALPHA, type Raster, type Rgb } from './raster.js';

export interface Frame {
  /** Upper-case hex: the top side's colour. */
  color: string;
  /** In pixels: the thinnest side's. */
  thickness: number;
}

/** A line belongs to a frame when at least this share of its pixels are within `DIFFERENCE` of the side's colour. */
export const FRAME_LINE_SHARE = 0.98;

/** A frame is at least this many lines thick on every side. */
export const FRAME_MIN_THICKNESS = 2;

/** A frame is at most this share of the dimension it is measured along, on every side. */
export const FRAME_MAX_SHARE = 0.15;

/**
 * The line just inside a frame (or the next one) has at most this share of its pixels within
 * `DIFFERENCE` of the frame's colour: the picture starts there. A product on a plain backdrop is no frame: the
 * first line that touches it is still mostly backdrop.
 */
export const FRAME_INNER_SHARE = 0.5;

/** One side's lines: where line 0 starts, the step from line to line and along a line (in bytes), and lengths. */
interface Side {
  start: number;
  inward: number;
  along: number;
  length: number;
  /** The dimension the thickness is measured along. */
  depth: number;
}

function sidesOf({ width, height, channels }: Raster): Side[] {
  const row = width * channels;
  return [
    { start: 0, inward: row, along: channels, length: width, depth: height },
    { start: (height - 1) * row, inward: -row, along: channels, length: width, depth: height },
    { start: 0, inward: channels, along: row, length: height, depth: width },
    { start: (width - 1) * channels, inward: -channels, along: row, length: height, depth: width },
  ];
}

/** The frame around `raster`, or null: every side between the thickness bounds, one colour, and the picture just inside. */
export function findFrame(raster: Raster): Frame | null {
  let color: Rgb | undefined;
  let thickness = Infinity;
  for (const side of sidesOf(raster)) {
    const sideColor = medianColor(raster, side.start, side.along, side.length);
    if (color !== undefined && !near(color, sideColor)) return null;
    color ??= sideColor;
    const most = Math.floor(FRAME_MAX_SHARE * side.depth);
    let lines = 0;
    while (lines <= most && shareNear(raster, side, lines, sideColor) >= FRAME_LINE_SHARE) lines++;
    if (lines < FRAME_MIN_THICKNESS || lines > most) return null;
    // The picture starts at the line just inside, or the next: JPEG's chroma subsampling and
    // ringing smear a sharp edge over two lines.
    const inside = Math.min(shareNear(raster, side, lines, sideColor), shareNear(raster, side, lines + 1, sideColor));
    if (inside > FRAME_INNER_SHARE) return null;
    thickness = Math.min(thickness, lines);
  }
  return color === undefined ? null : { color: hexOf(color), thickness };
}

/** The share of line `depth` of `side` within `DIFFERENCE` of `color` (invisible pixels never are). */
function shareNear(raster: Raster, side: Side, depth: number, color: Rgb): number {
  const { data, channels } = raster;
  const [red, green, blue] = [color >> 16, (color >> 8) & 0xff, color & 0xff];
  let near = 0;
  let at = side.start + depth * side.inward;
  for (let step = 0; step < side.length; step++, at += side.along) {
    if (channels === 4 && data[at + 3]! < VISIBLE_ALPHA) continue;
    if (
      Math.abs(data[at]! - red) <= DIFFERENCE &&
      Math.abs(data[at + 1]! - green) <= DIFFERENCE &&
      Math.abs(data[at + 2]! - blue) <= DIFFERENCE
    )
      near++;
  }
  return near / side.length;
}

/** Each channel's median over one line: a colour that a few odd pixels don't move. */
function medianColor(raster: Raster, start: number, along: number, length: number): Rgb {
  const histogram = new Uint32Array(3 * 256);
  for (let step = 0, at = start; step < length; step++, at += along)
    for (let channel = 0; channel < 3; channel++) histogram[channel * 256 + raster.data[at + channel]!]!++;
  let color = 0;
  for (let channel = 0; channel < 3; channel++) {
    let seen = 0;
    let level = 0;
    while ((seen += histogram[channel * 256 + level]!) * 2 < length) level++;
    color = (color << 8) | level;
  }
  return color;
}

function near(one: Rgb, other: Rgb): boolean {
  for (let shift = 0; shift <= 16; shift += 8)
    if (Math.abs(((one >> shift) & 0xff) - ((other >> shift) & 0xff)) > DIFFERENCE) return false;
  return true;
}
