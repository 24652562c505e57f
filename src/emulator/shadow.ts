/**
 * Stand-in for Photoroom's AI shadows: a blurred, darkened copy of the placed subject's
 * silhouette drawn under it (soft: wide and faint; hard: tight and darker), or for
 * `ai.floating` a blurred ellipse detached below the subject. Not a model, just geometry.
 */
import sharp from 'sharp';
import type { Box, Size } from './layout.js';
import { alphaOf, fromRaster, type Raster, toRaster, transparent, withAlpha } from './raster.js';
import type { EnumOf } from '../params/table.js';

export type ShadowMode = EnumOf<'shadow.mode'>;

/** The subject as drawn on the canvas: its visible pixels and where they go. */
export interface PlacedLayer {
  raster: Raster;
  left: number;
  top: number;
}

const SOFT = { drop: 0.02, shift: 0.01, blur: 0.03, opacity: 0.45 } as const;
const HARD = { drop: 0.012, shift: 0.008, blur: 0.006, opacity: 0.6 } as const;
/** The 2026-04-15 model's presets cast as the legacy ones; its automatic shadow is the soft one. */
const CAST = {
  'ai.soft': SOFT,
  'ai.hard': HARD,
  'ai.preset-soft': SOFT,
  'ai.preset-hard': HARD,
  'ai.auto-with-overrides': SOFT,
} as const;

/** The overrides of `ai.auto-with-overrides`, in the contract's units: degrees, and 0–1. */
export interface ShadowOverrides {
  direction?: number;
  intensity?: number;
  softness?: number;
  spread?: number;
  /** The subject's pose: 0° laid flat, 90° upright. */
  pose?: number;
}

/** The contract's presets of the overrides that take degrees. */
export const SHADOW_PRESET_DEGREES: Readonly<Record<string, number>> = {
  behind: 0,
  behindLeft: 45,
  left: 90,
  frontLeft: 135,
  front: 180,
  frontRight: 225,
  right: 270,
  behindRight: 315,
  short: 10,
  medium: 45,
  long: 90,
  flatlay: 0,
  upright: 90,
};

/** Degrees kept to 0°–90°. */
function quarterTurn(degrees: number): number {
  return Math.min(90, Math.max(0, degrees));
}

/**
 * The automatic cast with the overrides applied: intensity sets the opacity, softness the blur,
 * and direction and spread where the silhouette falls (0° behind the subject, so up; 90° to
 * its left; 180° in front, so down; a spread of 90° as far as 0.06 of its height). The pose
 * scales that reach by the subject's height above the floor: laid flat (0°) it has none, and
 * its shadow stays under it; upright (90°, as when no pose is given) it falls at full reach.
 */
function overridden(overrides: ShadowOverrides): { drop: number; shift: number; blur: number; opacity: number } {
  const base = CAST['ai.auto-with-overrides'];
  const spread =
    overrides.spread === undefined
      ? Math.hypot(base.drop, base.shift)
      : 0.005 + (0.055 * quarterTurn(overrides.spread)) / 90;
  const reach = spread * Math.sin((quarterTurn(overrides.pose ?? 90) * Math.PI) / 180);
  const angle = ((overrides.direction ?? 180) * Math.PI) / 180;
  return {
    drop: -Math.cos(angle) * reach,
    shift: -Math.sin(angle) * reach,
    blur: overrides.softness === undefined ? base.blur : 0.004 + 0.04 * overrides.softness,
    opacity: overrides.intensity === undefined ? base.opacity : 0.1 + 0.8 * overrides.intensity,
  };
}

/** A canvas-sized RGBA layer holding the shadow; `placement` is the subject's full box. */
export async function shadowLayer(
  layer: PlacedLayer,
  placement: Box,
  canvas: Size,
  mode: ShadowMode,
  overrides: ShadowOverrides = {},
): Promise<Raster> {
  if (mode === 'ai.floating') return floatingShadow(placement, canvas);
  const cast = mode === 'ai.auto-with-overrides' ? overridden(overrides) : CAST[mode];
  const { width, height } = layer.raster;
  const black: Raster = { data: Buffer.alloc(width * height * 3), width, height, channels: 3 };
  const silhouette = withAlpha(black, alphaOf(layer.raster));
  const dropped = await toRaster(
    transparent(canvas.width, canvas.height).composite([
      {
        input: silhouette.data,
        raw: { width, height, channels: 4 },
        left: layer.left + Math.round(placement.height * cast.shift),
        top: layer.top + Math.round(placement.height * cast.drop),
      },
    ]),
  );
  const sigma = Math.max(0.5, placement.height * cast.blur);
  return toRaster(fromRaster(dropped).blur(sigma).linear([1, 1, 1, cast.opacity], [0, 0, 0, 0]));
}

/** A soft ellipse a little below the subject, as if it hovered over the floor. */
async function floatingShadow(placement: Box, canvas: Size): Promise<Raster> {
  const rx = Math.max(2, placement.width * 0.4);
  const ry = Math.max(2, placement.height * 0.05);
  const cx = placement.left + placement.width / 2;
  const cy = placement.top + placement.height + placement.height * 0.06 + ry;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}">` +
    `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="black" fill-opacity="0.4"/></svg>`;
  return toRaster(
    sharp(Buffer.from(svg))
      .blur(Math.max(1, ry * 0.8))
      .ensureAlpha(),
  );
}
