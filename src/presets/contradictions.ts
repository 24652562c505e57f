/**
 * Parameters that make a preset's check impossible: a background that is not the check's
 * colour, padding that leaves less fill than the check wants, an output size outside its
 * bounds, a format it does not take. Such a run is refused before anything is sent, whoever
 * gave the parameter (a flag, the config file, or the preset itself); the user's are named
 * before the preset's own. A parameter the checks cannot judge (padding in pixels on an
 * output of no fixed size, `outputSize auto`) is let through: `photoroom check` measures
 * the result.
 */
import { parseColor } from '../params/color.js';
import { lengthShare, outputDimensions } from '../params/values.js';
import { hasAspect } from './aspect.js';
import type { ParamEntry, ParamSet } from '../params/set.js';
import { presetRawParams } from './params.js';
import { imageFormatNamed } from '../params/values.js';
import { CHECK_NAMES, type Check, type CheckFigures, type CheckName, type Preset } from './types.js';

type Contradiction<Name extends CheckName> = (figure: CheckFigures[Name], params: ParamSet) => [ParamEntry, string][];

const shown = (entry: ParamEntry) => `${entry.source} ${String(entry.value)}`;

/** `1000x1000` → its width and height; null for `auto`, `originalImage` and `croppedSubject`. */
function dimensions(params: ParamSet): { entry: ParamEntry; width: number; height: number } | null {
  const entry = params.entry('outputSize');
  const size = entry && outputDimensions(entry.value);
  return entry && size ? { entry, ...size } : null;
}

/**
 * The output's sides at most, each with the entries that bound it: a fixed `WxH`, or
 * `maxWidth` and `maxHeight` (which only `originalImage` and `croppedSubject` take).
 * A side nothing bounds is absent.
 */
function sideBounds(params: ParamSet): { width?: Bound; height?: Bound } {
  const size = dimensions(params);
  if (size)
    return { width: { pixels: size.width, entry: size.entry }, height: { pixels: size.height, entry: size.entry } };
  const bound = (name: string): Bound | undefined => {
    const entry = params.entry(name);
    return entry ? { pixels: Number(entry.value), entry } : undefined;
  };
  return { width: bound('maxWidth'), height: bound('maxHeight') };
}

interface Bound {
  readonly pixels: number;
  readonly entry: ParamEntry;
}

/**
 * A length as a share of the frame's side; null for pixels when that side is not known
 * (`auto`, `originalImage`, `croppedSubject` take the input's or the subject's size).
 */
function ratio(entry: ParamEntry | undefined, side: number | undefined): number | null {
  return entry ? lengthShare(entry.value, side) : 0;
}

const AXES = [
  { sides: ['Left', 'Right'], length: 'width' },
  { sides: ['Top', 'Bottom'], length: 'height' },
] as const;

/**
 * The share of the frame the subject's box can take along each axis with `scaling fit`:
 * one minus the padding and margin of both sides (a side's own length overrides the
 * all-sides one). Null when a length is in pixels on an output whose size is not fixed;
 * with entries, every length given (zeros too: no padding lets the subject fill the frame).
 */
function innerShares(params: ParamSet): { shares: number[]; given: ParamEntry[] } | null {
  const given: ParamEntry[] = [];
  const shares: number[] = [];
  const size = dimensions(params);
  for (const { sides, length } of AXES) {
    let taken = 0;
    for (const side of sides) {
      for (const base of ['padding', 'margin']) {
        const entry = params.entry(`${base}${side}`) ?? params.entry(base);
        const share = ratio(entry, size?.[length]);
        if (share === null) return null;
        if (entry && !given.includes(entry)) given.push(entry);
        taken += share;
      }
    }
    shares.push(1 - taken);
  }
  return { shares, given };
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

const CONTRADICTIONS: { readonly [Name in CheckName]: Contradiction<Name> } = {
  background: ({ color }, params) => {
    const wanted = parseColor(color)?.rgba;
    const same = (value: string) => {
      const got = parseColor(value)?.rgba;
      return got !== undefined && wanted !== undefined && JSON.stringify(got) === JSON.stringify(wanted);
    };
    const replaced = ['background.prompt', 'background.imageUrl', 'background.imageFile']
      .map((name) => params.entry(name))
      .filter((entry): entry is ParamEntry => entry !== undefined);
    const colour = params.entry('background.color');
    const removal = params.entry('removeBackground');
    return [
      ...(colour && !same(String(colour.value)) ? [colour] : []),
      ...replaced,
      ...(removal?.value === false ? [removal] : []),
    ].map((entry) => [entry, `its background must be ${color}`]);
  },
  minFill: (fill, params) => {
    const inner = innerShares(params);
    const least = inner && Math.min(...inner.shares);
    return inner && least !== null && least < fill
      ? inner.given.map((entry) => [
          entry,
          `the product must fill ${percent(fill)} of the frame or more, and this leaves it ${percent(least)}`,
        ])
      : [];
  },
  maxFill: (fill, params) => {
    const scaling = params.entry('scaling');
    if (scaling?.value === 'fill')
      return [[scaling, `the product must fill at most ${percent(fill)} of the frame, and fill crops it to 100%`]];
    const inner = innerShares(params);
    const most = inner && Math.max(...inner.shares);
    return inner && most !== null && most > fill
      ? inner.given.map((entry) => [
          entry,
          `the product must fill at most ${percent(fill)} of the frame, and this lets it fill ${percent(most)}`,
        ])
      : [];
  },
  minLongestSide: (pixels, params) => {
    const { width, height } = sideBounds(params);
    // The longest side is at most the larger bound, and unbounded while one side is free.
    return width && height && Math.max(width.pixels, height.pixels) < pixels
      ? [...new Set([width.entry, height.entry])].map((entry) => [
          entry,
          `its longest side must be ${pixels} px or more`,
        ])
      : [];
  },
  maxLongestSide: (pixels, params) => {
    const size = dimensions(params);
    return size && Math.max(size.width, size.height) > pixels
      ? [[size.entry, `its longest side must be ${pixels} px or less`]]
      : [];
  },
  minShortestSide: (pixels, params) => {
    const bounds = Object.values(sideBounds(params)).filter((bound) => bound !== undefined);
    // The shortest side is at most the smaller bound.
    const least = Math.min(...bounds.map((bound) => bound.pixels));
    return least < pixels
      ? [...new Set(bounds.filter((bound) => bound.pixels === least).map((bound) => bound.entry))].map((entry) => [
          entry,
          `its shortest side must be ${pixels} px or more`,
        ])
      : [];
  },
  maxPixels: (pixels, params) => {
    const size = dimensions(params);
    return size && size.width * size.height > pixels
      ? [[size.entry, `it must have at most ${pixels / 1_000_000} megapixels`]]
      : [];
  },
  aspect: (aspect, params) => {
    const entry = params.entry('outputSize');
    const size = dimensions(params);
    const wanted = aspect === 1 ? 'a square outputSize' : `an outputSize of aspect ${aspect}`;
    // `auto`, `originalImage` and `croppedSubject` take the input's or the subject's shape.
    if (entry && !size) return [[entry, `its aspect is fixed: give ${wanted}`]];
    return size && !hasAspect(size.width, size.height, aspect) ? [[size.entry, `it must be ${wanted}`]] : [];
  },
  formats: (formats, params) => {
    const entry = params.entry('export.format');
    const format = entry && imageFormatNamed(String(entry.value));
    return entry && !formats.some((allowed) => allowed === format)
      ? [[entry, `its format must be one of ${formats.join(', ')}`]]
      : [];
  },
  // Nothing sent decides these: the result is measured (bytes, frames, the texts the API saw).
  maxBytes: () => [],
  noAnimation: () => [],
  // The API writes 8-bit RGB and draws no border.
  colorSpace: () => [],
  bitDepth: () => [],
  noBorder: () => [],
  noText: () => [],
};

function contradictionsOf<Name extends CheckName>(name: Name, preset: Preset, params: ParamSet): string[] {
  const check: Check<Name> | undefined = preset.checks[name];
  if (!check) return [];
  const contradiction: Contradiction<Name> = CONTRADICTIONS[name];
  const found = contradiction(check.figure, params);
  // The user's parameters are to blame before the preset's own, which meet its checks alone.
  const own = new Set(presetRawParams(preset).map((raw) => raw.source));
  const given = found.filter(([entry]) => !own.has(entry.source));
  const breaks = check.advisory
    ? `goes against --preset ${preset.name}'s recommendation`
    : `cannot be used with --preset ${preset.name}`;
  return (given.length > 0 ? given : found).map(
    ([entry, reason]) => `${shown(entry)} ${breaks}: ${reason} (${check.source})`,
  );
}

/** One line per parameter that makes one of the preset's rules impossible, naming both: a refusal. */
export function presetContradictions(preset: Preset, params: ParamSet): string[] {
  return CHECK_NAMES.filter((name) => !preset.checks[name]?.advisory).flatMap((name) =>
    contradictionsOf(name, preset, params),
  );
}

/** The same for the preset's recommendations (`advisory` checks): a warning, the run goes on. */
export function presetAdvisories(preset: Preset, params: ParamSet): string[] {
  return CHECK_NAMES.filter((name) => preset.checks[name]?.advisory).flatMap((name) =>
    contradictionsOf(name, preset, params),
  );
}
