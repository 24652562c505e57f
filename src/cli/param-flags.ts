/**
 * The table as command-line flags: commander options (with `--help` text and groups), the
 * argv pre-pass (template layer flags, bare boolean flags, parameters given twice), and
 * reading parsed options back into raw parameter values.
 */
import { Option } from 'commander';
import { allowRepeats } from './given-once.js';
import { AliasedOption, COMMON_OPTIONS } from './help.js';
import { COMMAND_LINE_OPTIONS } from '../config/options.js';
import { duplicateProblems, type RawParam } from '../params/paramset.js';
import { flagOf, isKeyed, LAYER_FIELDS, paramByName, paramsFor } from '../params/table.js';
import { isParamValue, type Endpoint, type ParamSpec } from '../params/types.js';
import { describeKind, readBooleanWord } from '../params/values.js';

export interface FlagBinding {
  readonly option: Option;
  readonly spec: ParamSpec;
  /** The flag as the user types it, e.g. `--bg`. */
  readonly flag: string;
}

/** Longer choices are listed in the description, keeping the flag column narrow. */
const LONGEST_INLINE_CHOICES = 22;

function placeholder(spec: ParamSpec): string {
  const text = spec.kind === 'boolean' ? 'true|false' : describeKind(spec);
  return text.length <= LONGEST_INLINE_CHOICES && !text.includes(' ') ? text : 'value';
}

/** What a flag takes, in words that wrap: `one of a, b`, `degrees or one of a, b`. */
function valuesText(spec: ParamSpec): string {
  const choices = (spec.enum ?? []).join(', ');
  if (spec.kind === 'enum') return `one of ${choices}`;
  return spec.kind === 'numberOrPreset' ? `degrees or one of ${choices}` : describeKind(spec);
}

function helpText(spec: ParamSpec): string {
  const parts = [spec.description];
  if (placeholder(spec) === 'value') parts.push(`(${valuesText(spec)})`);
  if (spec.default !== undefined) parts.push(`(API default: ${String(spec.default)})`);
  return parts.join(' ');
}

function flagTerm(flag: string, spec: ParamSpec): string {
  // Booleans take an optional value so that a bare `--crop` means true.
  return `--${flag} ${spec.kind === 'boolean' ? `[${placeholder(spec)}]` : `<${placeholder(spec)}>`}`;
}

/**
 * One commander option per flag and per alias. The flag's own option shows its aliases in
 * `--help`; the aliases' options, hidden, let commander read them.
 */
export function paramFlagBindings(endpoint: Endpoint): FlagBinding[] {
  return paramsFor(endpoint).flatMap((spec) => {
    const flag = flagOf(spec);
    // Open-ended names (`--layers.<id>.<field>`, `--editWithAI.additionalImages.<key>.imageUrl`) are read by preparseArgv.
    if (flag === null || spec.kind === 'layers' || isKeyed(spec)) return [];
    const aliases = (spec.aliases ?? []).map((alias) => `--${alias}`);
    // preparseArgv refuses a parameter given twice, across all its spellings.
    const shown = allowRepeats(
      new AliasedOption(flagTerm(flag, spec), helpText(spec), aliases).helpGroup(
        spec.common ? COMMON_OPTIONS : `${spec.group} options:`,
      ),
    );
    const hidden = aliases.map((alias) => ({
      option: allowRepeats(new Option(flagTerm(alias.slice(2), spec)).hideHelp()),
      spec,
      flag: alias,
    }));
    return [{ option: shown, spec, flag: `--${flag}` }, ...hidden];
  });
}

/** The paragraph on template layer flags, from LAYER_FIELDS. */
export function layerFlagsHelp(): string {
  const fields = LAYER_FIELDS.map((field) => field.path).join(', ');
  return `Template layers (with --templateId): --layers.<layerId>.<field> VALUE, where <field> is one of: ${fields}.`;
}

/** The paragraph on keyed flags, whose <key> the user chooses, from the keyed rows. */
export function keyedFlagsHelp(): string {
  const flags = paramsFor('edit')
    .filter(isKeyed)
    .map((spec) => `--${flagOf(spec)} ${spec.kind === 'file' ? 'FILE (POST)' : 'URL'}`);
  return `Keyed images: ${flags.join(', ')}, where <key> is a name of your choice (front, back...), one flag per image.`;
}

const INLINE_VALUE = /^(--[^=]+)=(.*)$/s;
const LAYER_FLAG = /^--layers\./;

/** A flag whose name the user completes: a template layer's field, or a keyed row's key (`--editWithAI.additionalImages.front.imageUrl`). */
function isOpenEnded(flag: string): boolean {
  const spec = paramByName(flag.slice(2));
  return LAYER_FLAG.test(flag) || (spec !== undefined && isKeyed(spec));
}

export interface PreparsedArgv {
  argv: string[];
  openEndedParams: RawParam[];
  problems: string[];
}

/** `--flag=value` → the flag and its value; any other token → itself and no value. */
function splitInline(token: string): [flag: string, inline: string | undefined] {
  const match = INLINE_VALUE.exec(token);
  return match?.[1] ? [match[1], match[2]] : [token, undefined];
}

/** The word after a bare boolean flag is its value only when it is a boolean spelling, or empty (refused later). */
function isBooleanValue(word: string | undefined): word is string {
  return word !== undefined && (word === '' || readBooleanWord(word) !== undefined);
}

/** How the value of a flag that sets a parameter becomes that parameter; null for any other token. */
function parameterOf(
  flag: string,
  bindings: ReadonlyMap<string, FlagBinding>,
  endpoint: Endpoint,
): ((value: string) => RawParam | undefined) | null {
  const spec = bindings.get(flag)?.spec;
  if (spec) return (value) => ({ name: spec.name, value, source: flag });
  if (flag === COMMAND_LINE_OPTIONS.param.flag) return (pair) => rawParamsFromPassThrough([pair]).params[0];
  if (endpoint === 'edit' && isOpenEnded(flag)) return (value) => ({ name: flag.slice(2), value, source: flag });
  return null;
}

/**
 * Runs before commander, which keeps only the last value of a flag given twice and would let
 * a bare boolean flag swallow the next word. Takes out `--layers.<id>.<field>` flags (their
 * names are open-ended), gives every bare boolean flag its value (`--crop no` → `--crop=no`,
 * `--crop photo.jpg` → `--crop=true photo.jpg`), and refuses a parameter set twice on the
 * command line, whatever the spellings (flag, alias, `--flag=value`, `--param`).
 */
export function preparseArgv(argv: readonly string[], endpoint: Endpoint): PreparsedArgv {
  const bindings = new Map(paramFlagBindings(endpoint).map((binding) => [binding.flag, binding]));
  const result: PreparsedArgv = { argv: [], openEndedParams: [], problems: [] };
  const given: RawParam[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      result.argv.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = splitInline(token);
    const spec = bindings.get(flag)?.spec;
    if (spec?.kind === 'boolean' && inline === undefined) {
      const value = isBooleanValue(argv[i + 1]) ? (argv[++i] ?? '') : 'true';
      result.argv.push(`${flag}=${value}`);
      given.push({ name: spec.name, value, source: flag });
      continue;
    }
    const toParam = parameterOf(flag, bindings, endpoint);
    if (!toParam) {
      result.argv.push(token);
      continue;
    }
    // Like commander, a flag that needs a value takes the next token, whatever it is.
    const value = inline ?? argv[++i];
    const param = value === undefined ? undefined : toParam(value);
    if (param) given.push(param);
    if (!(endpoint === 'edit' && isOpenEnded(flag))) {
      result.argv.push(token, ...(inline === undefined && value !== undefined ? [value] : []));
    } else if (param) result.openEndedParams.push(param);
    else result.problems.push(`${flag}: missing value`);
  }
  result.problems.push(...duplicateProblems(given));
  return result;
}

/** Reads parsed option values back into raw parameters (preparseArgv has refused duplicates). */
export function rawParamsFromOptions(bindings: readonly FlagBinding[], values: Record<string, unknown>): RawParam[] {
  return bindings.flatMap(({ option, spec, flag }) => {
    const value = values[option.attributeName()];
    return isParamValue(value) ? [{ name: spec.name, value, source: flag }] : [];
  });
}

/** `--param name=value`, repeatable: any field, known or not (forward compatibility); never an empty value. */
export function rawParamsFromPassThrough(pairs: readonly string[]): { params: RawParam[]; problems: string[] } {
  const params: RawParam[] = [];
  const problems: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      problems.push(`--param ${pair}: expected NAME=VALUE`);
      continue;
    }
    const name = pair.slice(0, at);
    params.push({
      name,
      value: pair.slice(at + 1),
      source: `--param ${name}`,
      passThrough: true,
      sendUnknownValue: true,
    });
  }
  return { params, problems };
}
