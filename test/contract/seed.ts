/**
 * The API contract as the seed states it: a markdown file holding four OpenAPI 3.1 JSON
 * documents (GET and POST /v2/edit, POST /v1/segment, GET /v2/account). It is read from the
 * steering folder beside the repository (`../shared/seed/`) when there is one, as in CI,
 * else from the copy kept beside this file, so that a clone on its own runs these tests too
 * (seed.test.ts checks that the copy is the seed whenever both are there).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ROOT } from '../e2e/harness.js';

export const SHARED_SEED = path.resolve(ROOT, '../shared/seed/photoroom-api-openapi.md');
export const KEPT_SEED = path.join(ROOT, 'test/contract/photoroom-api-openapi.md');
export const SEED = existsSync(SHARED_SEED) ? SHARED_SEED : KEPT_SEED;

/** The part of JSON Schema the contract uses. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  /** What Prism's static mock answers for this value (else "string" for a string). */
  example?: unknown;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  $ref?: string;
}

export interface MediaType {
  schema?: Schema;
}

export interface Response {
  description: string;
  /** Header name → its description and schema. */
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Every ```json fence of the markdown, parsed. */
export function documentsIn(markdown: string): OpenApiDocument[] {
  return [...markdown.matchAll(/^```json\n([\s\S]*?)\n```$/gm)].map(
    (match) => JSON.parse(match[1]!) as OpenApiDocument,
  );
}

/**
 * One document with every operation of `documents`, for one Prism serving all endpoints at
 * one origin (as the CLI's `--base-url` wants). Lossless or it throws: no path and method is
 * defined twice, and a component schema named in two documents is the same in both.
 */
export function mergeDocuments(documents: readonly OpenApiDocument[]): OpenApiDocument {
  const merged: OpenApiDocument = { ...documents[0]!, paths: {}, components: { schemas: {} } };
  const schemas = merged.components!.schemas!;
  for (const document of documents) {
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const item = (merged.paths[route] ??= {});
        if (item[method]) throw new Error(`${method.toUpperCase()} ${route} is defined twice`);
        item[method] = operation;
      }
    }
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      if (schemas[name] && !isDeepStrictEqual(schemas[name], schema))
        throw new Error(`schema ${name} differs between documents`);
      schemas[name] = schema;
    }
  }
  return merged;
}

/**
 * The POST form of /v2/edit restates the GET parameters untyped (no enums, no bounds), and
 * API-NOTES.md says: "They are the same parameters: validate both with the GET constraints".
 * So a form property with a query parameter of the same name on the same path takes its schema.
 */
export function typeFormsFromQueries(document: OpenApiDocument): OpenApiDocument {
  const typed = structuredClone(document);
  for (const operations of Object.values(typed.paths)) {
    const query = operations.get ? queryParameters(operations.get) : new Map<string, Schema>();
    const properties = operations.post?.requestBody?.content['multipart/form-data']?.schema?.properties ?? {};
    for (const name of Object.keys(properties)) properties[name] = query.get(name) ?? properties[name]!;
  }
  return typed;
}

/** The seed's four documents as one, the POST form of /v2/edit typed as its GET twin. */
export function contract(): OpenApiDocument {
  return typeFormsFromQueries(mergeDocuments(documentsIn(readFileSync(SEED, 'utf8'))));
}

export function operation(document: OpenApiDocument, method: string, route: string): Operation {
  const found = document.paths[route]?.[method.toLowerCase()];
  if (!found) throw new Error(`the contract has no ${method} ${route}`);
  return found;
}

/** Query parameter name → schema. */
export function queryParameters({ parameters = [] }: Operation): Map<string, Schema> {
  return new Map(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
}

/** A local `#/components/schemas/...` reference followed, or the schema itself. */
export function resolve(document: OpenApiDocument, schema: Schema): Schema {
  const name = schema.$ref?.replace('#/components/schemas/', '');
  return name === undefined ? schema : (document.components?.schemas?.[name] ?? {});
}
