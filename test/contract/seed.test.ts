/**
 * The copy of the seed kept in the repository, for a clone without the steering folder
 * beside it: it must be the seed itself whenever both are there (as in CI), and it holds
 * the four documents the contract tests read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentsIn, KEPT_SEED, SHARED_SEED } from './seed.js';

describe('the seed kept in test/contract', () => {
  it("is the steering folder's seed, byte for byte, when that is beside the repository", () => {
    const kept = readFileSync(KEPT_SEED, 'utf8');
    const shared = existsSync(SHARED_SEED) ? readFileSync(SHARED_SEED, 'utf8') : kept;
    expect(kept).toBe(shared);
  });

  it('holds the four OpenAPI documents: GET and POST /v2/edit, POST /v1/segment, GET /v2/account', () => {
    const routes = documentsIn(readFileSync(KEPT_SEED, 'utf8')).flatMap((document) =>
      Object.entries(document.paths).flatMap(([route, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
      ),
    );
    expect(routes.sort()).toEqual(['GET /v2/account', 'GET /v2/edit', 'POST /v1/segment', 'POST /v2/edit']);
  });
});
