/**
 * Contract tests of the answers: every answer each contract (the seed, and the 2026-06-22
 * document the table follows) gives the operations the CLI calls, as Prism mocks it, must
 * reach the CLI and be handled as the README says (Exit codes). The proxy picks the answer
 * with the headers Prism reads (`Prefer: code=`, `Accept`), which the CLI does not send.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../e2e/harness.js';
import { runInProcess } from '../support/in-process.js';
import { contractInputs, type Inputs } from './inputs.js';
import { CONTRACTS } from './contracts.js';
import { prismUrl } from './prism-url.js';
import { startProxy } from './proxy.js';
import { operation, resolve, type OpenApiDocument, type Response } from './seed.js';

const NAMES = ['a.png', 'b.png'];

let inputs: Inputs;

beforeAll(async () => {
  inputs = await contractInputs(NAMES);
});

afterAll(async () => {
  await inputs?.close();
});

interface Outcome {
  exit: number;
  /** Requests Prism receives. */
  requests: number;
  /**
   * Printed on stdout or stderr. `{error.message}` stands for what Prism's mock puts at that
   * place of the answer's JSON body: the contract's example, else "string".
   */
  says?: string;
  /** Each input's output holds the image the answer carried. */
  writes?: boolean;
  /**
   * Under --json, each result carries the answer's headers the contract declares (`pr-*`,
   * and `x-uncertainty-score` since 2026), as Prism sent them: `null`, which is no score.
   */
  reportsHeaders?: boolean;
}

/** A batch of the two inputs, one at a time, with no retries but the batch's later rounds. */
const BATCH_FLAGS = ['--yes', '--concurrency', '1', '--retries', '0'];
const WRITTEN: Outcome = { exit: 0, requests: 2, writes: true, reportsHeaders: true };
/** /v2/edit errors are `{"error":{...}}`. */
const EDIT: Record<string, Outcome> = {
  200: WRITTEN,
  400: { exit: 1, requests: 2, says: 'HTTP 400: {error.message}' }, // reported, not retried
  402: { exit: 3, requests: 1, says: 'HTTP 402: {error.detail}' }, // the run stops
  500: { exit: 1, requests: 6, says: 'HTTP 500: {error.message}' }, // tried again in each of the batch's three rounds
};
/** /v1/segment errors are `{"detail","status_code","type"}`. */
const SEGMENT: Record<string, Outcome> = {
  200: WRITTEN,
  400: { exit: 1, requests: 2, says: 'HTTP 400: {detail}' },
  402: { exit: 3, requests: 1, says: 'HTTP 402: {detail}' },
  403: { exit: 3, requests: 1, says: 'HTTP 403: the API key was refused' }, // the run stops
};
const ACCOUNT: Record<string, Outcome> = {
  200: { exit: 0, requests: 1, says: 'Plan:          {plan}' },
  400: { exit: 1, requests: 1, says: 'HTTP 400: {error.message}' },
  403: { exit: 3, requests: 1, says: 'HTTP 403: the API key was refused' },
};

/** How the CLI calls each operation, writing outputs (if any) to `out`. */
const CALLS = [
  {
    method: 'POST',
    route: '/v2/edit',
    outcomes: EDIT,
    args: (out: string) => ['edit', ...inputs.files, '-o', out, ...BATCH_FLAGS],
  },
  {
    method: 'GET',
    route: '/v2/edit',
    outcomes: EDIT,
    args: (out: string) => ['edit', ...inputs.urls, '-o', out, ...BATCH_FLAGS],
  },
  {
    method: 'POST',
    route: '/v1/segment',
    outcomes: SEGMENT,
    args: (out: string) => ['segment', ...inputs.files, '-o', out, ...BATCH_FLAGS],
  },
  { method: 'GET', route: '/v2/account', outcomes: ACCOUNT, args: () => ['account'] },
];

/** What Prism's static mock puts at `place` (`error.message`) of a JSON answer: the example, else "string". */
function mockedAt(document: OpenApiDocument, response: Response, place: string): string {
  let schema = resolve(document, response.content?.['application/json']?.schema ?? {});
  for (const name of place.split('.')) schema = resolve(document, schema.properties?.[name] ?? {});
  if (schema.type !== 'string') throw new Error(`the contract's answer has no string at ${place}`);
  return typeof schema.example === 'string' ? schema.example : 'string';
}

interface ResultLine {
  type: string;
  headers?: Record<string, string>;
  uncertainty?: number;
}

/** The result lines of --json output. */
function resultsIn(stdout: string): ResultLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ResultLine)
    .filter((record) => record.type === 'result');
}

/** `says` with each `{place}` filled in as Prism's mock of this answer fills it. */
function expectedText(document: OpenApiDocument, response: Response, says: string): string {
  return says.replace(/\{([\w.]+)\}/g, (_, place: string) => mockedAt(document, response, place));
}

for (const contract of CONTRACTS) {
  const { label, document } = contract;
  describe(`Prism on ${label}`, () => {
    for (const { method, route, outcomes, args } of CALLS) {
      describe(`${method} ${route}: every answer the contract allows reaches the CLI`, () => {
        for (const [status, response] of Object.entries(operation(document, method, route).responses)) {
          for (const type of response.content ? Object.keys(response.content) : [undefined]) {
            const steer = { prefer: `code=${status}`, ...(type && { accept: type }) };

            it(`${status} ${type ?? 'without a body'}`, async () => {
              const outcome = outcomes[status];
              expect(outcome, `no outcome expected for ${status}`).toBeDefined();
              const proxy = await startProxy(prismUrl(contract), { image: inputs.image, steer });
              try {
                const out = await tempDir();
                const result = await runInProcess([...args(out), ...(outcome!.reportsHeaders ? ['--json'] : [])], {
                  env: { PHOTOROOM_BASE_URL: proxy.url, PHOTOROOM_API_KEY: 'sk_contract' },
                });
                const printed = result.stdout + result.stderr;
                expect(
                  proxy.exchanges.map((exchange) => exchange.status),
                  printed,
                ).toEqual(Array(outcome!.requests).fill(Number(status)));
                expect(result.code, printed).toBe(outcome!.exit);
                if (outcome!.says) expect(printed).toContain(expectedText(document, response, outcome!.says));
                if (outcome!.writes) {
                  for (const name of NAMES) expect(await readFile(path.join(out, name))).toEqual(inputs.image);
                }
                if (outcome!.reportsHeaders) {
                  const declared = Object.keys(response.headers ?? {}).map((name) => name.toLowerCase());
                  const results = resultsIn(result.stdout);
                  expect(results, printed).toHaveLength(NAMES.length);
                  for (const { headers, uncertainty } of results) {
                    expect(Object.keys(headers ?? {}).sort()).toEqual(declared.sort());
                    expect(uncertainty).toBeUndefined();
                  }
                }
              } finally {
                await proxy.close();
              }
            });
          }
        }
      });
    }
  });
}
