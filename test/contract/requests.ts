/**
 * Contract tests of the requests (run per operation by requests-*.test.ts, so that the
 * operations run in parallel files against the same two Prisms): the built CLI sends every
 * parameter of the table, with values of every kind, through a recording proxy to Prism
 * mocking each contract: the seed (those parameters and values it knows: the newer ones are
 * not its to judge) and the 2026-06-22 document the table follows (every one). Prism must
 * find no violation, and every field name sent must be one the contract knows (Prism lets
 * unknown names through).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, tempDir } from '../e2e/harness.js';
import { runInProcess } from '../support/in-process.js';
import { flagsOf, packRequests, paramsToSend } from './cases.js';
import { fieldsOf, isKnownField, isSendable } from './fields.js';
import { contractInputs, type Inputs } from './inputs.js';
import { CONTRACTS, type Contract, type ContractName } from './contracts.js';
import { prismUrl } from './prism-url.js';
import { paramByName } from '../../src/params/table.js';
import { startProxy, type ContractProxy, type Exchange } from './proxy.js';

/** What `file` parameters (background.imageFile, ...) upload. */
const UPLOAD = path.join(FIXTURES, 'mug.jpg');

/**
 * Prism's multipart reader keeps a form field sent several times as one string and refuses
 * it as "not an array"; OpenAPI sends a multipart array as repeated parts, as the CLI does.
 * So a list goes to Prism in a query string (GET) only, where Prism reads repeated keys.
 */
function prismCanJudge(method: string, name: string): boolean {
  return method !== 'POST' || paramByName(name)?.kind !== 'urlList';
}

/** Fields a request sends for these parameters: one per value of a list, one for each other. */
function fieldCount(request: readonly { name: string; value: string }[]): number {
  return request.reduce(
    (count, { name, value }) => count + (paramByName(name)?.kind === 'urlList' ? value.split(',').length : 1),
    0,
  );
}

/** The operations whose requests are checked, each with an input it takes. */
const CALLS = {
  'POST /v2/edit': { endpoint: 'edit', method: 'POST', route: '/v2/edit', input: (inputs: Inputs) => inputs.files[0]! },
  'GET /v2/edit': { endpoint: 'edit', method: 'GET', route: '/v2/edit', input: (inputs: Inputs) => inputs.urls[0]! },
  'POST /v1/segment': {
    endpoint: 'segment',
    method: 'POST',
    route: '/v1/segment',
    input: (inputs: Inputs) => inputs.files[0]!,
  },
} as const;

/** What each contract's /v2/account example says: the seed's has no image left. */
const NONE_LEFT: Record<ContractName, boolean> = { seed: true, '2026-06-22': false };

/** What the contract makes of one request. */
function verdict(contract: Contract, exchange: Exchange) {
  const route = new URL(exchange.url, 'http://x').pathname;
  const fields = fieldsOf(contract.document, exchange.method, route);
  return {
    request: `${exchange.method} ${route}`,
    status: exchange.status,
    violations: exchange.violations,
    unknownFields: exchange.fields.filter((name) => !isKnownField(fields, name)),
    fieldsSent: exchange.fields.length,
  };
}

interface PrismRun {
  code: number | null;
  stderr: string;
  /** The contract's verdict on each request the run sent. */
  verdicts: ReturnType<typeof verdict>[];
}

/**
 * In the calling test file, for each contract: `tests` declared against its Prism (behind a
 * recording proxy), with `run`, which runs the CLI through it on `-o` a new folder.
 */
function againstEachPrism(
  tests: (contract: Contract, run: (args: readonly string[]) => Promise<PrismRun>, inputs: () => Inputs) => void,
): void {
  let inputs: Inputs;

  beforeAll(async () => {
    inputs = await contractInputs(['small.png']);
  });

  afterAll(async () => {
    await inputs?.close();
  });

  for (const contract of CONTRACTS) {
    describe(`Prism on ${contract.label}`, () => {
      let proxy: ContractProxy;

      beforeAll(async () => {
        proxy = await startProxy(prismUrl(contract), { image: inputs.image });
      });

      afterAll(async () => {
        await proxy?.close();
      });

      const run = async (args: readonly string[]): Promise<PrismRun> => {
        const before = proxy.exchanges.length;
        const { code, stderr } = await runInProcess([...args, '-o', await tempDir()], {
          env: { PHOTOROOM_BASE_URL: proxy.url, PHOTOROOM_API_KEY: 'sk_contract' },
        });
        return { code, stderr, verdicts: proxy.exchanges.slice(before).map((exchange) => verdict(contract, exchange)) };
      };
      tests(contract, run, () => inputs);
    });
  }
}

/** Each contract's Prism accepts every request the CLI builds for `call`. */
export function prismAcceptsEveryRequest(call: keyof typeof CALLS): void {
  const { endpoint, method, route, input } = CALLS[call];
  againstEachPrism((contract, run, inputs) => {
    describe(`${method} ${route}: Prism accepts every request the CLI builds`, () => {
      const fields = fieldsOf(contract.document, method, route);
      const sendable = paramsToSend(endpoint, method, UPLOAD).filter(
        ({ name, value }) => isSendable(fields, name, value) && prismCanJudge(method, name),
      );
      const requests = packRequests(endpoint, method, sendable);
      requests.forEach((request, index) => {
        it(`request ${index + 1} of ${requests.length}: ${request.length} parameters`, async () => {
          // --yes: no credits check; --retries 0: one request, whatever the CLI makes of the answer.
          const args = [endpoint, input(inputs()), ...flagsOf(request), '--yes', '--retries', '0'];
          const { verdicts, stderr } = await run(args);
          expect(verdicts, `photoroom ${args.join(' ')}\n${stderr}`).toEqual([
            {
              request: `${method} ${route}`,
              status: 200,
              violations: [],
              unknownFields: [],
              fieldsSent: fieldCount(request) + 1,
            },
          ]);
        });
      });
    });
  });
}

/** Each contract's Prism accepts the credits check (GET /v2/account) a batch starts with. */
export function prismAcceptsTheCreditsCheck(): void {
  againstEachPrism((contract, run, inputs) => {
    describe('GET /v2/account', () => {
      it('is the credits check before a batch, and Prism accepts it', async () => {
        const { stderr, verdicts } = await run(['edit', inputs().files[0]!]);
        expect(verdicts[0], stderr).toEqual({
          request: 'GET /v2/account',
          status: 200,
          violations: [],
          unknownFields: [],
          fieldsSent: 0,
        });
      });

      if (NONE_LEFT[contract.name]) {
        it('stops the batch on an answer of 0 images left', async () => {
          const { code, stderr, verdicts } = await run(['edit', inputs().files[0]!]);
          expect(verdicts).toHaveLength(1);
          expect(stderr).toContain('the account has 0 left: nothing was sent');
          expect(code).toBe(3);
        });
      }
    });
  });
}
