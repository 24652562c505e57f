/**
 * Cheap, deterministic stand-ins for Photoroom's AI operations on the input image (upscale,
 * relighting, text removal, beautifier, uncrop, despill). None of them is the real model;
 * each is a plain libvips operation with a plausibly similar visible effect.
 */
import { subjectBox } from './cutout.js';
import type { Box } from './layout.js';
import { alphaOf, fromRaster, maskRaster, type Raster, toMask, toRaster } from './raster.js';
import { RenderRefusal } from './refusal.js';
import { UPSCALE_LIMITS, type UpscaleMode } from '../inputs/formats.js';
import { seededRandom } from './seed.js';

/** An image with its cutout mask and the subject box in it, as they go through the pipeline. */
export interface Scene {
  image: Raster;
  mask: Buffer;
  subject: Box | null;
}

/** How much each mode enlarges; its input limits are the API's (UPSCALE_LIMITS). */
const UPSCALE_FACTOR: Readonly<Record<UpscaleMode, number>> = { 'ai.fast': 2, 'ai.slow': 4 };

export type { UpscaleMode };

/** Refuses an image too large for the upscale mode, before any work is done on it. */
export function checkUpscale(size: { width: number; height: number }, mode: UpscaleMode): void {
  const limit = UPSCALE_LIMITS[mode];
  if (size.width > limit.width || size.height > limit.height) {
    throw new RenderRefusal(
      `upscale.mode=${mode} accepts images of at most ${limit.width}x${limit.height} pixels; this one is ${size.width}x${size.height}`,
    );
  }
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
