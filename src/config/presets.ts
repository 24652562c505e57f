/**
 * Presets a config file defines, beside the built-in ones:
 *
 *   presets:
 *     myshop:
 *       extends: amazon                 # optional: a built-in or another preset of the file
 *       description: white, more air    # optional
 *       params: { padding: 0.1 }        # /v2/edit parameters, as under `edit:`
 *       checks: { minFill: 0.8 }        # figures by check name; false drops an inherited one
 *
 * Each is validated like the rest of the file: a key, parameter, value or check it does not
 * know, and an `extends` that names no preset or goes round in a circle, are refused with
 * the file and key.
 */
import { parseColor } from '../params/color.js';
import { buildParamSet, canonicalName, type ParamEntry, type ParamSet, type RawParam } from '../params/paramset.js';
import { isParamValue, type ParamValue } from '../params/types.js';
import { didYouMean } from '../near-miss.js';
import { imageFormatNamed, valueMeaning } from '../params/values.js';
import { presetContradictions } from '../presets/contradictions.js';
import { presetRawParams } from '../presets/params.js';
import { builtInPreset, PRESETS } from '../presets/table.js';
import { CHECK_NAMES, IMAGE_FORMATS, type CheckName, type ImageFormat, type Preset } from '../presets/types.js';
import { unknownSectionKey } from './keys.js';
import type { LoadedConfig } from './load.js';
import { configLabel, flatten } from './resolve.js';

const PRESET_KEYS = ['extends', 'description', 'params', 'checks'];

type Read<Value> = { ok: true; value: Value } | { ok: false; expected: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A finite number that passes the test: YAML's `.inf` and `.nan` are numbers too. */
function number(value: unknown, test: (n: number) => boolean, expected: string): Read<number> {
  return typeof value === 'number' && Number.isFinite(value) && test(value)
    ? { ok: true, value }
    : { ok: false, expected };
}

const SHARE = (value: unknown) => number(value, (n) => n > 0 && n <= 1, 'a share from 0 (excluded) to 1');
const PIXELS = (value: unknown) => number(value, (n) => Number.isSafeInteger(n) && n > 0, 'a whole number above 0');

const FIGURE_READERS: { readonly [Name in CheckName]: (value: unknown) => Read<unknown> } = {
  background: (value) => {
    const color = isRecord(value) && typeof value.color === 'string' ? parseColor(value.color) : null;
    const purity = isRecord(value) ? SHARE(value.purity) : null;
    return color && !color.hasAlpha && purity?.ok && Object.keys(value as object).length === 2
      ? { ok: true, value: { color: color.canonical, purity: purity.value } }
      : { ok: false, expected: '{ color: a colour without alpha, purity: a share from 0 (excluded) to 1 }' };
  },
  minFill: SHARE,
  maxFill: SHARE,
  minLongestSide: PIXELS,
  maxLongestSide: PIXELS,
  minShortestSide: PIXELS,
  maxPixels: PIXELS,
  maxBytes: PIXELS,
  aspect: (value) => number(value, (n) => n > 0, 'width over height, a finite number above 0'),
  formats: (value) => {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const formats = items.map((item): unknown => (typeof item === 'string' ? imageFormatNamed(item) : item));
    const known = (item: unknown): item is ImageFormat => IMAGE_FORMATS.some((format) => format === item);
    return items.length > 0 && formats.every(known)
      ? { ok: true, value: formats }
      : { ok: false, expected: `a list of ${IMAGE_FORMATS.join(', ')}` };
  },
  colorSpace: (value) => (value === 'rgb' ? { ok: true, value } : { ok: false, expected: 'rgb' }),
  bitDepth: (value) => number(value, (n) => n === 8 || n === 16, '8 or 16'),
  noBorder: (value) => (value === true ? { ok: true, value } : { ok: false, expected: 'true' }),
  noAnimation: (value) => (value === true ? { ok: true, value } : { ok: false, expected: 'true' }),
  noText: (value) => (value === true ? { ok: true, value } : { ok: false, expected: 'true' }),
};

interface Draft {
  extends?: string;
  description?: string;
  params: Record<string, ParamValue>;
  checks: Record<string, unknown>;
  dropped: string[];
}

function readDraft(config: LoadedConfig, name: string, value: unknown, problems: string[]): Draft | null {
  const label = (key: string) => configLabel(config, `presets.${name}${key ? `.${key}` : ''}`);
  if (!isRecord(value)) {
    problems.push(`${label('')}: expected an object of ${PRESET_KEYS.join(', ')}`);
    return null;
  }
  const draft: Draft = { params: {}, checks: {}, dropped: [] };
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'extends' || key === 'description') {
      if (typeof inner === 'string' && inner.trim() !== '') draft[key] = inner.trim();
      else problems.push(`${label(key)}: expected a non-empty text`);
    } else if (key === 'params') {
      const entries: [string, unknown][] = [];
      flatten('', inner, entries);
      for (const [param, given] of entries) {
        const unknown = unknownSectionKey('edit', param);
        if (unknown) problems.push(`${label(`params.${param}`)}: ${unknown}`);
        else if (!isParamValue(given))
          problems.push(`${label(`params.${param}`)}: expected a string, number or boolean`);
        else draft.params[canonicalName(param)] = given;
      }
    } else if (key === 'checks') {
      for (const [check, figure] of Object.entries(isRecord(inner) ? inner : {})) {
        const reader = (FIGURE_READERS as Record<string, ((value: unknown) => Read<unknown>) | undefined>)[check];
        if (!reader) {
          problems.push(`${label(`checks.${check}`)}: unknown check${didYouMean(check, CHECK_NAMES)}`);
          continue;
        }
        if (figure === false) {
          draft.dropped.push(check);
          continue;
        }
        const read = reader(figure);
        if (read.ok) draft.checks[check] = read.value;
        else
          problems.push(
            `${label(`checks.${check}`)}: invalid value ${JSON.stringify(figure)}; expected ${read.expected}`,
          );
      }
      if (!isRecord(inner)) problems.push(`${label(key)}: expected an object of figures by check name`);
    } else
      problems.push(
        `${label(key)}: unknown key${didYouMean(key, PRESET_KEYS) || `; expected ${PRESET_KEYS.join(', ')}`}`,
      );
  }
  return draft;
}

const rawSources = (raws: RawParam[]) => Object.fromEntries(raws.map((raw) => [raw.name, raw.source]));

/** Pairs of checks whose figures cannot both hold: the first's at most the second's. */
const ORDERED_FIGURES: readonly [CheckName, CheckName, (figure: number) => number][] = [
  ['minFill', 'maxFill', (fill) => fill],
  ['minLongestSide', 'maxLongestSide', (side) => side],
  ['minShortestSide', 'maxLongestSide', (side) => side],
  ['minShortestSide', 'maxPixels', (side) => side * side],
];

/**
 * What is wrong with a config preset once merged over its base: its parameters under the
 * table's rules, its parameters against its own checks, and checks no image can meet.
 * Checked after merging, so a parameter may lean on its base's (`maxWidth` on a base's
 * `outputSize originalImage`).
 */
function mergedProblems(
  preset: Preset,
  sources: Readonly<Record<string, string>>,
  checkLabel: (check: CheckName) => string,
): string[] {
  const raws = Object.entries(preset.params).map(([name, value]) => ({
    name,
    value,
    source: sources[name] ?? name,
  }));
  const built = buildParamSet('edit', raws, { hasInputImage: true });
  if (built.problems.length > 0) return built.problems;
  const figure = (check: CheckName) => preset.checks[check]?.figure;
  const impossible = ORDERED_FIGURES.flatMap(([least, most, scale]) => {
    const low = figure(least);
    const high = figure(most);
    return typeof low === 'number' && typeof high === 'number' && scale(low) > high
      ? [`${checkLabel(least)}: ${least} ${low} cannot be met with ${most} ${high}`]
      : [];
  });
  return [...impossible, ...presetContradictions(preset, built.params)];
}

export interface ConfigPresets {
  presets: Preset[];
  problems: string[];
}

/** The presets of the config file, each merged over the one it extends. */
export function configPresets(config: LoadedConfig): ConfigPresets {
  const given = config.values.presets;
  const problems: string[] = [];
  if (given === undefined || given === null) return { presets: [], problems };
  if (!isRecord(given))
    return { presets: [], problems: [`${configLabel(config, 'presets')}: expected an object of presets by name`] };
  const drafts = new Map<string, Draft>();
  for (const [name, value] of Object.entries(given)) {
    if (builtInPreset(name)) {
      problems.push(
        `${configLabel(config, `presets.${name}`)}: ${name} is a built-in preset; give yours another name (extends: ${name})`,
      );
      continue;
    }
    const draft = readDraft(config, name, value, problems);
    if (draft) drafts.set(name, draft);
  }
  const merged = new Map<string, Preset>();
  // A preset that failed (a circle, an unknown base) is said once, not again by each that extends it.
  const failed = new Set<string>();
  // Where each merged preset's parameters come from: the config file's key, or the built-in's name.
  const paramSources = new Map<string, Record<string, string>>();
  const resolve = (name: string, chain: string[]): Preset | null => {
    const done = merged.get(name) ?? builtInPreset(name);
    if (done) return done;
    const draft = drafts.get(name);
    if (!draft || failed.has(name)) return null;
    failed.add(name);
    const label = configLabel(config, `presets.${name}.extends`);
    let base: Preset | null = null;
    if (draft.extends !== undefined) {
      // The preset itself is in the circle too: `a: { extends: a }`.
      if (draft.extends === name || chain.includes(draft.extends)) {
        problems.push(`${label}: ${[...chain, name, draft.extends].join(' → ')} goes round in a circle`);
        return null;
      }
      base = resolve(draft.extends, [...chain, name]);
      if (!base) {
        if (!drafts.has(draft.extends) && !builtInPreset(draft.extends))
          problems.push(
            `${label}: unknown preset ${JSON.stringify(draft.extends)}${didYouMean(draft.extends, [...PRESETS.map((preset) => preset.name), ...drafts.keys()])}`,
          );
        return null;
      }
    }
    // Each figure here was read by its check's reader (FIGURE_READERS) before it is stored.
    const checks: Record<string, unknown> = { ...base?.checks };
    for (const check of draft.dropped) delete checks[check];
    for (const [check, figure] of Object.entries(draft.checks))
      checks[check] = { figure, source: configLabel(config, `presets.${name}.checks.${check}`) };
    const preset: Preset = {
      name,
      description: draft.description ?? (base ? `${base.name}, changed in ${configLabel(config, 'presets')}` : ''),
      params: { ...base?.params, ...draft.params },
      checks,
      configFile: config.path ?? undefined,
    };
    const inherited = base && (paramSources.get(base.name) ?? rawSources(presetRawParams(base)));
    const sources = { ...inherited };
    for (const param of Object.keys(draft.params))
      sources[param] = configLabel(config, `presets.${name}.params.${param}`);
    const invalid = mergedProblems(preset, sources, (check) => configLabel(config, `presets.${name}.checks.${check}`));
    problems.push(...invalid);
    if (invalid.length > 0) return null;
    failed.delete(name);
    merged.set(name, preset);
    paramSources.set(name, sources);
    return preset;
  };
  for (const name of drafts.keys()) resolve(name, []);
  return { presets: [...merged.values()], problems };
}

export interface ChosenPreset {
  preset?: Preset;
  problems: string[];
}

/**
 * The preset a run names (`--preset`, PHOTOROOM_PRESET or the config's `preset`), built in
 * or from the config file, whose presets are checked whether the run names one or not.
 */
export function choosePreset(name: string | undefined, source: string | undefined, config: LoadedConfig): ChosenPreset {
  const fromConfig = configPresets(config);
  if (name === undefined) return { problems: fromConfig.problems };
  const preset = builtInPreset(name) ?? fromConfig.presets.find((candidate) => candidate.name === name);
  if (preset || fromConfig.problems.length > 0) return { preset, problems: fromConfig.problems };
  const names = [...PRESETS, ...fromConfig.presets].map((candidate) => candidate.name);
  return {
    problems: [
      `${source ?? '--preset'} ${JSON.stringify(name)}: unknown preset${didYouMean(name, names) || `; expected one of ${names.join(', ')}`} (\`photoroom presets\` lists them)`,
    ],
  };
}

/** What a parameter entry's value means, however it is spelt (params/values.ts). */
function meaning(entry: ParamEntry): string {
  return valueMeaning(entry.spec?.kind ?? entry.layerField?.kind, entry.value);
}

/**
 * One warning per preset parameter that a higher source set to another value:
 * `--padding 0.06 overrides amazon's padding 0.05`. A value of the same meaning
 * (`--format jpg`, `--bg white`, `--padding 5%` for amazon's) overrides nothing.
 */
export function presetOverrides(preset: Preset, raws: readonly RawParam[], params: ParamSet): string[] {
  const own = buildParamSet('edit', raws, { hasInputImage: true }).params;
  return own.entries().flatMap((mine) => {
    const chosen = params.entry(mine.name);
    return chosen && chosen.source !== mine.source && meaning(chosen) !== meaning(mine)
      ? [`${chosen.source} ${String(chosen.value)} overrides ${preset.name}'s ${mine.name} ${String(mine.value)}`]
      : [];
  });
}
