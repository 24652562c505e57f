/**
 * Photoroom's own OpenAPI document as served on 2026-06-22, which the parameter table
 * follows. Read as seed.ts reads the seed: from the steering folder beside the repository
 * (`../shared/contract/`) when there is one, else from the copy kept beside this file, so that
 * a clone on its own runs these tests too (drift.test.ts checks that both are one file).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import type { ContractDocument } from '../../src/params/drift.js';
import { ROOT } from '../e2e/harness.js';
import { typeFormsFromQueries, type OpenApiDocument } from './seed.js';

const FILE_NAME = 'photoroom-openapi-2026-06-22.yaml';
export const SHARED_OPENAPI = path.resolve(ROOT, '../shared/contract', FILE_NAME);
export const KEPT_OPENAPI = path.join(ROOT, 'test/contract', FILE_NAME);
export const OPENAPI = existsSync(SHARED_OPENAPI) ? SHARED_OPENAPI : KEPT_OPENAPI;

/** An OpenAPI document in YAML or JSON (YAML's subset), as Photoroom serves it. */
export function readOpenApi(file: string): ContractDocument {
  return load(readFileSync(file, 'utf8')) as ContractDocument;
}

/** The 2026-06-22 document as Prism serves it, the POST form of /v2/edit typed as its GET twin. */
export function todaysContract(): OpenApiDocument {
  return typeFormsFromQueries(readOpenApi(OPENAPI) as unknown as OpenApiDocument);
}
