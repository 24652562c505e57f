/**
 * Raw parameter values from any source (flags, config file, form fields) → one validated
 * ParamSet. Sources are given lowest precedence first; a later value for a name wins (within
 * one source, a name given twice is refused first: see duplicateProblems).
 */
import { ENDPOINT_PATH } from './endpoints.js';
import { checkCrossFieldRules, type RuleContext } from './rules.js';
import { ParamSet, type ParamEntry } from './set.js';
import { CONTRACT_DATE, isKeyed, LAYER_FIELDS, paramByName, PARAMS } from './table.js';
import type { Endpoint, ParamSpec, ParamValue } from './types.js';
import { parseValue } from './values.js';

/** One value as given, before it is read: `name` is an API name or `layers.<id>.<path>`. */
export interface RawParam {
  readonly name: string;
  readonly value: ParamValue;
  /** Where it came from, as the user would recognise it: `--padding`, `.photoroomrc: edit.padding`. */
  readonly source: string;
  /** A name the table does not know is passed through with a warning (`--param`; the emulator, as the API ignores it). */
  readonly passThrough?: boolean;
  /** A value the table does not know, of a parameter it knows, is sent with a warning (`--param` only: the API refuses it). */
  readonly sendUnknownValue?: boolean;
}

export { ParamSet, type ParamEntry } from './set.js';

export interface BuildResult {
  params: ParamSet;
  /** One line per problem: each names the source, the value and what is allowed. */
  problems: string[];
  warnings: string[];
}

const LAYER_NAME = /^layers\.([^.]+)\.(.+)$/;

/** Finds the table row a field name refers to: its API name, or the object field it is sent as. */
export function resolveParamName(name: string): ParamSpec | undefined {
  return paramByName(name) ?? PARAMS.find((spec) => spec.objectField?.name === name);
}

/**
 * The table's name for a field (`background.expandPrompt.mode` → `background.expandPrompt`), else
 * the name as given: a keyed name (`editWithAI.additionalImages.front.imageUrl`) is its own.
 */
export function canonicalName(name: string): string {
  const spec = resolveParamName(name);
  return spec && !isKeyed(spec) ? spec.name : name;
}

function describeRaw(value: ParamValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * One problem per parameter set more than once within one source (the command line, a
 * config file), whatever the spellings: the user meant one value, and a silent last-wins
 * would send the other.
 */
export function duplicateProblems(raws: Iterable<RawParam>): string[] {
  const first = new Map<string, RawParam>();
  const problems: string[] = [];
  for (const raw of raws) {
    const name = canonicalName(raw.name);
    const earlier = first.get(name);
    if (!earlier) first.set(name, raw);
    else {
      const both = [earlier, raw].map((given) => `${given.source} ${describeRaw(given.value)}`).join(' and ');
      problems.push(`${both} both set ${name}; give it once`);
    }
  }
  return problems;
}

function endpointLabel(endpoint: Endpoint): string {
  return ENDPOINT_PATH[endpoint];
}

export function buildParamSet(endpoint: Endpoint, raws: Iterable<RawParam>, context: RuleContext): BuildResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const latest = new Map<string, RawParam>();
  for (const raw of raws) latest.set(canonicalName(raw.name), raw);

  const entries: ParamEntry[] = [];
  for (const [name, raw] of latest) {
    const invalid = (expected: string) =>
      problems.push(`${raw.source}: invalid value ${describeRaw(raw.value)}; expected ${expected}`);
    const layer = LAYER_NAME.exec(name);
    if (layer && endpoint === 'edit') {
      const layerField = LAYER_FIELDS.find((field) => field.path === layer[2]);
      if (!layerField) {
        problems.push(
          `${raw.source}: unknown template layer field "${layer[2]}"; expected one of ${LAYER_FIELDS.map((f) => f.path).join(', ')}`,
        );
        continue;
      }
      const parsed = parseValue(layerField, raw.value);
      if (parsed.ok) entries.push({ name, value: parsed.value, source: raw.source, layerField });
      else invalid(parsed.expected);
      continue;
    }
    const spec = paramByName(name);
    if (!spec) {
      if (raw.passThrough) {
        warnings.push(
          `${raw.source}: "${name}" is not a known ${endpointLabel(endpoint)} parameter; sending it as given`,
        );
        entries.push({ name, value: String(raw.value), source: raw.source });
      } else {
        problems.push(
          `${raw.source}: unknown parameter "${name}" (see \`photoroom params\`; --param ${name}=VALUE sends it anyway)`,
        );
      }
      continue;
    }
    if (!spec.endpoints.includes(endpoint)) {
      problems.push(
        `${raw.source}: "${name}" is a ${spec.endpoints.map(endpointLabel).join('/')} parameter, not a ${endpointLabel(endpoint)} one`,
      );
      continue;
    }
    if (spec.kind === 'image') {
      problems.push(`${raw.source}: "${name}" is the input image itself; give it as the command's argument`);
      continue;
    }
    const parsed = parseValue(spec, raw.value);
    if (parsed.ok) entries.push({ name, value: parsed.value, source: raw.source, spec });
    else if (raw.sendUnknownValue && spec.enum !== undefined) {
      // The API adds values faster than the table follows: one it does not know costs a refused
      // (unbilled) call, so --param sends it. Numbers, colours and the like are still read: their
      // form is not what moves. The row stays attached, so the rules across fields still hold.
      warnings.push(
        `${raw.source}: ${describeRaw(raw.value)} is not a value the table knows (${CONTRACT_DATE} contract; expected ${parsed.expected}); sending it as given`,
      );
      entries.push({ name, value: String(raw.value), source: raw.source, spec });
    } else invalid(parsed.expected);
  }

  const replaced = entries.filter((entry) => entry.spec?.replacedBy);
  if (replaced.length > 0) {
    const instead = replaced.map((entry) => `--${entry.spec?.replacedBy}`).join(', ');
    warnings.push(
      `${replaced.map((entry) => entry.source).join(', ')}: deprecated by the API in favour of editWithAI.*; sent as given (use ${instead})`,
    );
  }
  const params = new ParamSet(entries);
  problems.push(...checkCrossFieldRules(params, context));
  return { params, problems, warnings };
}
