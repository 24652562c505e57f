/**
 * The emulator's image rendering for `/v2/edit` and `/v1/segment`, with sharp (libvips).
 *
 * This is NOT Photoroom's model. It returns real, checkable images that plausibly mimic the
 * API's results: the subject is cut out by a stand-in (cutout.ts), laid out by the documented
 * positioning rules, and every AI feature is a cheap deterministic stand-in. The same input
 * and parameters always give the same bytes.
 */
import sharp, { type OverlayOptions } from 'sharp';
import { parseColor, type Rgba } from '../params/color.js';
import { ENDPOINT_LIMITS } from '../inputs/formats.js';
import { paramByName, type EnumOf, type ParamName } from '../params/table.js';
import type { ParamValue } from '../params/types.js';
import { generatedBackground, imageBackground } from './background.js';
import { cutOut, type CutoutMethod } from './cutout.js';
import { decodeImage, EDIT_FORMATS, SEGMENT_FORMATS } from './decode.js';
import { despill, downscale, enhance, planUpscale, type Scene, uncrop, upscale } from './effects.js';
import { encodeImage, flatten, imageFormat } from './encode.js';
import { blurAroundSubject, blurBackground, expand } from './fill.js';
import { computeLayout, type Layout, type Length, resolveSides, type Sides } from './layout.js';
import { fromRaster, type Raster, rawOf, toRaster, withAlpha } from './raster.js';
import { RenderRefusal } from './refusal.js';
import { hashSeed } from './seed.js';
import {
  aspectOf,
  generatedSizeParam,
  generativeFeatures,
  shapedCanvas,
  STAND_IN_HEADER,
  withBanner,
} from './generative.js';
import { outlineLayer } from './outline.js';
import { type PlacedLayer, SHADOW_PRESET_DEGREES, type ShadowOverrides, shadowLayer } from './shadow.js';
import { cutoutHeaders } from './stand-in.js';

export { RenderRefusal };

export interface Rendered {
  body: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

export interface EditAssets {
  backgroundImage?: Buffer;
  guidanceImage?: Buffer;
}

/** `/v1/segment` `size`: the most pixels the result may have. */
const SEGMENT_PIXELS: Record<string, number> = {
  preview: 0.25e6,
  medium: 1.5e6,
  hd: 4e6,
  full: 36e6,
};

/** Typed access to canonical parameter values, falling back to the table's defaults. */
function reader(params: ReadonlyMap<string, ParamValue>) {
  const get = (name: string) => params.get(name) ?? paramByName(name)?.default;
  const text = (name: string) => {
    const value = get(name);
    return value === undefined ? undefined : String(value);
  };
  const number = (name: string) => {
    const value = get(name);
    return value === undefined ? undefined : Number(value);
  };
  const length = (name: string): Length | undefined => {
    const value = get(name);
    return typeof value === 'number' || typeof value === 'string' ? value : undefined;
  };
  /**
   * An enum parameter's value, typed by its row: the request was validated with the same
   * table (requests.ts), so a value present is one of the row's.
   */
  const choice = <Name extends ParamName>(name: Name) => get(name) as EnumOf<Name> | undefined;
  return {
    text,
    choice,
    number,
    /** Booleans arrive as booleans, but a few table defaults are the strings 'true'/'false'. */
    flag: (name: string) => {
      const value = get(name);
      return value === true || value === 'true';
    },
    sides: (base: 'margin' | 'padding'): Sides<Length> =>
      resolveSides(length(base) ?? 0, {
        top: length(`${base}Top`),
        right: length(`${base}Right`),
        bottom: length(`${base}Bottom`),
        left: length(`${base}Left`),
      }),
    colour: (name: string): Rgba | undefined => {
      const value = text(name);
      return value === undefined ? undefined : parseColor(value)?.rgba;
    },
  };
}

type Reader = ReturnType<typeof reader>;

export async function renderEdit(
  input: Buffer,
  params: ReadonlyMap<string, ParamValue>,
  assets: EditAssets = {},
): Promise<Rendered> {
  const read = reader(params);
  const decoded = await decodeImage(input, EDIT_FORMATS);
  const upscaleMode = read.choice('upscale.mode');
  const downscaleIfNeeded = read.choice('upscale.downscaleIfNeeded');
  const upscalePlan =
    upscaleMode && planUpscale(decoded, { mode: upscaleMode, ...(downscaleIfNeeded && { downscaleIfNeeded }) });
  const source = upscalePlan && upscalePlan.kind === 'downscale' ? await downscale(decoded, upscalePlan.to) : decoded;

  const cut = await cutOut(source, { keepExistingAlpha: read.text('keepExistingAlphaChannel') === 'auto' });
  const headers = cutoutHeaders(cut);
  const textRemoval = read.text('textRemoval.mode');
  if (textRemoval) headers['pr-texts-detected'] = String(hashSeed(input) % 4);

  const image = await enhance(source, {
    textRemoval,
    lighting: read.text('lighting.mode'),
    beautify: read.text('beautify.mode'),
    beautifySeed: read.number('beautify.seed'),
  });
  let scene: Scene = { image, mask: cut.mask, subject: cut.subject };
  if (upscaleMode && upscalePlan?.kind !== 'skip') scene = await upscale(scene, upscaleMode);
  if (read.text('uncrop.mode')) scene = await uncrop(scene, read.number('uncrop.seed') ?? 0);

  const removeBackground = read.flag('removeBackground');
  const blurMode = read.text('background.blur.mode');
  const blurRadius = read.number('background.blur.radius') ?? 0.01;
  let subjectLayer = scene.image;
  if (removeBackground) subjectLayer = withAlpha(scene.image, scene.mask);
  else if (blurMode) subjectLayer = await blurAroundSubject(scene, blurRadius, blurMode);

  const notes: string[] = [];
  const placing = placingOf(removeBackground, cut.method, read);
  const layout = generatedLayout(scene, placing, read, (name) => params.has(name), notes);
  const placed = await placeLayer(subjectLayer, layout);
  const overlays: OverlayOptions[] = [];
  const background = await backgroundLayer(read, layout, assets, headers);
  if (background) {
    const drawn = removeBackground && blurMode ? await blurBackground(background, blurRadius, blurMode) : background;
    overlays.push({ input: drawn.data, raw: rawOf(drawn) });
  }
  const shadowMode = read.choice('shadow.mode');
  if (placed && shadowMode) {
    const shadow = await shadowLayer(placed, layout.placement, layout.canvas, shadowMode, shadowOverrides(read));
    overlays.push({ input: shadow.data, raw: rawOf(shadow) });
  }
  const outlineColour = read.colour('outline.color');
  if (placed && outlineColour) {
    const outline = await outlineLayer(placed, layout.canvas, {
      color: outlineColour,
      width: read.number('outline.width') ?? 0.03,
      blurRadius: read.number('outline.blurRadius') ?? 0,
    });
    if (outline) overlays.push({ input: outline.data, raw: rawOf(outline) });
  }
  if (placed)
    overlays.push({ input: placed.raster.data, raw: rawOf(placed.raster), left: placed.left, top: placed.top });

  const { r, g, b, alpha } = read.colour('background.color') ?? { r: 0, g: 0, b: 0, alpha: 0 };
  const { width, height } = layout.canvas;
  let canvas = await toRaster(
    sharp({ create: { width, height, channels: 4, background: { r, g, b, alpha: alpha / 255 } } }).composite(overlays),
  );
  if (read.text('expand.mode')) canvas = await expand(canvas, read.number('expand.seed') ?? 0);
  const standIns = generativeFeatures((name) => params.has(name));
  if (standIns.length > 0) {
    canvas = await withBanner(canvas, standIns);
    notes.unshift(
      `${standIns.join(', ')} (the usual edit of the input, bannered: the emulator has no generative model)`,
    );
  }
  // The decoded pixels are sRGB already; the input's profile is not carried through.
  if (read.text('colorSpace') === 'original')
    notes.push('colorSpace original (the output stays sRGB: the emulator keeps no ICC profile)');
  if (notes.length > 0) headers[STAND_IN_HEADER] = notes.join('; ');

  const encoded = await encodeImage(canvas, imageFormat(read.text('export.format')), read.number('export.dpi'));
  return { ...encoded, headers };
}

/** `shadow.*Override` as numbers: degrees as given or from their preset, ratios as given. */
function shadowOverrides(read: Reader): ShadowOverrides {
  const degrees = (name: string) => {
    const value = read.text(name);
    return value === undefined ? undefined : (SHADOW_PRESET_DEGREES[value] ?? Number(value));
  };
  return {
    direction: degrees('shadow.directionOverride'),
    spread: degrees('shadow.spreadOverride'),
    intensity: read.number('shadow.intensityOverride'),
    softness: read.number('shadow.softnessOverride'),
    pose: degrees('shadow.subjectPoseOverride'),
  };
}

/**
 * The usual layout, on a canvas of the shape a generative feature's size parameter (or its
 * default) names, with a note saying so. An outputSize given is pixels asked for, and stays.
 */
function generatedLayout(
  scene: Scene,
  placing: Placing,
  read: Reader,
  has: (name: string) => boolean,
  notes: string[],
): Layout {
  const layout = layoutOf(scene, placing, read);
  const sizeParam = generatedSizeParam(has);
  const generatedSize = sizeParam && read.text(sizeParam);
  if (!generatedSize || has('outputSize')) return layout;
  const aspect = aspectOf(generatedSize);
  const { width, height } = shapedCanvas(layout.canvas, aspect);
  notes.push(
    `${sizeParam} ${generatedSize} (the canvas takes its ${aspect.width}:${aspect.height} shape, not its HD pixel size)`,
  );
  return layoutOf(scene, placing, read, `${width}x${height}`);
}

/** What the layout places: the subject's box or the whole image, and whether its cropped sides snap. */
interface Placing {
  wholeImage: boolean;
  snapCroppedSides: boolean;
}

/**
 * Without background removal the whole image is the subject and nothing snaps, as in the API.
 * With it, a side where the subject meets the frame's edge is cropped there, and
 * ignorePaddingAndSnapOnCroppedSides (on by default) drops its padding: but only for a
 * subject the cutout found. When the stand-in finds none (`whole-frame`), its box is the
 * frame, and snapping would drop the padding on all four sides and give the photo back as it
 * was: the frame's edges say nothing of where the real model's subject would be cropped, so
 * the whole frame is laid out as an uncropped subject, with the requested padding, size and
 * background (stand-in.ts says so in every answer).
 */
function placingOf(removeBackground: boolean, method: CutoutMethod, read: Reader): Placing {
  return {
    wholeImage: !removeBackground,
    snapCroppedSides: removeBackground && method !== 'whole-frame' && read.flag('ignorePaddingAndSnapOnCroppedSides'),
  };
}

function layoutOf(
  scene: Scene,
  placing: Placing,
  read: Reader,
  outputSize = read.text('outputSize') ?? 'auto',
): Layout {
  const frame = { width: scene.image.width, height: scene.image.height };
  return computeLayout({
    frame,
    subject: !placing.wholeImage && scene.subject ? scene.subject : { left: 0, top: 0, ...frame },
    outputSize,
    scaling: read.text('scaling') === 'fill' ? 'fill' : 'fit',
    margin: read.sides('margin'),
    padding: read.sides('padding'),
    horizontalAlignment: read.choice('horizontalAlignment'),
    verticalAlignment: read.choice('verticalAlignment'),
    snapCroppedSides: placing.snapCroppedSides,
    referenceBox: read.text('referenceBox') === 'originalImage' ? 'originalImage' : 'subjectBox',
    maxWidth: read.number('maxWidth'),
    maxHeight: read.number('maxHeight'),
  });
}

/** The reference box scaled into its placement, cut to the part inside the canvas. */
async function placeLayer(layer: Raster, layout: Layout): Promise<PlacedLayer | null> {
  const { reference, placement, canvas } = layout;
  const left = Math.max(0, placement.left);
  const top = Math.max(0, placement.top);
  const right = Math.min(canvas.width, placement.left + placement.width);
  const bottom = Math.min(canvas.height, placement.top + placement.height);
  if (right <= left || bottom <= top) return null;
  let pipeline = fromRaster(layer)
    .extract(reference)
    .resize(placement.width, placement.height, { fit: 'fill', kernel: 'lanczos3' });
  if (right - left < placement.width || bottom - top < placement.height) {
    pipeline = pipeline.extract({
      left: left - placement.left,
      top: top - placement.top,
      width: right - left,
      height: bottom - top,
    });
  }
  return { raster: await toRaster(pipeline), left, top };
}

/** A supplied or generated background; sets `pr-ai-background-seed` for a generated one. */
async function backgroundLayer(
  read: Reader,
  layout: Layout,
  assets: EditAssets,
  headers: Record<string, string>,
): Promise<Raster | null> {
  const prompt = read.text('background.prompt');
  if (prompt !== undefined) {
    const seed = read.number('background.seed') ?? hashSeed(prompt);
    // The seed as given: a seed beyond 2^53 keeps its digits only as text.
    headers['pr-ai-background-seed'] = read.text('background.seed') ?? String(seed);
    const guidance = assets.guidanceImage && {
      image: assets.guidanceImage,
      scale: read.number('background.guidance.scale') ?? 0.6,
    };
    return generatedBackground(layout.canvas, seed, guidance);
  }
  if (assets.backgroundImage) {
    const scaling = read.text('background.scaling') === 'fit' ? 'fit' : 'fill';
    return imageBackground(assets.backgroundImage, layout.canvas, scaling);
  }
  return null;
}

export async function renderSegment(input: Buffer, params: ReadonlyMap<string, ParamValue>): Promise<Rendered> {
  const read = reader(params);
  const source = await decodeImage(input, SEGMENT_FORMATS);
  const maxSide = ENDPOINT_LIMITS.segment.maxSide ?? Infinity;
  if (Math.max(source.width, source.height) > maxSide) {
    throw new RenderRefusal(
      `The image is ${source.width}x${source.height} pixels; at most ${maxSide} pixels are accepted on its widest side`,
    );
  }
  // /v1/segment has no keepExistingAlphaChannel: it always runs the cutout.
  const cut = await cutOut(source, { keepExistingAlpha: false });
  const headers = cutoutHeaders(cut);

  let cutout = withAlpha(source, cut.mask);
  if (read.flag('despill')) cutout = await despill(cutout);
  let pipeline = fromRaster(cutout);
  let size: { width: number; height: number } = source;
  if (read.flag('crop') && cut.subject) {
    pipeline = pipeline.extract(cut.subject);
    size = cut.subject;
  }
  const limit = SEGMENT_PIXELS[read.text('size') ?? 'full'] ?? Infinity;
  if (size.width * size.height > limit) {
    const factor = Math.sqrt(limit / (size.width * size.height));
    pipeline = pipeline.resize(
      Math.max(1, Math.floor(size.width * factor)),
      Math.max(1, Math.floor(size.height * factor)),
      { fit: 'fill', kernel: 'lanczos3' },
    );
  }
  let result = await toRaster(pipeline);
  const matte = read.colour('bg_color');
  if (read.text('channels') === 'alpha') result = await toRaster(fromRaster(result).extractChannel('alpha'));
  else if (matte) result = await toRaster(flatten(result, matte));

  const encoded = await encodeImage(result, imageFormat(read.text('format')));
  return { ...encoded, headers };
}
