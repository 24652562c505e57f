/**
 * The one precedence function: flags > environment > config file > defaults, for run
 * options; flags > config file for API parameters (which have no environment variables
 * and whose defaults are the API's own, never sent).
 */
import path from 'node:path';
import { duplicateProblems, resolveParamName, type RawParam } from '../params/paramset.js';
import { MAX_SHARDS, parseShard, parseShardCount, type Shard } from '../inputs/shard.js';
import { LAYER_FIELDS } from '../params/table.js';
import { isParamValue, type Endpoint } from '../params/types.js';
import { BOOLEAN_EXPECTED, readBooleanWord, readNumber } from '../params/values.js';
import { TOP_LEVEL_KEYS, unknownSectionKey, unknownTopLevelKey } from './keys.js';
import type { LoadedConfig } from './load.js';
import {
  runOptionRows,
  runOptionsFor,
  type CommandName,
  type RunOptionKey,
  type RunOptionSpec,
  type RunSettings,
} from './options.js';

/** The sources of a run option, highest precedence first. */
type Layer = 'flag' | 'env' | 'config';

/** A value and where it came from, for messages. */
interface Sourced {
  readonly value: unknown;
  readonly source: string;
  readonly layer: Layer;
}

/** A value as the user gave it: `--shards "3"`, `PHOTOROOM_SHARDS="3"`, `.photoroomrc: shards 3`. */
function shownAs(given: Sourced): string {
  return `${given.source}${given.layer === 'env' ? '=' : ' '}${JSON.stringify(given.value)}`;
}

type RunValue = string | number | boolean | string[] | Shard;

type ReadResult = { ok: true; value: RunValue } | { ok: false; expected: string };

const SHARD_EXPECTED = `I/N, shard I of N counted from 1 (N up to ${MAX_SHARDS}), such as 2/3, in digits only (no spaces, signs or leading zeros)`;
const SHARD_COUNT_EXPECTED = `a whole number from 1 to ${MAX_SHARDS} in digits only (no spaces, signs or leading zeros)`;

/**
 * A YAML config reads an unquoted `2026-04-15` as a date (a model version, say): the text as
 * written, the day alone when it had no time of day.
 */
function yamlDateText(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function readRunOption(spec: RunOptionSpec, value: unknown): ReadResult {
  if (spec.kind === 'switch') {
    const on = typeof value === 'boolean' ? value : readBooleanWord(String(value));
    return on === undefined ? { ok: false, expected: BOOLEAN_EXPECTED } : { ok: true, value: on };
  }
  if (spec.kind === 'list') return readList(value);
  const given =
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : value instanceof Date
          ? yamlDateText(value)
          : null;
  // A shard is read exactly as given: one that only looks right could be another machine's.
  if (spec.kind === 'shard') {
    const shard = given === null ? null : parseShard(given);
    return shard ? { ok: true, value: shard } : { ok: false, expected: SHARD_EXPECTED };
  }
  if (spec.kind === 'shard-count') {
    const count = given === null ? null : parseShardCount(given);
    return count === null ? { ok: false, expected: SHARD_COUNT_EXPECTED } : { ok: true, value: count };
  }
  const text = given?.trim() ?? null;
  if (text === null || text === '') return { ok: false, expected: 'a non-empty value' };
  switch (spec.kind) {
    case 'text':
    case 'secret':
    case 'path':
      return { ok: true, value: text };
    case 'url': {
      try {
        const url = new URL(text);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
        return { ok: true, value: url.origin + url.pathname.replace(/\/+$/, '') };
      } catch {
        return { ok: false, expected: 'an http:// or https:// URL' };
      }
    }
    case 'count':
    case 'seconds': {
      const n = readNumber(text);
      const whole = spec.kind === 'count';
      const fits =
        n !== null && (!whole || Number.isInteger(n)) && n >= (spec.minimum ?? 0) && n <= (spec.maximum ?? Infinity);
      const noun = whole ? 'a whole number' : 'a number of seconds';
      return fits ? { ok: true, value: n } : { ok: false, expected: `${noun} from ${spec.minimum} to ${spec.maximum}` };
    }
  }
}

/** A repeatable flag gives a list; a config file may give a list or one text. */
function readList(value: unknown): ReadResult {
  const items = Array.isArray(value) ? value : [value];
  const texts = items.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  return texts.length === items.length
    ? { ok: true, value: texts }
    : { ok: false, expected: 'a list of non-empty texts' };
}

export function configLabel(config: LoadedConfig, key: string): string {
  return `${path.basename(config.path ?? 'config')}: ${key}`;
}

/** Where a run option is given, highest precedence first: its flag, its environment variable, the config file. */
function sourcesOf(
  key: RunOptionKey,
  spec: RunOptionSpec,
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  config: LoadedConfig,
): Sourced[] {
  const fromEnv = spec.env === undefined ? undefined : env[spec.env];
  const candidates: (Sourced | false | undefined)[] = [
    { value: flags[key], source: spec.flag, layer: 'flag' },
    spec.env !== undefined &&
      fromEnv !== undefined &&
      fromEnv !== '' && { value: fromEnv, source: spec.env, layer: 'env' },
    { value: config.values[key], source: configLabel(config, key), layer: 'config' },
  ];
  return candidates.filter(
    (candidate): candidate is Sourced =>
      candidate !== undefined && candidate !== false && candidate.value !== undefined,
  );
}

const LAYERS: readonly Layer[] = ['flag', 'env', 'config'];

/**
 * Two rows that set one thing (`alternativeTo`) are one setting: the highest source giving
 * either decides, so `--shard 1/3` beats PHOTOROOM_SHARDS as it beats PHOTOROOM_SHARD; one
 * source giving both is refused, naming both.
 */
function settleAlternatives(
  chosen: Map<RunOptionKey, Sourced>,
  rows: readonly [RunOptionKey, RunOptionSpec][],
  problems: string[],
): void {
  for (const [key, spec] of rows) {
    const other = spec.alternativeTo;
    const mine = chosen.get(key);
    const theirs = other === undefined ? undefined : chosen.get(other);
    if (other === undefined || mine === undefined || theirs === undefined) continue;
    const rank = LAYERS.indexOf(mine.layer) - LAYERS.indexOf(theirs.layer);
    if (rank === 0) {
      problems.push(`${shownAs(theirs)} and ${shownAs(mine)} both choose the ${other}; give one`);
      chosen.delete(key);
      chosen.delete(other);
    } else chosen.delete(rank > 0 ? key : other);
  }
}

type SettingValues = Partial<Record<RunOptionKey, RunValue>>;

/** Every setting with a default, at its default: what a run gets that nothing sets. */
function defaultValues(): SettingValues {
  const values: SettingValues = {};
  for (const [key, spec] of runOptionRows()) {
    if (spec.default !== undefined) values[key] = typeof spec.default === 'object' ? [...spec.default] : spec.default;
  }
  return values;
}

/**
 * Every setting with a default has a value: the settings without one are RunSettings'
 * optional fields. Each row's reader gives its setting's type (the table's kinds say which).
 */
function isWhole(values: SettingValues): values is RunSettings {
  return runOptionRows().every(([key, spec]) => spec.default === undefined || values[key] !== undefined);
}

export interface ResolvedRunOptions {
  settings: RunSettings;
  /** Where each setting that was given came from (`--shards`, `PHOTOROOM_SHARDS`, `.photoroomrc: shards`). */
  sources: Partial<Record<RunOptionKey, string>>;
  problems: string[];
}

/**
 * Each run option of `command` from, in order: `flags` (values typed on the command line,
 * by setting key), the environment, the config file, the row's default.
 */
export function resolveRunOptions(
  command: CommandName,
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  config: LoadedConfig,
): ResolvedRunOptions {
  const rows = runOptionsFor(command);
  // Another command's setting, and one that could not be read, keep their defaults.
  const settings = defaultValues();
  const sources: Partial<Record<RunOptionKey, string>> = {};
  const problems: string[] = [];
  const chosen = new Map<RunOptionKey, Sourced>();
  for (const [key, spec] of rows) {
    const [first] = sourcesOf(key, spec, flags, env, config);
    if (first) chosen.set(key, first);
  }
  settleAlternatives(chosen, rows, problems);
  for (const [key, spec] of rows) {
    const given = chosen.get(key);
    if (!given) continue;
    const read = readRunOption(spec, given.value);
    if (!read.ok) {
      // The key itself is never echoed back.
      const shown = spec.kind === 'secret' ? '' : ` ${JSON.stringify(given.value)}`;
      problems.push(`${given.source}: invalid value${shown}; expected ${read.expected}`);
      continue;
    }
    sources[key] = given.source;
    // Paths in a config file are relative to the file, like other tools' configs.
    settings[key] =
      spec.kind === 'path' && given.layer === 'config' && config.path && typeof read.value === 'string'
        ? path.resolve(path.dirname(config.path), read.value)
        : read.value;
  }
  if (!isWhole(settings)) throw new Error('a run setting with a default has no value');
  return { settings, sources, problems };
}

/** Top-level config keys that are neither run options nor parameter sections, each with a hint. */
export function unknownConfigKeys(config: LoadedConfig): string[] {
  return Object.keys(config.values)
    .filter((key) => !TOP_LEVEL_KEYS.has(key))
    .map((key) => `${configLabel(config, key)}: ${unknownTopLevelKey(key)}`);
}

/** `{ background: { color: "white" } }` and `{ "background.color": "white" }` both give `background.color`. */
export function flatten(prefix: string, value: unknown, out: [string, unknown][]): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, inner, out);
  } else {
    out.push([prefix, value]);
  }
}

function isFileParam(name: string): boolean {
  if (resolveParamName(name)?.kind === 'file') return true;
  const layerPath = /^layers\.[^.]+\.(.+)$/.exec(name)?.[1];
  return LAYER_FIELDS.some((field) => field.path === layerPath && field.kind === 'file');
}

/** The `edit:` or `segment:` section of the config file as raw parameters. */
export function configParams(endpoint: Endpoint, config: LoadedConfig): { params: RawParam[]; problems: string[] } {
  const section = config.values[endpoint];
  const params: RawParam[] = [];
  const problems: string[] = [];
  if (section === undefined || section === null) return { params, problems };
  const entries: [string, unknown][] = [];
  flatten('', section, entries);
  for (const [name, value] of entries) {
    const source = configLabel(config, `${endpoint}.${name}`);
    const unknown = unknownSectionKey(endpoint, name);
    if (unknown) {
      problems.push(`${source}: ${unknown}`);
      continue;
    }
    if (!isParamValue(value)) {
      problems.push(`${source}: expected a string, number or boolean`);
      continue;
    }
    const resolved =
      isFileParam(name) && config.path && typeof value === 'string'
        ? path.resolve(path.dirname(config.path), value)
        : value;
    params.push({ name, value: resolved, source });
  }
  problems.push(...duplicateProblems(params));
  return { params, problems };
}
