/**
 * The generative features the emulator cannot imitate (a virtual model, a ghost mannequin, a
 * flat lay, edit with AI, ironing): the answer is the usual edit of the input, with a banner
 * naming each feature asked for drawn across its foot, and the same names in a header, so
 * that nobody mistakes it for the feature's result. Never a blank answer. A feature that
 * generates at a size of its own (`ghostMannequin.size`: PORTRAIT_HD_4_3, ...) gives the
 * canvas that shape, which the emulator can do honestly; not the HD pixel counts, which the
 * contract does not state.
 */
import sharp from 'sharp';
import type { Size } from './layout.js';
import { fromRaster, type Raster, toRaster } from './raster.js';

/** Names the features an answer only stands in for; not a `pr-` header, as the real API has none. */
export const STAND_IN_HEADER = 'x-emulator-stand-in';

/** The mode parameter of each generative feature, its name on the banner, and its size parameter if it has one. */
const GENERATIVE: readonly (readonly [mode: string, feature: string, size?: string])[] = [
  ['virtualModel.mode', 'virtual model', 'virtualModel.size'],
  ['ghostMannequin.mode', 'ghost mannequin', 'ghostMannequin.size'],
  ['flatLay.mode', 'flat lay', 'flatLay.size'],
  ['editWithAI.mode', 'edit with AI'],
  ['describeAnyChange.mode', 'describe any change'],
  ['ironing.mode', 'ironing'],
];

/** The generative features a request asks for, by the presence of their mode. */
export function generativeFeatures(has: (name: string) => boolean): string[] {
  return GENERATIVE.filter(([mode]) => has(mode)).map(([, feature]) => feature);
}

/** The size parameter of the first feature asked for (in the banner's order) that has one. */
export function generatedSizeParam(has: (name: string) => boolean): string | undefined {
  return GENERATIVE.find(([mode, , size]) => size !== undefined && has(mode))?.[2];
}

/** The shape a size value names, width to height: `PORTRAIT_HD_4_3` is 3:4, `LANDSCAPE_HD_16_9` 16:9, `SQUARE_HD` 1:1. */
export function aspectOf(size: string): Size {
  const named = /^(PORTRAIT|LANDSCAPE)_HD_(\d+)_(\d+)$/.exec(size);
  if (!named) return { width: 1, height: 1 };
  const [long, short] = [Number(named[2]), Number(named[3])];
  return named[1] === 'PORTRAIT' ? { width: short, height: long } : { width: long, height: short };
}

/** `canvas` given the shape `aspect`, keeping its longer side. */
export function shapedCanvas(canvas: Size, aspect: Size): Size {
  const side = Math.max(canvas.width, canvas.height);
  if (aspect.width >= aspect.height)
    return { width: side, height: Math.max(1, Math.round((side * aspect.height) / aspect.width)) };
  return { width: Math.max(1, Math.round((side * aspect.width) / aspect.height)), height: side };
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
  return toRaster(
    fromRaster(canvas).composite([
      { input: await sharp(Buffer.from(svg)).png().toBuffer(), left: 0, top: height - band },
    ]),
  );
}
