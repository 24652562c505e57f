/**
 * Which field names (form fields, query keys) the contract knows, per operation. Prism lets
 * unknown names through, so this is checked here. A dotted name is a property of its own
 * (`background.color`) or the path into an object property: `layers.<id>.image.imageUrl`
 * and `background.expandPrompt.mode`, as the API flattens its object parameters.
 */
import { operation, queryParameters, resolve, type OpenApiDocument, type Schema } from './seed.js';

/** Top-level field name → its schema, for one operation. */
type Fields = ReadonlyMap<string, Schema>;

function formProperties(document: OpenApiDocument, route: string): Map<string, Schema> {
  const body = operation(document, 'POST', route).requestBody?.content['multipart/form-data']?.schema;
  return new Map(Object.entries(body ? (resolve(document, body).properties ?? {}) : {}));
}

export function fieldsOf(document: OpenApiDocument, method: string, route: string): Fields {
  return method === 'GET' ? queryParameters(operation(document, 'GET', route)) : formProperties(document, route);
}

/** Can a form field or query value (text, not an object) be of this schema? */
function takesText(schema: Schema): boolean {
  return schema.anyOf ? schema.anyOf.some(takesText) : schema.type !== 'object';
}

/** Does `path` lead to a value inside `schema` (through properties, maps and alternatives)? */
function reaches(schema: Schema, path: readonly string[]): boolean {
  const [head, ...rest] = path;
  if (schema.anyOf) return schema.anyOf.some((branch) => reaches(branch, path));
  if (head === undefined) return takesText(schema);
  const property = schema.properties?.[head];
  if (property) return reaches(property, rest);
  return typeof schema.additionalProperties === 'object' && reaches(schema.additionalProperties, rest);
}

/** The schema of a field by its name, where a `{key}` segment of the contract's names stands for any one segment. */
function fieldSchema(fields: Fields, name: string): Schema | undefined {
  const exact = fields.get(name);
  if (exact) return exact;
  const segments = name.split('.');
  for (const [pattern, schema] of fields) {
    const parts = pattern.split('.');
    if (parts.length === segments.length && parts.every((part, i) => part === '{key}' || part === segments[i]))
      return schema;
  }
  return undefined;
}

export function isKnownField(fields: Fields, name: string): boolean {
  const segments = name.split('.');
  return segments.some((_, i) => {
    const schema = fieldSchema(fields, segments.slice(0, i + 1).join('.'));
    return schema !== undefined && reaches(schema, segments.slice(i + 1));
  });
}

/**
 * Can this value of this field be sent under the contract: a field it knows, and, where its
 * schema lists the values, one of them? The seed predates the parameters and values the
 * 2026-06-22 contract added, which its Prism must not be sent.
 */
export function isSendable(fields: Fields, name: string, value: string): boolean {
  const values = fieldSchema(fields, name)?.enum;
  return isKnownField(fields, name) && (values === undefined || values.map(String).includes(value));
}
