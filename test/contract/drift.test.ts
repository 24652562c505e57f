/**
 * The drift check: the parameter table against the contract it follows, and the exact list
 * of differences against any other. `npm run contract-drift -- FILE` prints the same list.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractDrift, type ContractDocument } from '../../src/params/drift.js';
import { KEPT_OPENAPI, OPENAPI, readOpenApi, SHARED_OPENAPI } from './openapi.js';
import { contract as seedContract } from './seed.js';

const seed = () => seedContract() as ContractDocument;

describe('the 2026-06-22 contract kept in test/contract', () => {
  it("is the steering folder's, byte for byte, when that is beside the repository", () => {
    const kept = readFileSync(KEPT_OPENAPI, 'utf8');
    expect(kept).toBe(existsSync(SHARED_OPENAPI) ? readFileSync(SHARED_OPENAPI, 'utf8') : kept);
  });
});

describe('contract drift', () => {
  it('finds none between the table and the 2026-06-22 contract, which it follows', () => {
    expect(contractDrift(readOpenApi(OPENAPI))).toEqual([]);
  });

  it('names every difference of a contract that moved: values, bounds, defaults, methods, parameters', () => {
    const moved = readOpenApi(OPENAPI);
    const get = moved.paths['/v2/edit']!.get!;
    const form = moved.paths['/v2/edit']!.post!.requestBody!.content['multipart/form-data']!.schema!.properties!;
    const query = (name: string) => get.parameters!.find((parameter) => parameter.name === name)!.schema;
    query('shadow.mode').enum = [
      'ai.soft',
      'ai.hard',
      'ai.preset-soft',
      'ai.preset-hard',
      'ai.auto-with-overrides',
      'ai.new',
    ];
    query('export.dpi').maximum = 2400;
    query('scaling').default = 'fill';
    get.parameters = get.parameters!.filter((parameter) => parameter.name !== 'uncrop.seed');
    get.parameters.push({ name: 'outline.halo', in: 'query', schema: { type: 'string' } });
    delete form['templateId'];
    expect(contractDrift(moved)).toEqual([
      'export.dpi: maximum: contract 2400, table 1200',
      'outline.halo: in the contract (GET /v2/edit), no row in the table',
      'scaling: default: contract "fill", table "fit"',
      'shadow.mode: value ai.floating in the table, not in the contract',
      'shadow.mode: value ai.new in the contract, not in the table',
      'templateId: sent by POST /v2/edit in the table, not in the contract',
      'uncrop.seed: sent by GET /v2/edit in the table, not in the contract',
    ]);
  });

  it("names every parameter and value the seed's older contract lacks", () => {
    const drift = contractDrift(seed());
    expect(drift).toContain('colorSpace: a row in the table, not in the contract');
    expect(drift).toContain('editWithAI.additionalImages.{key}.imageUrl: a row in the table, not in the contract');
    expect(drift).toContain(
      'shadow.mode: value ai.preset-soft, ai.preset-hard, ai.auto-with-overrides in the table, not in the contract',
    );
    expect(drift).toContain('export.format: value avif in the table, not in the contract');
    // 33 parameters (the two fields of each virtual model choice counted apart), 5 new values.
    expect(drift.filter((line) => line.endsWith('a row in the table, not in the contract'))).toHaveLength(38);
    expect(drift.filter((line) => line.includes(': value '))).toHaveLength(5);
  });
});
