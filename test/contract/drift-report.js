#!/usr/bin/env node
/**
 * `npm run contract-drift -- FILE`: every difference between an OpenAPI document of the
 * Photoroom API (YAML or JSON, as https://image-api.photoroom.com/openapi serves it) and the
 * parameter table, one line each, for whoever brings the table up to date. Exits 1 when there
 * is any. Without FILE, the contract kept in test/contract.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { contractDrift } from '../../dist/params/drift.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = process.argv[2] ?? path.join(ROOT, 'test/contract/photoroom-openapi-2026-06-22.yaml');
let differences;
try {
  differences = contractDrift(load(readFileSync(file, 'utf8')));
} catch (error) {
  console.error(
    `${file}: not an OpenAPI document this script can read (YAML or JSON): ${error instanceof Error ? error.message.split('\n')[0] : error}`,
  );
  process.exit(2);
}
for (const line of differences) console.log(line);
console.error(
  differences.length === 0
    ? `${file}: the table matches it`
    : `${file}: ${differences.length} differences from the table`,
);
process.exitCode = differences.length === 0 ? 0 : 1;
