/**
 * Every parameter the CLI can send, with values of every kind, from the table (PARAMS,
 * LAYER_FIELDS) and the test samples (validText), packed into as few requests as the CLI
 * accepts: each request is one CLI run, and Prism names the field of each violation.
 */
import fc from 'fast-check';
import { buildParamSet } from '../../src/params/paramset.js';
import { flagOf, isKeyed, KEY, LAYER_FIELDS, paramsFor } from '../../src/params/table.js';
import type { Endpoint, Method } from '../../src/params/types.js';
import type { ValueRule } from '../../src/params/values.js';
import { validText } from '../support/samples.js';

export interface Param {
  /** API name, or `layers.<id>.<path>`. */
  readonly name: string;
  /** As typed: `--bg-color`, `--layers.title.text.content`. */
  readonly flag: string;
  readonly value: string;
}

/** Values drawn per parameter that is not an enum (an enum sends every one of its values). */
const SAMPLES = 3;
const SEED = 4010;
/** One text layer and one image layer. */
const LAYER_IDS = { text: 'title', image: 'photo' } as const;

/** `file` parameters upload `file`; the others take values as a user would type them. */
function valuesOf(rule: ValueRule, file: string, seed: number): string[] {
  if (rule.kind === 'enum') return [...(rule.enum ?? [])];
  if (rule.kind === 'file') return [file];
  return [...new Set(fc.sample(validText(rule), { numRuns: SAMPLES, seed }))];
}

function allowed(methods: readonly Method[] | undefined, method: Method): boolean {
  return methods === undefined || methods.includes(method);
}

/** Every (parameter, value) pair the CLI can send to this endpoint by this method. */
export function paramsToSend(endpoint: Endpoint, method: Method, file: string): Param[] {
  // Each parameter draws with its own seed: one seed for all would give every length row
  // the same values, all of one form.
  const rows = paramsFor(endpoint).flatMap((spec, index) => {
    const flag = flagOf(spec);
    if (flag === null || spec.kind === 'layers' || !allowed(spec.methods, method)) return [];
    // A keyed row is sent under one key of its own.
    const name = isKeyed(spec) ? spec.name.replace(KEY, 'front') : spec.name;
    return valuesOf(spec, file, SEED + index).map((value) => ({
      name,
      flag: `--${isKeyed(spec) ? name : flag}`,
      value,
    }));
  });
  if (endpoint === 'segment') return rows;
  const layers = LAYER_FIELDS.filter((field) => allowed(field.methods, method)).flatMap((field, index) => {
    const name = `layers.${LAYER_IDS[field.layerType]}.${field.path}`;
    return valuesOf(field, file, SEED - index).map((value) => ({ name, flag: `--${name}`, value }));
  });
  return [...rows, ...layers];
}

type Accepts = (request: readonly Param[]) => boolean;

/** The fewest pairs of `request` beside which the CLI accepts `param` (none: alone), or null. */
function companyFor(param: Param, request: readonly Param[], accepts: Accepts): Param[] | null {
  let company = request.filter((p) => p.name !== param.name);
  // From the end: a pair that needs another (background.scaling) goes before what it needs.
  // While the CLI refuses the lot, a pair goes too: it may be one `param` excludes (a preset
  // beside a custom virtual model image).
  for (const p of [...company].reverse()) {
    const without = company.filter((other) => other !== p);
    if (accepts([...without, param]) || !accepts([...company, param])) company = without;
  }
  return accepts([...company, param]) ? company : null;
}

/**
 * First fit: each pair joins the first request that lacks its name and that the CLI still
 * accepts with it (mutually exclusive parameters end up apart). A pair with no such request
 * starts one, with the fewest pairs it needs beside it (`maxWidth` needs `outputSize`
 * originalImage) taken from another request; one whose company is not placed yet waits for
 * the next pass.
 */
export function packRequests(endpoint: Endpoint, method: Method, params: readonly Param[]): Param[][] {
  const accepts: Accepts = (request) =>
    buildParamSet(
      endpoint,
      request.map(({ name, value, flag }) => ({ name, value, source: flag })),
      {
        method,
        hasInputImage: true,
      },
    ).problems.length === 0;
  const requests: Param[][] = [];
  let waiting = [...params];
  while (waiting.length > 0) {
    const deferred: Param[] = [];
    for (const param of waiting) {
      const home = requests.find(
        (request) => request.every((p) => p.name !== param.name) && accepts([...request, param]),
      );
      const company = home
        ? null
        : [[], ...requests].map((request) => companyFor(param, request, accepts)).find(Boolean);
      if (home) home.push(param);
      else if (company) requests.push([...company, param]);
      else deferred.push(param);
    }
    if (deferred.length === waiting.length) {
      throw new Error(`no request the CLI accepts can carry ${deferred.map((p) => `${p.flag}=${p.value}`).join(', ')}`);
    }
    waiting = deferred;
  }
  return requests;
}

/** The request as command-line flags (`--flag=value`: a value may start with a dash). */
export function flagsOf(request: readonly Param[]): string[] {
  return request.map(({ flag, value }) => `${flag}=${value}`);
}
