/**
 * The table as command-line flags: commander options (with `--help` text and groups), the
 * argv pre-pass for template layer flags and bare boolean flags, and reading parsed options
 * back into raw parameter values.
 */
import { Option } from 'commander';
import type { RawParam } from './paramset.js';
import { flagOf, LAYER_FIELDS, paramsFor } from './table.js';
import type { Endpoint, ParamSpec, ParamValue } from './types.js';
import { describeKind, readBooleanWord } from './values.js';

export interface FlagBinding {
  readonly option: Option;
  readonly spec: ParamSpec;
  /** The flag as the user types it, e.g. `--bg`. */
  readonly flag: string;
}

const LONGEST_INLINE_CHOICES = 36;

function placeholder(spec: ParamSpec): string {
  const text = spec.kind === 'boolean' ? 'true|false' : describeKind(spec);
  return text.length <= LONGEST_INLINE_CHOICES && !text.includes(' ') ? text : 'value';
}

function helpText(spec: ParamSpec, aliases: readonly string[]): string {
  const parts = [spec.description];
  if (placeholder(spec) === 'value') parts.push(`(${spec.kind === 'enum' ? `one of ${describeKind(spec).replaceAll('|', ', ')}` : describeKind(spec)})`);
  if (spec.default !== undefined) parts.push(`(API default: ${String(spec.default)})`);
  if (aliases.length > 0) parts.push(`(alias: ${aliases.map((alias) => `--${alias}`).join(', ')})`);
  return parts.join(' ');
}

function makeOption(flag: string, spec: ParamSpec, description: string): Option {
  // Booleans take an optional value so that a bare `--crop` means true.
  const argument = spec.kind === 'boolean' ? `[${placeholder(spec)}]` : `<${placeholder(spec)}>`;
  return new Option(`--${flag} ${argument}`, description).helpGroup(`${spec.group} options:`);
}

/** One commander option per flag and per alias (aliases are hidden from `--help`). */
export function paramFlagBindings(endpoint: Endpoint): FlagBinding[] {
  return paramsFor(endpoint).flatMap((spec) => {
    const flag = flagOf(spec);
    if (flag === null || spec.kind === 'layers') return [];
    const aliases = spec.aliases ?? [];
    const main: FlagBinding = { option: makeOption(flag, spec, helpText(spec, aliases)), spec, flag: `--${flag}` };
    const hidden = aliases.map((alias) => ({
      option: makeOption(alias, spec, `alias of --${flag}`).hideHelp(),
      spec,
      flag: `--${alias}`,
    }));
    return [main, ...hidden];
  });
}

/** The `--help` paragraph for template layer flags, from LAYER_FIELDS. */
export function layerFlagsHelp(): string {
  const fields = LAYER_FIELDS.map((field) => field.path).join(', ');
  return `Template layers (with --templateId): --layers.<layerId>.<field> VALUE, where <field> is one of:\n  ${fields}`;
}

const LAYER_FLAG = /^--(layers\.[^=]+)(?:=(.*))?$/s;

export interface PreparsedArgv {
  argv: string[];
  layerParams: RawParam[];
  problems: string[];
}

/** The word after a bare boolean flag is its value only when it is a boolean spelling, or empty (refused later). */
function isBooleanValue(word: string | undefined): word is string {
  return word !== undefined && (word === '' || readBooleanWord(word) !== undefined);
}

/**
 * Runs before commander: takes out `--layers.<id>.<field>` flags (their names are open-ended)
 * and gives every bare boolean flag its value (`--crop no` → `--crop=no`, `--crop photo.jpg`
 * → `--crop=true photo.jpg`), so that a word that is not a boolean stays an input.
 */
export function preparseArgv(argv: readonly string[], endpoint: Endpoint | null): PreparsedArgv {
  const booleanFlags = new Set(
    endpoint ? paramFlagBindings(endpoint).filter((b) => b.spec.kind === 'boolean').map((b) => b.flag) : [],
  );
  const out: string[] = [];
  const layerParams: RawParam[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const layer = endpoint === 'edit' ? LAYER_FLAG.exec(token) : null;
    if (layer?.[1]) {
      const value = layer[2] ?? argv[++i];
      if (value === undefined) problems.push(`--${layer[1]}: missing value`);
      else layerParams.push({ name: layer[1], value, source: `--${layer[1]}` });
      continue;
    }
    if (booleanFlags.has(token)) {
      out.push(`${token}=${isBooleanValue(argv[i + 1]) ? (argv[++i] ?? '') : 'true'}`);
      continue;
    }
    out.push(token);
  }
  return { argv: out, layerParams, problems };
}

/** Reads parsed option values back into raw parameters, refusing a parameter given twice. */
export function rawParamsFromOptions(
  bindings: readonly FlagBinding[],
  values: Record<string, unknown>,
): { params: RawParam[]; problems: string[] } {
  const params: RawParam[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { option, spec, flag } of bindings) {
    const value = values[option.attributeName()];
    if (value === undefined) continue;
    const earlier = seen.get(spec.name);
    if (earlier) {
      problems.push(`${earlier} and ${flag} both set ${spec.name}; give it once`);
      continue;
    }
    seen.set(spec.name, flag);
    params.push({ name: spec.name, value: value as ParamValue, source: flag });
  }
  return { params, problems };
}

/** `--param name=value`, repeatable: any field, known or not (forward compatibility). */
export function rawParamsFromPassThrough(pairs: readonly string[]): { params: RawParam[]; problems: string[] } {
  const params: RawParam[] = [];
  const problems: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push(`--param ${pair}: expected NAME=VALUE`);
      continue;
    }
    const name = pair.slice(0, at);
    params.push({ name, value: pair.slice(at + 1), source: `--param ${name}`, passThrough: true });
  }
  return { params, problems };
}
