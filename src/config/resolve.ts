/**
 * The one precedence function: flags > environment > config file > defaults, for run
 * options; flags > config file for API parameters (which have no environment variables
 * and whose defaults are the API's own, never sent).
 */
import path from 'node:path';
import { duplicateProblems, resolveParamName, type RawParam } from '../params/paramset.js';
import { MAX_SHARDS, parseShard, type Shard } from '../inputs/shard.js';
import { LAYER_FIELDS } from '../params/table.js';
import type { Endpoint, ParamValue } from '../params/types.js';
import { BOOLEAN_EXPECTED, readBooleanWord, readNumber } from '../params/values.js';
import { TOP_LEVEL_KEYS, unknownSectionKey, unknownTopLevelKey } from './keys.js';
import type { LoadedConfig } from './load.js';
import { runOptionsFor, type CommandName, type RunOptionKey, type RunOptionSpec, type RunSettings } from './options.js';

/** A value and where it came from, for messages. */
interface Sourced {
  readonly value: unknown;
  readonly source: string;
}

type RunValue = string | number | boolean | string[] | Shard;

type ReadResult = { ok: true; value: RunValue } | { ok: false; expected: string };

function readRunOption(spec: RunOptionSpec, value: unknown): ReadResult {
  if (spec.kind === 'switch') {
    const on = typeof value === 'boolean' ? value : readBooleanWord(String(value));
    return on === undefined ? { ok: false, expected: BOOLEAN_EXPECTED } : { ok: true, value: on };
  }
  if (spec.kind === 'list') return readList(value);
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : null;
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
      const fits = n !== null && (!whole || Number.isInteger(n)) && n >= (spec.minimum ?? 0) && n <= (spec.maximum ?? Infinity);
      const noun = whole ? 'a whole number' : 'a number of seconds';
      return fits ? { ok: true, value: n } : { ok: false, expected: `${noun} from ${spec.minimum} to ${spec.maximum}` };
    }
    case 'shard': {
      const shard = parseShard(text);
      return shard ? { ok: true, value: shard } : { ok: false, expected: `I/N, shard I of N counted from 1 (N up to ${MAX_SHARDS}), such as 2/3` };
    }
  }
}

/** A repeatable flag gives a list; a config file may give a list or one text. */
function readList(value: unknown): ReadResult {
  const items = Array.isArray(value) ? value : [value];
  const texts = items.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  return texts.length === items.length ? { ok: true, value: texts } : { ok: false, expected: 'a list of non-empty texts' };
}

function configLabel(config: LoadedConfig, key: string): string {
  return `${path.basename(config.path ?? 'config')}: ${key}`;
}

function firstGiven(candidates: readonly (Sourced | undefined)[]): Sourced | undefined {
  return candidates.find((candidate) => candidate !== undefined && candidate.value !== undefined);
}

export interface ResolvedRunOptions {
  settings: RunSettings;
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
  const settings: Partial<Record<RunOptionKey, RunValue>> = {};
  const problems: string[] = [];
  for (const [key, spec] of runOptionsFor(command)) {
    const fromConfig = config.values[key];
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    const chosen = firstGiven([
      { value: flags[key], source: spec.flag },
      spec.env && fromEnv !== undefined && fromEnv !== '' ? { value: fromEnv, source: spec.env } : undefined,
      { value: fromConfig, source: configLabel(config, key) },
    ]);
    if (!chosen) {
      if (spec.default !== undefined) settings[key] = Array.isArray(spec.default) ? [...spec.default] : (spec.default as RunValue);
      continue;
    }
    const read = readRunOption(spec, chosen.value);
    if (!read.ok) {
      // The key itself is never echoed back.
      const shown = spec.kind === 'secret' ? '' : ` ${JSON.stringify(chosen.value)}`;
      problems.push(`${chosen.source}: invalid value${shown}; expected ${read.expected}`);
      continue;
    }
    // Paths in a config file are relative to the file, like other tools' configs.
    settings[key] =
      spec.kind === 'path' && chosen.value === fromConfig && config.path
        ? path.resolve(path.dirname(config.path), String(read.value))
        : read.value;
  }
  // Every setting without a default is optional, and every row's reader gives its setting's type.
  return { settings: settings as RunSettings, problems };
}

/** Top-level config keys that are neither run options nor parameter sections, each with a hint. */
export function unknownConfigKeys(config: LoadedConfig): string[] {
  return Object.keys(config.values)
    .filter((key) => !TOP_LEVEL_KEYS.has(key))
    .map((key) => `${configLabel(config, key)}: ${unknownTopLevelKey(key)}`);
}

/** `{ background: { color: "white" } }` and `{ "background.color": "white" }` both give `background.color`. */
function flatten(prefix: string, value: unknown, out: [string, unknown][]): void {
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
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      problems.push(`${source}: expected a string, number or boolean`);
      continue;
    }
    const resolved = isFileParam(name) && config.path && typeof value === 'string'
      ? path.resolve(path.dirname(config.path), value)
      : value;
    params.push({ name, value: resolved as ParamValue, source });
  }
  problems.push(...duplicateProblems(params));
  return { params, problems };
}
