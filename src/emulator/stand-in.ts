/**
 * How the emulator says that its cutout is a stand-in (cutout.ts), not Photoroom's model: a
 * header on every answer built on a cutout, and a note when `photoroom emulator` starts.
 * Free of sharp, so that the server can load it before any rendering.
 */
import type { Cutout, CutoutMethod } from './cutout.js';

/** Names the cutout's method; not a `pr-` header, as the real API has no such thing. */
export const CUTOUT_HEADER = 'x-emulator-cutout';

export const STAND_IN_NOTICE =
  "note: the emulator's cutout is a stand-in, not Photoroom's model: a colour key off the image border, " +
  'or the whole frame when that finds no clear subject, which /v2/edit then lays out as the subject ' +
  'with the requested padding, size and background ' +
  `(each answer's ${CUTOUT_HEADER} and x-uncertainty-score say which)`;

const STAND_IN = "emulator stand-in, not Photoroom's model";

/** Each method's explanation in the header: what the answer is, where its name alone does not say it. */
const EXPLAINED: Record<CutoutMethod, string> = {
  'image-alpha': STAND_IN,
  'border-key': STAND_IN,
  'whole-frame': `no subject found, so the whole frame is the subject; ${STAND_IN}`,
};

export function cutoutHeaders(cut: Cutout): Record<string, string> {
  return {
    'x-uncertainty-score': cut.uncertainty.toFixed(2),
    [CUTOUT_HEADER]: `${cut.method} (${EXPLAINED[cut.method]})`,
  };
}
