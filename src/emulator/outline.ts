/**
 * Stand-in for the outline (`outline.color`, `outline.width`, `outline.blurRadius`): the
 * placed subject's silhouette grown by the width (a ratio of the canvas's longer side),
 * softened by the blur radius (the same ratio), filled with the colour and drawn under the
 * subject. Geometry, as the real outline is.
 */
import sharp from 'sharp';
import type { Rgba } from '../params/color.js';
import type { Size } from './layout.js';
import { alphaOf, type Raster, toMask, withAlpha } from './raster.js';
import type { PlacedLayer } from './shadow.js';

export interface Outline {
  color: Rgba;
  /** Ratios of the canvas's longer side: 0.03 draws a line 3% as thick. */
  width: number;
  blurRadius: number;
}

export async function outlineLayer(layer: PlacedLayer, canvas: Size, outline: Outline): Promise<Raster | null> {
  const side = Math.max(canvas.width, canvas.height);
  const grow = Math.round(outline.width * side);
  const sigma = outline.blurRadius * side;
  if (grow < 1 && sigma < 0.3) return null;
  const { width, height } = layer.raster;
  // The silhouette where the subject is drawn, on a canvas-sized mask.
  const raw = { raw: { width: canvas.width, height: canvas.height, channels: 1 } } as const;
  let mask = sharp({ create: { width: canvas.width, height: canvas.height, channels: 3, background: 'black' } })
    .composite([
      { input: alphaOf(layer.raster), raw: { width, height, channels: 1 }, left: layer.left, top: layer.top },
    ])
    .toColourspace('b-w');
  mask = sharp(await toMask(mask), raw);
  // Grown by a blur, then a low threshold (its own pass: sharp thresholds before it blurs): an
  // edge's blur stays above 3 of 255 out to twice its sigma.
  if (grow >= 1)
    mask = sharp(await toMask(sharp(await toMask(mask.blur(Math.max(0.3, grow / 2))), raw).threshold(3)), raw);
  if (sigma >= 0.3) mask = mask.blur(sigma);
  const alpha = await toMask(mask.linear(outline.color.alpha / 255, 0));
  const { r, g, b } = outline.color;
  const fill = Buffer.alloc(canvas.width * canvas.height * 3);
  for (let i = 0; i < fill.length; i += 3) [fill[i], fill[i + 1], fill[i + 2]] = [r, g, b];
  return withAlpha({ data: fill, width: canvas.width, height: canvas.height, channels: 3 }, alpha);
}
