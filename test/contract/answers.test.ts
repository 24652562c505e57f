/**
 * Contract tests of the answers: every answer the contract gives the operations the CLI
 * calls, as Prism mocks it, must reach the CLI and be handled as the README says (Exit
 * codes). The proxy picks the answer with the headers Prism reads (`Prefer: code=`,
 * `Accept`), which the CLI does not send.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../e2e/harness.js';
import { contractInputs, type Inputs } from './inputs.js';
import { PRISM_START_TIMEOUT_MS, startPrism, type RunningPrism } from './prism.js';
import { startProxy } from './proxy.js';
import { contract, operation } from './seed.js';

const CONTRACT = contract();
const NAMES = ['a.png', 'b.png'];

let prism: RunningPrism;
let inputs: Inputs;

beforeAll(async () => {
  prism = await startPrism();
  inputs = await contractInputs(NAMES);
}, PRISM_START_TIMEOUT_MS);

afterAll(async () => {
  await inputs?.close();
  await prism?.stop();
});

interface Outcome {
  exit: number;
  /** Requests Prism receives. */
  requests: number;
  /** Printed on stdout or stderr. Prism's mock fills every string of a body with "string". */
  says?: string;
  /** Each input's output holds the image the answer carried. */
  writes?: boolean;
}

/** A batch of the two inputs, one at a time, with no retries but the batch's later rounds. */
const BATCH_FLAGS = ['--yes', '--concurrency', '1', '--retries', '0'];
const BATCH: Record<string, Outcome> = {
  200: { exit: 0, requests: 2, writes: true },
  400: { exit: 1, requests: 2, says: 'HTTP 400: string' }, // reported, not retried
  402: { exit: 3, requests: 1, says: 'HTTP 402: string' }, // the run stops
  403: { exit: 3, requests: 1, says: 'HTTP 403: the API key was refused' }, // the run stops
  500: { exit: 1, requests: 6, says: 'HTTP 500: string' }, // tried again in each of the batch's three rounds
};
const ACCOUNT: Record<string, Outcome> = {
  200: { exit: 0, requests: 1, says: 'Plan:          string' },
  400: { exit: 1, requests: 1, says: 'HTTP 400: string' },
  403: { exit: 3, requests: 1, says: 'HTTP 403: the API key was refused' },
};

/** How the CLI calls each operation, writing outputs (if any) to `out`. */
const CALLS = [
  { method: 'POST', route: '/v2/edit', outcomes: BATCH, args: (out: string) => ['edit', ...inputs.files, '-o', out, ...BATCH_FLAGS] },
  { method: 'GET', route: '/v2/edit', outcomes: BATCH, args: (out: string) => ['edit', ...inputs.urls, '-o', out, ...BATCH_FLAGS] },
  { method: 'POST', route: '/v1/segment', outcomes: BATCH, args: (out: string) => ['segment', ...inputs.files, '-o', out, ...BATCH_FLAGS] },
  { method: 'GET', route: '/v2/account', outcomes: ACCOUNT, args: () => ['account'] },
];

for (const { method, route, outcomes, args } of CALLS) {
  describe(`${method} ${route}: every answer the contract allows reaches the CLI`, () => {
    for (const [status, response] of Object.entries(operation(CONTRACT, method, route).responses)) {
      for (const type of response.content ? Object.keys(response.content) : [undefined]) {
        const steer = { prefer: `code=${status}`, ...(type && { accept: type }) };

        it(`${status} ${type ?? 'without a body'}`, async () => {
          const outcome = outcomes[status];
          expect(outcome, `no outcome expected for ${status}`).toBeDefined();
          const proxy = await startProxy(prism.url, { image: inputs.image, steer });
          try {
            const out = await tempDir();
            const result = await runCli(args(out), { env: { PHOTOROOM_BASE_URL: proxy.url, PHOTOROOM_API_KEY: 'sk_contract' } });
            const printed = result.stdout + result.stderr;
            expect(proxy.exchanges.map((exchange) => exchange.status), printed).toEqual(Array(outcome!.requests).fill(Number(status)));
            expect(result.code, printed).toBe(outcome!.exit);
            if (outcome!.says) expect(printed).toContain(outcome!.says);
            if (outcome!.writes) {
              for (const name of NAMES) expect(await readFile(path.join(out, name))).toEqual(inputs.image);
            }
          } finally {
            await proxy.close();
          }
        });
      }
    }
  });
}
