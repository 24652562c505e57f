/**
 * A preset: a named set of API parameters for `photoroom edit`, and the checks a marketplace
 * applies to the images it takes. The checks are data: each holds its figure and where that
 * figure comes from. They are listed by `photoroom presets` and refuse parameters that would
 * break them; `photoroom check` judges images against them (src/check).
 */
import type { ParamValue } from '../params/types.js';

/** The image formats a marketplace names, as the file's format (JPEG however it is spelt). */
export const IMAGE_FORMATS = ['jpeg', 'png', 'gif', 'tiff', 'bmp', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** The figure of each check, by check name. Sizes are in pixels, shares from 0 to 1. */
export interface CheckFigures {
  /** The background colour (hex, no `#`) and the share of the border ring that must be exactly it. */
  background: { readonly color: string; readonly purity: number };
  /** The subject's longest side over the frame's matching side, at least. */
  minFill: number;
  /** The same share, at most. */
  maxFill: number;
  /** The image's longest side, at least. */
  minLongestSide: number;
  /** The image's longest side, at most. */
  maxLongestSide: number;
  /** The image's shortest side, at least (a 1500×1500 minimum). */
  minShortestSide: number;
  /** Width × height, at most. */
  maxPixels: number;
  /** Width over height; 1 for a square. */
  aspect: number;
  /** The file's format, one of these. */
  formats: readonly ImageFormat[];
  /** The file's size in bytes, at most. */
  maxBytes: number;
  /** The colour model: `rgb` (sRGB or another RGB profile); not greyscale, not CMYK. */
  colorSpace: 'rgb';
  /** Bits a channel, exactly. */
  bitDepth: number;
  /** No border drawn around the picture: a band of one colour on all four sides, unlike what it frames. */
  noBorder: true;
  /** No animation (a GIF or WebP of one frame). */
  noAnimation: true;
  /** No text on the image: the API's `pr-texts-detected` answer header says none was found. */
  noText: true;
}

export type CheckName = keyof CheckFigures;

/** The order checks are listed in. */
export const CHECK_NAMES: readonly CheckName[] = [
  'background',
  'minFill',
  'maxFill',
  'minLongestSide',
  'maxLongestSide',
  'minShortestSide',
  'maxPixels',
  'aspect',
  'formats',
  'maxBytes',
  'colorSpace',
  'bitDepth',
  'noAnimation',
  'noBorder',
  'noText',
];

export interface Check<Name extends CheckName = CheckName> {
  readonly figure: CheckFigures[Name];
  /** Where the figure comes from: the marketplace's page, or the config file that set it. */
  readonly source: string;
  /** Why this figure where the source gives a range or a recommendation. */
  readonly note?: string;
  /**
   * A recommendation, not a rule: an image that misses it is told so (`google recommends`),
   * not refused, and a parameter that breaks it is warned about, not refused.
   */
  readonly advisory?: true;
}

export type PresetChecks = { readonly [Name in CheckName]?: Check<Name> };

export interface Preset {
  readonly name: string;
  readonly description: string;
  /** API parameters of `/v2/edit`, by the parameter table's names, as the user would type them. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly checks: PresetChecks;
  /** The config file that defines it; absent for a built-in preset. */
  readonly configFile?: string;
}
