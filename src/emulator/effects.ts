/**
 * Cheap, deterministic stand-ins for Photoroom's AI operations on the input image (upscale,
 * relighting, text removal, beautifier, uncrop, despill). None of them is the real model;
 * each is a plain libvips operation with a plausibly similar visible effect.
 */
import { subjectBox } from './cutout.js';
import type { Box } from './layout.js';
import { alphaOf, fromRaster, maskRaster, type Raster, toMask, toRaster } from './raster.js';
import { RenderRefusal } from './refusal.js';
import {
  pixelCount,
  UPSCALE_MAX_PIXELS,
  withinPixels,
  type UpscaleMode,
  type UpscaleRequest,
} from '../inputs/formats.js';
import { seededRandom } from './seed.js';

/** An image with its cutout mask and the subject box in it, as they go through the pipeline. */
export interface Scene {
  image: Raster;
  mask: Buffer;
  subject: Box | null;
}

/** How much each mode enlarges; its input limits are the API's (UPSCALE_MAX_PIXELS). */
const UPSCALE_FACTOR: Readonly<Record<UpscaleMode, number>> = { 'ai.fast': 2, 'ai.slow': 4 };

/** The enlargement the contract's `skipUpscaleIfNotNeeded` reckons with ("the 4x upscaled result"), whatever the mode. */
const CONTRACT_UPSCALE_FACTOR = 4;

export type { UpscaleMode };

/** What the upscaler does with an input: upscale it as it is, downscale it first to `to`, or leave it at its size. */
export type UpscalePlan =
  { kind: 'upscale' } | { kind: 'downscale'; to: { width: number; height: number } } | { kind: 'skip' };

/**
 * An input within the mode's pixel limit is upscaled as it is. One over it, as
 * `upscale.downscaleIfNeeded` says: `never` (or nothing) is refused, before any work is done
 * on it; `always` is downscaled to the largest size within the limit. `skipUpscaleIfNotNeeded`
 * "only downscale[s] oversized images when the 4x upscaled result can still be at least as
 * large as the original input": read as both sides of 4x the downscaled size at least the
 * original's; otherwise the upscale is skipped and the image goes on at its own size (it is
 * large already: the upscale is not needed, as the value's name says).
 */
export function planUpscale(size: { width: number; height: number }, upscale: UpscaleRequest): UpscalePlan {
  const maxPixels = UPSCALE_MAX_PIXELS[upscale.mode];
  if (size.width * size.height <= maxPixels) return { kind: 'upscale' };
  const to = withinPixels(size, maxPixels);
  switch (upscale.downscaleIfNeeded ?? 'never') {
    case 'never':
      throw new RenderRefusal(
        `upscale.mode=${upscale.mode} accepts images of at most ${pixelCount(maxPixels)} pixels; this one is ${size.width}x${size.height} (${pixelCount(size.width * size.height)})`,
      );
    case 'always':
      return { kind: 'downscale', to };
    case 'skipUpscaleIfNotNeeded':
      return to.width * CONTRACT_UPSCALE_FACTOR >= size.width && to.height * CONTRACT_UPSCALE_FACTOR >= size.height
        ? { kind: 'downscale', to }
        : { kind: 'skip' };
  }
}

/** Lanczos reduction to `to`, before the upscale (the plan's `downscale`). */
export async function downscale(image: Raster, to: { width: number; height: number }): Promise<Raster> {
  return toRaster(fromRaster(image).resize(to.width, to.height, { fit: 'fill', kernel: 'lanczos3' }));
}

/** Lanczos enlargement: x2 for ai.fast, x4 for ai.slow. */
export async function upscale(scene: Scene, mode: UpscaleMode): Promise<Scene> {
  const factor = UPSCALE_FACTOR[mode];
  const width = scene.image.width * factor;
  const height = scene.image.height * factor;
  const options = { fit: 'fill', kernel: 'lanczos3' } as const;
  const image = await toRaster(fromRaster(scene.image).resize(width, height, options));
  const mask = await toMask(fromRaster(maskRaster(scene.mask, scene.image)).resize(width, height, options));
  const subject = scene.subject && {
    left: scene.subject.left * factor,
    top: scene.subject.top * factor,
    width: scene.subject.width * factor,
    height: scene.subject.height * factor,
  };
  return { image, mask, subject };
}

export interface Enhancements {
  textRemoval?: string;
  lighting?: string;
  beautify?: string;
  beautifySeed?: number;
}

/**
 * Text removal (a 3x3 median: small print softens), relighting (a gentle contrast and
 * brightness lift; `ai.preserve-hue-and-saturation` only scales, which keeps hue and
 * saturation) and the beautifier (a mild sharpen and more saturation, food a little warmer).
 * All cheap linear libvips operations on the colours; the alpha channel is kept as it was.
 */
export async function enhance(image: Raster, wanted: Enhancements): Promise<Raster> {
  if (!wanted.textRemoval && !wanted.lighting && !wanted.beautify) return image;
  // Its own pass: sharp would otherwise run some operations before dropping the alpha.
  let pipeline = fromRaster(await toRaster(fromRaster(image).removeAlpha()));
  if (wanted.textRemoval) pipeline = pipeline.median(3);
  let gain = 1;
  let offset = 0;
  if (wanted.lighting === 'ai.auto') {
    gain = 1.1;
    offset = -12;
  } else if (wanted.lighting) {
    gain = 1.06;
  }
  if (wanted.beautify) {
    const food = wanted.beautify === 'ai.food';
    const jitter = (seededRandom(wanted.beautifySeed ?? 0)() - 0.5) * 0.06;
    gain *= 1.02;
    pipeline = pipeline
      .convolve({ width: 3, height: 3, kernel: [0, -0.25, 0, -0.25, 2, -0.25, 0, -0.25, 0] })
      .recomb(saturationMatrix((food ? 1.2 : 1.08) + jitter, food ? 0.04 : 0));
  }
  if (gain !== 1 || offset !== 0) pipeline = pipeline.linear(gain, offset);
  return toRaster(
    pipeline.joinChannel(alphaOf(image), { raw: { width: image.width, height: image.height, channels: 1 } }),
  );
}

/** Scales saturation around Rec. 601 luma; `warmth` moves red up and blue down by that share. */
function saturationMatrix(saturation: number, warmth: number): [Row, Row, Row] {
  const luma = [0.299, 0.587, 0.114] as const;
  const row = (channel: number, scale: number): Row => [
    (luma[0] * (1 - saturation) + (channel === 0 ? saturation : 0)) * scale,
    (luma[1] * (1 - saturation) + (channel === 1 ? saturation : 0)) * scale,
    (luma[2] * (1 - saturation) + (channel === 2 ? saturation : 0)) * scale,
  ];
  return [row(0, 1 + warmth), row(1, 1), row(2, 1 - warmth)];
}

type Row = [number, number, number];

/**
 * Uncrop: on each side where the subject is cut by the frame, the frame grows by 15–25 % of
 * the subject (the share drawn from the seed); the edge pixels are continued outward and the
 * continued part of the subject fades out, so the subject no longer touches the frame.
 */
export async function uncrop(scene: Scene, seed: number): Promise<Scene> {
  const { image, subject } = scene;
  if (!subject) return scene;
  const random = seededRandom(seed);
  const grow = (length: number) => Math.max(1, Math.round(length * (0.15 + random() * 0.1)));
  const extend = {
    left: subject.left <= 0 ? grow(subject.width) : 0,
    right: subject.left + subject.width >= image.width ? grow(subject.width) : 0,
    top: subject.top <= 0 ? grow(subject.height) : 0,
    bottom: subject.top + subject.height >= image.height ? grow(subject.height) : 0,
  };
  if (!extend.left && !extend.right && !extend.top && !extend.bottom) return scene;

  const options = { ...extend, extendWith: 'copy' } as const;
  const grown = await toRaster(fromRaster(image).extend(options));
  const mask = await toMask(fromRaster(maskRaster(scene.mask, image)).extend(options));
  const { width, height } = grown;
  const fade = (distanceOut: number, length: number) =>
    length ? Math.min(1, (length - distanceOut) / (length + 1)) : 1;
  for (let y = 0; y < height; y++) {
    const vertical =
      y < extend.top
        ? fade(extend.top - y, extend.top)
        : y >= height - extend.bottom
          ? fade(y - (height - extend.bottom) + 1, extend.bottom)
          : 1;
    for (let x = 0; x < width; x++) {
      const horizontal =
        x < extend.left
          ? fade(extend.left - x, extend.left)
          : x >= width - extend.right
            ? fade(x - (width - extend.right) + 1, extend.right)
            : 1;
      const factor = Math.min(vertical, horizontal);
      if (factor < 1) mask[y * width + x] = Math.round((mask[y * width + x] ?? 0) * factor);
    }
  }
  return { image: grown, mask, subject: subjectBox(mask, width, height) };
}

/**
 * Despill: pulls green down to max(red, blue) on the subject near its edges, where a green
 * screen reflects most; the subject's core keeps its colours.
 */
export async function despill(cutout: Raster): Promise<Raster> {
  const { width, height } = cutout;
  const mask = alphaOf(cutout);
  const core = await toMask(fromRaster(maskRaster(mask, cutout)).blur(4));
  const data = Buffer.from(cutout.data);
  for (let i = 0; i < width * height; i++) {
    if (!mask[i]) continue;
    const strength = Math.min(1, 3 * (1 - (core[i] ?? 0) / 255));
    const at = i * 4;
    const limit = Math.max(data[at] ?? 0, data[at + 2] ?? 0);
    const green = data[at + 1] ?? 0;
    if (green > limit) data[at + 1] = Math.round(green - (green - limit) * strength);
  }
  return { ...cutout, data };
}
