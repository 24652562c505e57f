/**
 * Background layers of `/v2/edit`: a supplied image (fill = cover, fit = contain), or the
 * stand-in for an AI-generated background: a studio-like backdrop (wall and floor gradients
 * under a soft light) whose colours come from the seed, not from understanding the prompt.
 */
import sharp from 'sharp';
import { decodeImage, EDIT_FORMATS } from './decode.js';
import type { Size } from './layout.js';
import { fromRaster, type Raster, toRaster } from './raster.js';
import { seededRandom } from './seed.js';

type Rgb = [number, number, number];
/** Wall top and bottom, floor top and bottom. */
type Palette = [Rgb, Rgb, Rgb, Rgb];

export async function imageBackground(bytes: Buffer, canvas: Size, scaling: 'fit' | 'fill'): Promise<Raster> {
  const image = await decodeImage(bytes, EDIT_FORMATS, 'The background image');
  return toRaster(
    fromRaster(image).resize(canvas.width, canvas.height, {
      fit: scaling === 'fit' ? 'contain' : 'cover',
      background: { r: 0, g: 0, b: 0, alpha: 0 },
    }),
  );
}

export interface Guidance {
  image: Buffer;
  /** `background.guidance.scale`: 0 ignores the guidance image, 1 follows its colours fully. */
  scale: number;
}

/** The generated background for a seed; a guidance image pulls its colours toward its own. */
export async function generatedBackground(canvas: Size, seed: number, guidance?: Guidance): Promise<Raster> {
  const random = seededRandom(seed);
  const hue = random() * 360;
  const saturation = 0.2 + random() * 0.3;
  const base: Palette = [
    hsl(hue, saturation, 0.88),
    hsl(hue + 12, saturation, 0.74),
    hsl(hue + 150 + random() * 60, saturation * 0.8, 0.62),
    hsl(hue + 150, saturation * 0.8, 0.46),
  ];
  const [wallTop, wallBottom, floorTop, floorBottom] = (
    guidance ? towards(base, await meanColour(guidance.image), guidance.scale) : base
  ).map(css);
  const horizon = Math.round(canvas.height * (0.58 + random() * 0.14));
  const lightX = (0.3 + random() * 0.4).toFixed(3);
  const { width, height } = canvas;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${wallTop}"/><stop offset="1" stop-color="${wallBottom}"/></linearGradient>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${floorTop}"/><stop offset="1" stop-color="${floorBottom}"/></linearGradient>
    <radialGradient id="light" cx="${lightX}" cy="0.3" r="0.7"><stop offset="0" stop-color="white" stop-opacity="0.45"/><stop offset="1" stop-color="white" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="${width}" height="${horizon}" fill="url(#wall)"/>
  <rect y="${horizon}" width="${width}" height="${height - horizon}" fill="url(#floor)"/>
  <rect width="${width}" height="${height}" fill="url(#light)"/>
</svg>`;
  return toRaster(sharp(Buffer.from(svg)).ensureAlpha());
}

async function meanColour(bytes: Buffer): Promise<Rgb> {
  const image = await decodeImage(bytes, EDIT_FORMATS, 'The guidance image');
  const { channels } = await fromRaster(image).stats();
  const [r, g, b] = channels.map((channel) => channel.mean);
  return [r ?? 0, g ?? 0, b ?? 0];
}

function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const h = (((hue % 360) + 360) % 360) / 60;
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const m = lightness - chroma / 2;
  const sectors: Rgb[] = [
    [chroma, x, 0],
    [x, chroma, 0],
    [0, chroma, x],
    [0, x, chroma],
    [x, 0, chroma],
    [chroma, 0, x],
  ];
  const [r, g, b] = sectors[Math.min(5, Math.floor(h))] ?? [0, 0, 0];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

/** Moves each colour of the palette toward a shade of `target` (lighter at the top). */
function towards(palette: Palette, target: Rgb, weight: number): Palette {
  const mix = (colour: Rgb, factor: number): Rgb => [
    colour[0] + (Math.min(255, target[0] * factor) - colour[0]) * weight,
    colour[1] + (Math.min(255, target[1] * factor) - colour[1]) * weight,
    colour[2] + (Math.min(255, target[2] * factor) - colour[2]) * weight,
  ];
  return [mix(palette[0], 1.15), mix(palette[1], 1.03), mix(palette[2], 0.91), mix(palette[3], 0.79)];
}

function css(colour: Rgb): string {
  return `rgb(${colour.map((value) => Math.round(Math.max(0, Math.min(255, value)))).join(',')})`;
}
