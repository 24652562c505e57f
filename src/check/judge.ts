/**
 * A preset's checks applied to one image's measurements (measure.ts): pass, or each failed
 * rule with what was measured and what the rule wants, in words (`product fills 71% of the
 * frame; amazon wants 85% or more`) and as figures for --json.
 */
import { hasAspect } from '../presets/aspect.js';
import { imageFormatNamed } from '../params/values.js';
import { CHECK_NAMES, type CheckFigures, type CheckName, type Preset } from '../presets/types.js';
import type { ImageFacts, PixelMeasures } from './measure.js';
import { DIFFERENCE, rgbOf } from './raster.js';

export interface RuleFailure {
  check: CheckName;
  /** What was measured, as a figure (a share, pixels, a format, ...); null when it could not be. */
  measured: unknown;
  /** The rule's figure. */
  wants: unknown;
  /** In words: what was measured, then what the preset wants. */
  reason: string;
}

export interface Verdict {
  preset: string;
  /** Every rule judged and none failed; recommendations missed (`advice`) do not count. */
  pass: boolean;
  failures: RuleFailure[];
  /** The preset's recommendations the image misses (`advisory` checks): told, never refused. */
  advice: RuleFailure[];
  /**
   * The preset's checks this image could not answer: text, which only the API's answer tells,
   * and every check when the pixels could not be decoded (`unmeasured` says why).
   */
  unjudged: CheckName[];
  /**
   * Why the pixels were not measured: then no rule is judged, whatever the preset's rules, and
   * the image neither passes nor is refused: it could not be read.
   */
  unmeasured?: string;
}

/** What one image offers the checks: its facts, and its pixels unless they could not be decoded. */
export interface Measured {
  facts: ImageFacts;
  pixels: PixelMeasures | { unmeasured: string };
}

/** A share as a percentage, with as many decimals as it takes to differ from `bound` (71%, 84.9%). */
export function percent(value: number, bound?: number): string {
  for (let decimals = 0; decimals < 3; decimals += 1) {
    const shown = (value * 100).toFixed(decimals);
    if (bound === undefined || shown !== (bound * 100).toFixed(decimals)) return `${Number(shown)}%`;
  }
  return `${Number((value * 100).toFixed(3))}%`;
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  tiff: 'TIFF',
  bmp: 'BMP',
  webp: 'WebP',
  avif: 'AVIF',
  heic: 'HEIC',
};

function formatName(format: string | null): string {
  if (format === null) return 'an unknown format';
  return FORMAT_NAMES[format] ?? format.toUpperCase();
}

/** `JPEG, PNG or GIF`. */
function oneOf(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function colorName(color: string): string {
  return color === 'FFFFFF' ? 'pure white' : `exactly #${color}`;
}

/**
 * `value` over `divisor`, with as many decimals as it takes (from `decimals`) to differ from
 * `bound` shown the same way: a figure over its limit never reads as the limit (20.002 MP).
 */
function against(value: number, bound: number | undefined, divisor: number, decimals: number): string {
  for (let shown = decimals; shown < decimals + 4; shown += 1) {
    const text = (value / divisor).toFixed(shown);
    if (bound === undefined || text !== (bound / divisor).toFixed(shown)) return String(Number(text));
  }
  return String(value / divisor);
}

/** `6.2 MB`, `48 kB`: decimal units, as the marketplaces state their limits. */
const byteSize = (bytes: number, bound?: number) =>
  bytes >= 1_000_000 ? `${against(bytes, bound, 1_000_000, 1)} MB` : `${against(bytes, bound, 1000, 0)} kB`;
const megapixels = (pixels: number, bound?: number) => `${against(pixels, bound, 1_000_000, 1)} MP`;

/** A rule's finding: null when the image passes it. */
type Finding = { measured: unknown; reason: string } | null;

interface Judged {
  facts: ImageFacts;
  pixels: PixelMeasures;
  /** `amazon wants`, or `google recommends` for a recommendation. */
  wants: string;
}

type Rule<Name extends CheckName> = (figure: CheckFigures[Name], image: Judged) => Finding | 'unjudged';

/** A rule on pixels (judge() gives no verdict at all on an image whose pixels could not be decoded). */
function withPixels<Name extends CheckName>(
  rule: (figure: CheckFigures[Name], pixels: PixelMeasures, image: Judged) => Finding,
): Rule<Name> {
  return (figure, image) => rule(figure, image.pixels, image);
}

/**
 * A white band around the picture is the white space of a product laid out on white: a box
 * photographed square-on has the very geometry of a framed picture, and on the marketplace's
 * white page no border shows.
 */
function isWhite(color: string): boolean {
  const rgb = rgbOf(color);
  return [16, 8, 0].every((shift) => 255 - ((rgb >> shift) & 0xff) <= DIFFERENCE);
}

const size = ({ width, height }: ImageFacts) => `${width}×${height}`;

const RULES: { readonly [Name in CheckName]: Rule<Name> } = {
  background: withPixels(({ color, purity }, pixels, { wants }) => {
    if (pixels.background.kind === 'transparent')
      return { measured: 0, reason: `background: the border is transparent; ${wants} ${colorName(color)}` };
    if (pixels.borderPurity >= purity) return null;
    return {
      measured: pixels.borderPurity,
      reason:
        `background: ${percent(1 - pixels.borderPurity, 1 - purity)} of the border is not ${colorName(color)}; ` +
        `${wants} at most ${percent(1 - purity)}`,
    };
  }),
  minFill: withPixels((least, pixels, { wants }) => {
    if (!pixels.subject)
      return {
        measured: 0,
        reason: `no product found, the image is all background; ${wants} the product to fill ${percent(least)} of the frame or more`,
      };
    return pixels.fill >= least
      ? null
      : {
          measured: pixels.fill,
          reason: `product fills ${percent(pixels.fill, least)} of the frame; ${wants} ${percent(least)} or more`,
        };
  }),
  maxFill: withPixels((most, pixels, { wants }) =>
    pixels.fill <= most
      ? null
      : {
          measured: pixels.fill,
          reason: `product fills ${percent(pixels.fill, most)} of the frame; ${wants} ${percent(most)} or less`,
        },
  ),
  minLongestSide: (least, { facts, wants }) =>
    Math.max(facts.width, facts.height) >= least
      ? null
      : {
          measured: Math.max(facts.width, facts.height),
          reason: `${size(facts)}: ${wants} the longest side ${least} px or more`,
        },
  maxLongestSide: (most, { facts, wants }) =>
    Math.max(facts.width, facts.height) <= most
      ? null
      : {
          measured: Math.max(facts.width, facts.height),
          reason: `${size(facts)}: ${wants} the longest side ${most} px or less`,
        },
  minShortestSide: (least, { facts, wants }) =>
    Math.min(facts.width, facts.height) >= least
      ? null
      : {
          measured: Math.min(facts.width, facts.height),
          reason: `${size(facts)}: ${wants} each side ${least} px or more`,
        },
  maxPixels: (most, { facts, wants }) =>
    facts.width * facts.height <= most
      ? null
      : {
          measured: facts.width * facts.height,
          reason: `${size(facts)} (${megapixels(facts.width * facts.height, most)}): ${wants} ${megapixels(most)} or less`,
        },
  aspect: (aspect, { facts, wants }) =>
    hasAspect(facts.width, facts.height, aspect)
      ? null
      : {
          measured: facts.width / facts.height,
          reason: `${size(facts)}: ${wants} ${aspect === 1 ? 'a square' : `width over height ${aspect}`}`,
        },
  formats: (formats, { facts, wants }) =>
    formats.some((format) => facts.format !== null && format === imageFormatNamed(facts.format))
      ? null
      : { measured: facts.format, reason: `${formatName(facts.format)}: ${wants} ${oneOf(formats.map(formatName))}` },
  maxBytes: (most, { facts, wants }) =>
    facts.bytes <= most
      ? null
      : {
          measured: facts.bytes,
          reason: `${byteSize(facts.bytes, most)} (${facts.bytes.toLocaleString('en-US')} bytes): ${wants} ${byteSize(most)} or less`,
        },
  colorSpace: (_rgb, { facts, wants }) =>
    facts.colorSpace === 'rgb'
      ? null
      : {
          measured: facts.colorSpace,
          reason: `${facts.colorSpace === 'grey' ? 'greyscale' : `${facts.colorSpace.toUpperCase()} colour`}: ${wants} RGB`,
        },
  bitDepth: (bits, { facts, wants }) =>
    facts.bitDepth === bits
      ? null
      : { measured: facts.bitDepth, reason: `${facts.bitDepth} bits a channel: ${wants} ${bits}` },
  noAnimation: (_still, { facts, wants }) =>
    facts.frames <= 1
      ? null
      : {
          measured: facts.frames,
          reason: `animated ${formatName(facts.format)} of ${facts.frames} frames: ${wants} a still image`,
        },
  noBorder: withPixels((_none, pixels, { wants }) =>
    pixels.frame === null || isWhite(pixels.frame.color)
      ? null
      : {
          measured: pixels.frame,
          reason: `a ${pixels.frame.thickness} px border (#${pixels.frame.color}) is drawn around the picture: ${wants} none`,
        },
  ),
  // Only the API's answer says whether an image holds text (pr-texts-detected).
  noText: () => 'unjudged',
};

function applyRule<Name extends CheckName>(name: Name, preset: Preset, image: Judged): Finding | 'unjudged' {
  const check = preset.checks[name];
  if (!check) return null;
  const rule: Rule<Name> = RULES[name];
  return rule(check.figure, { ...image, wants: `${preset.name} ${check.advisory ? 'recommends' : 'wants'}` });
}

/**
 * The preset's verdict on one image. An image whose pixels could not be measured (cut short,
 * not decoded, past the decode limit) gets none: its header facts alone would pass it on rules
 * it was never held to, or refuse it for a size it may not have (the header of a file cut
 * short): every rule is unjudged, and the image could not be read.
 */
export function judge(preset: Preset, measured: Measured): Verdict {
  if ('unmeasured' in measured.pixels)
    return {
      preset: preset.name,
      pass: false,
      failures: [],
      advice: [],
      unjudged: CHECK_NAMES.filter((name) => preset.checks[name] !== undefined),
      unmeasured: measured.pixels.unmeasured,
    };
  const image: Judged = { facts: measured.facts, pixels: measured.pixels, wants: `${preset.name} wants` };
  const failures: RuleFailure[] = [];
  const advice: RuleFailure[] = [];
  const unjudged: CheckName[] = [];
  for (const name of CHECK_NAMES) {
    const finding = applyRule(name, preset, image);
    if (finding === 'unjudged') unjudged.push(name);
    else if (finding)
      (preset.checks[name]?.advisory ? advice : failures).push({
        check: name,
        measured: finding.measured,
        wants: preset.checks[name]?.figure,
        reason: finding.reason,
      });
  }
  return { preset: preset.name, pass: failures.length === 0, failures, advice, unjudged };
}
