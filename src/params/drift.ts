/**
 * Contract drift: every difference between an OpenAPI document of the Photoroom API and the
 * parameter table, one line each. A contract parameter is compared as the leaves a form field
 * or query key can reach: a plain parameter is its own leaf, an object parameter is one leaf
 * per field (`layers.{key}.text.content`, `background.expandPrompt.mode`), a map's key written
 * `{key}` as the contract writes `editWithAI.additionalImages.{key}.imageUrl`.
 * `npm run contract-drift -- FILE` prints the list; test/contract/drift.test.ts fails on it.
 */
import { ENDPOINT_PATH } from './endpoints.js';
import { contractType, KEY, LAYER_FIELDS, PARAMS } from './table.js';
import type { Endpoint, Method, ParamSpec } from './types.js';

/** The part of JSON Schema the contract's parameters use. */
export interface ContractSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, ContractSchema>;
  additionalProperties?: ContractSchema | boolean;
  anyOf?: ContractSchema[];
  items?: ContractSchema;
  $ref?: string;
}

export interface ContractDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema: ContractSchema }[];
        requestBody?: { content: Record<string, { schema?: ContractSchema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, ContractSchema> };
}

/**
 * Contract parameters the table deliberately does not offer, each with the reason. A name
 * here that the contract no longer has is itself a difference.
 */
export const NOT_OFFERED: Readonly<Record<string, string>> = {};

/**
 * Bounds the contract states in prose only, which the table enforces: they are added to the
 * contract's schema before comparing, so that a schema that gains them does not differ.
 */
export const PROSE_BOUNDS: Readonly<Record<string, { readonly minimum: number; readonly reason: string }>> = {
  'background.guidance.scale': { minimum: 0, reason: 'described as "between 0 and 1"' },
};

/** Where a field is sent: `GET /v2/edit`, `POST /v2/edit`, `POST /v1/segment`. */
type Place = `${Method} ${string}`;

/** What the table and the contract each say of one leaf. */
interface Leaf {
  readonly places: ReadonlySet<Place>;
  readonly type: string;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly pattern?: string;
  readonly default?: unknown;
  readonly minItems?: number;
  readonly maxItems?: number;
}

function resolveRef(document: ContractDocument, schema: ContractSchema): ContractSchema {
  const name = schema.$ref?.replace('#/components/schemas/', '');
  return name === undefined ? schema : (document.components?.schemas?.[name] ?? {});
}

/** Does a form field or query value (text, not an object) fit this schema? */
function takesText(schema: ContractSchema): boolean {
  if (schema.anyOf) return schema.anyOf.some(takesText);
  return schema.type !== 'object' && schema.properties === undefined && schema.additionalProperties === undefined;
}

/** The type of the text a schema takes: `string`, `number|string`, `binary`, `array`... */
function typeOf(schema: ContractSchema): string {
  if (schema.anyOf)
    return [...new Set(schema.anyOf.filter(takesText).flatMap((branch) => typeOf(branch).split('|')))].sort().join('|');
  if (schema.format === 'binary') return 'binary';
  if (schema.type === undefined && schema.const !== undefined) return typeof schema.const;
  const types = [schema.type ?? 'object'].flat().map((type) => (type === 'integer' ? 'number' : type));
  return [...new Set(types)].sort().join('|');
}

/** The text values of an enum (or a `const`), across the text branches of an `anyOf`. */
function enumOf(schema: ContractSchema): string[] | undefined {
  const values = schema.anyOf
    ? schema.anyOf.filter(takesText).flatMap((branch) => enumOf(branch) ?? [])
    : (schema.enum ?? (schema.const !== undefined ? [schema.const] : [])).map(String);
  return values.length > 0 ? values : undefined;
}

/** The value at `path` inside an object default (`{ preset: { name: "avery" } }`). */
function defaultAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (inner, key) => (inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>)[key] : undefined),
    value,
  );
}

/** Every leaf of one contract parameter: its own name if it takes text, and its object fields. */
function leavesOf(
  document: ContractDocument,
  name: string,
  schema: ContractSchema,
  places: ReadonlySet<Place>,
  inherited: { default: unknown; path: string[] },
): [string, Leaf][] {
  const resolved = resolveRef(document, schema);
  // The contract marks files "Only available in the POST request", even in the GET query list.
  const leafPlaces =
    resolved.format === 'binary' ? new Set([...places].filter((place) => place.startsWith('POST'))) : places;
  const leaves: [string, Leaf][] = [];
  if (takesText(resolved)) {
    leaves.push([
      name,
      {
        places: leafPlaces,
        type: typeOf(resolved),
        enum: enumOf(resolved),
        minimum: resolved.minimum,
        maximum: resolved.maximum,
        exclusiveMinimum: resolved.exclusiveMinimum,
        pattern: resolved.pattern,
        default: resolved.default ?? defaultAt(inherited.default, inherited.path),
        minItems: resolved.minItems,
        maxItems: resolved.maxItems,
      },
    ]);
  }
  const branches = resolved.anyOf ?? [resolved];
  for (const branch of branches.map((b) => resolveRef(document, b))) {
    const fields = Object.entries(branch.properties ?? {});
    if (typeof branch.additionalProperties === 'object') fields.push([KEY, branch.additionalProperties]);
    for (const [field, fieldSchema] of fields) {
      const next = { default: inherited.default, path: [...inherited.path, field] };
      leaves.push(...leavesOf(document, `${name}.${field}`, fieldSchema, places, next));
    }
  }
  return leaves;
}

/** The leaves of the contract's image operations, the POST form typed by its GET twin. */
export function contractLeaves(document: ContractDocument): Map<string, Leaf> {
  const fields = new Map<string, { schema: ContractSchema; places: Set<Place> }>();
  const add = (name: string, schema: ContractSchema, place: Place) => {
    const known = fields.get(name);
    if (known) known.places.add(place);
    else fields.set(name, { schema, places: new Set([place]) });
  };
  const edit = document.paths[ENDPOINT_PATH.edit] ?? {};
  for (const parameter of edit.get?.parameters ?? []) {
    if (parameter.in === 'query') add(parameter.name, parameter.schema, `GET ${ENDPOINT_PATH.edit}`);
  }
  const forms: [Endpoint, ContractSchema | undefined][] = [
    ['edit', edit.post?.requestBody?.content['multipart/form-data']?.schema],
    ['segment', document.paths[ENDPOINT_PATH.segment]?.post?.requestBody?.content['multipart/form-data']?.schema],
  ];
  for (const [endpoint, form] of forms) {
    const properties = form ? (resolveRef(document, form).properties ?? {}) : {};
    // The POST form of /v2/edit restates the GET parameters untyped: the GET twin's schema holds.
    for (const [name, schema] of Object.entries(properties)) add(name, schema, `POST ${ENDPOINT_PATH[endpoint]}`);
  }
  const leaves = new Map<string, Leaf>();
  for (const [name, { schema, places }] of fields) {
    const root = resolveRef(document, schema);
    for (const [leafName, leaf] of leavesOf(document, name, schema, places, { default: root.default, path: [] })) {
      const known = leaves.get(leafName);
      const prose = PROSE_BOUNDS[leafName];
      const bounded = prose && leaf.minimum === undefined ? { ...leaf, minimum: prose.minimum } : leaf;
      leaves.set(leafName, known ? { ...known, places: new Set([...known.places, ...leaf.places]) } : bounded);
    }
  }
  return leaves;
}

function placesOf(endpoints: readonly Endpoint[], methods: readonly Method[] | undefined): Set<Place> {
  return new Set(
    endpoints.flatMap((endpoint) =>
      (endpoint === 'segment' ? (['POST'] as const) : (methods ?? (['GET', 'POST'] as const))).map(
        (method): Place => `${method} ${ENDPOINT_PATH[endpoint]}`,
      ),
    ),
  );
}

function rowLeaf(spec: ParamSpec, enumValues = spec.enum): Leaf {
  return {
    places: placesOf(spec.endpoints, spec.methods),
    type: contractType(spec),
    enum: enumValues,
    minimum: spec.minimum,
    maximum: spec.maximum,
    exclusiveMinimum: spec.exclusiveMinimum,
    pattern: spec.pattern,
    default: spec.default,
    minItems: spec.minItems,
    maxItems: spec.maxItems,
  };
}

/** The leaves the table sends: each row, the object field a row's values may go to, and the layer fields. */
export function tableLeaves(): Map<string, Leaf> {
  const leaves = new Map<string, Leaf>();
  for (const spec of PARAMS) {
    if (spec.kind === 'layers') continue;
    const objectField = spec.objectField;
    if (!objectField) {
      leaves.set(spec.name, rowLeaf(spec));
      continue;
    }
    const textValues = spec.enum?.filter((value) => !objectField.values.includes(value));
    leaves.set(spec.name, rowLeaf(spec, textValues?.length ? textValues : undefined));
    leaves.set(objectField.name, rowLeaf(spec, objectField.values));
  }
  for (const field of LAYER_FIELDS) {
    const spec: ParamSpec = {
      ...field,
      name: `layers.${KEY}.${field.path}`,
      endpoints: ['edit'],
      group: '',
      description: '',
    };
    leaves.set(spec.name, rowLeaf(spec));
  }
  return leaves;
}

const show = (value: unknown) => (value === undefined ? 'none' : JSON.stringify(value));

function setDifference(label: string, contract: readonly string[] = [], table: readonly string[] = []): string[] {
  const missing = contract.filter((value) => !table.includes(value));
  const extra = table.filter((value) => !contract.includes(value));
  return [
    ...(missing.length ? [`${label} ${missing.join(', ')} in the contract, not in the table`] : []),
    ...(extra.length ? [`${label} ${extra.join(', ')} in the table, not in the contract`] : []),
  ];
}

/** Defaults are compared as sent: the contract's `"false"` and `false` are one value on the wire. */
function asSent(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

function leafDifferences(contract: Leaf, table: Leaf): string[] {
  const differences = [
    ...setDifference('sent by', [...contract.places], [...table.places]),
    ...setDifference('value', contract.enum, table.enum),
  ];
  if (contract.type !== table.type) differences.push(`type: contract ${contract.type}, table ${table.type}`);
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'pattern', 'default', 'minItems', 'maxItems'] as const) {
    const [a, b] = key === 'default' ? [asSent(contract[key]), asSent(table[key])] : [contract[key], table[key]];
    if (a !== b) differences.push(`${key}: contract ${show(contract[key])}, table ${show(table[key])}`);
  }
  return differences;
}

/** Is `leaf` the parameter `name` or one of its fields? */
const within = (leaf: string, name: string) => leaf === name || leaf.startsWith(`${name}.`);

/** Every difference between the contract and the table, one line each, sorted by parameter. */
export function contractDrift(document: ContractDocument): string[] {
  const contract = contractLeaves(document);
  const table = tableLeaves();
  const notOffered = Object.keys(NOT_OFFERED);
  const lines: string[] = [];
  for (const [name, leaf] of contract) {
    const row = table.get(name);
    if (row) lines.push(...leafDifferences(leaf, row).map((difference) => `${name}: ${difference}`));
    else if (!notOffered.some((listed) => within(name, listed))) {
      lines.push(`${name}: in the contract (${[...leaf.places].join(', ')}), no row in the table`);
    }
  }
  for (const name of table.keys()) {
    if (!contract.has(name)) lines.push(`${name}: a row in the table, not in the contract`);
  }
  for (const listed of notOffered) {
    if (![...contract.keys()].some((name) => within(name, listed)))
      lines.push(`${listed}: listed as not offered, not in the contract`);
    if ([...table.keys()].some((name) => within(name, listed)))
      lines.push(`${listed}: listed as not offered, yet the table has a row for it`);
  }
  return lines.sort();
}
