/**
 * How the emulator says that its cutout is a stand-in (cutout.ts), not Photoroom's model: a
 * header on every answer built on a cutout, and a note when `photoroom emulator` starts.
 * Free of sharp, so that the server can load it before any rendering.
 */
import type { Cutout } from './cutout.js';

/** Names the cutout's method; not a `pr-` header, as the real API has no such thing. */
export const CUTOUT_HEADER = 'x-emulator-cutout';

export const STAND_IN_NOTICE =
  "note: the emulator's cutout is a stand-in, not Photoroom's model: a colour key off the image border, " +
  `or the whole frame when that finds no clear subject (each answer's ${CUTOUT_HEADER} and x-uncertainty-score say which)`;

export function cutoutHeaders(cut: Cutout): Record<string, string> {
  return {
    'x-uncertainty-score': cut.uncertainty.toFixed(2),
    [CUTOUT_HEADER]: `${cut.method} (emulator stand-in, not Photoroom's model)`,
  };
}
