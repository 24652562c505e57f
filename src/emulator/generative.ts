/**
 * The generative features the emulator cannot imitate (a virtual model, a ghost mannequin, a
 * flat lay, edit with AI, ironing): the answer is the usual edit of the input, with a banner
 * naming each feature asked for drawn across its foot, and the same names in a header, so
 * that nobody mistakes it for the feature's result. Never a blank answer.
 */
import sharp from 'sharp';
import type { Size } from './layout.js';
import { fromRaster, type Raster, toRaster } from './raster.js';

/** Names the features an answer only stands in for; not a `pr-` header, as the real API has none. */
export const STAND_IN_HEADER = 'x-emulator-stand-in';

/** The mode parameter of each generative feature, and its name on the banner. */
const GENERATIVE: readonly (readonly [mode: string, feature: string])[] = [
  ['virtualModel.mode', 'virtual model'],
  ['ghostMannequin.mode', 'ghost mannequin'],
  ['flatLay.mode', 'flat lay'],
  ['editWithAI.mode', 'edit with AI'],
  ['describeAnyChange.mode', 'describe any change'],
  ['ironing.mode', 'ironing'],
];

/** The generative features a request asks for, by the presence of their mode. */
export function generativeFeatures(has: (name: string) => boolean): string[] {
  return GENERATIVE.filter(([mode]) => has(mode)).map(([, feature]) => feature);
}

/** The banner text: fixed words only, nothing from the request, so it needs no escaping. */
export function standInText(features: readonly string[]): string {
  return `emulator stand-in for: ${features.join(', ')}`;
}

/** The canvas with a dark banner across its foot that names the features. */
export async function withBanner(canvas: Raster, features: readonly string[]): Promise<Raster> {
  const { width, height }: Size = canvas;
  const band = Math.max(1, Math.min(height, Math.round(Math.max(12, height * 0.08))));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${band}">` +
    `<rect width="${width}" height="${band}" fill="black" fill-opacity="0.65"/>` +
    `<text x="${band * 0.3}" y="${band * 0.7}" font-family="sans-serif" font-size="${band * 0.55}" fill="white">${standInText(features)}</text></svg>`;
  return toRaster(fromRaster(canvas).composite([{ input: await sharp(Buffer.from(svg)).png().toBuffer(), left: 0, top: height - band }]));
}
