/**
 * Contract tests of the requests: the built CLI sends every parameter of the table, with
 * values of every kind, through a recording proxy to Prism mocking the seed contract (those
 * parameters and values the seed knows: the newer ones are not its to judge). Prism
 * must find no violation, and every field name sent must be one the contract knows (Prism
 * lets unknown names through).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../e2e/harness.js';
import { flagsOf, packRequests, paramsToSend } from './cases.js';
import { fieldsOf, isKnownField, isSendable } from './fields.js';
import { contractInputs, type Inputs } from './inputs.js';
import { PRISM_START_TIMEOUT_MS, startPrism, type RunningPrism } from './prism.js';
import { startProxy, type ContractProxy, type Exchange } from './proxy.js';
import { contract } from './seed.js';

const CONTRACT = contract();
/** What `file` parameters (background.imageFile, ...) upload. */
const UPLOAD = path.join(FIXTURES, 'mug.jpg');

let prism: RunningPrism;
let proxy: ContractProxy;
let inputs: Inputs;

beforeAll(async () => {
  prism = await startPrism();
  inputs = await contractInputs(['small.png']);
  proxy = await startProxy(prism.url, { image: inputs.image });
}, PRISM_START_TIMEOUT_MS);

afterAll(async () => {
  await proxy?.close();
  await inputs?.close();
  await prism?.stop();
});

/** What the contract makes of one request. */
function verdict(exchange: Exchange) {
  const route = new URL(exchange.url, 'http://x').pathname;
  const fields = fieldsOf(CONTRACT, exchange.method, route);
  return {
    request: `${exchange.method} ${route}`,
    status: exchange.status,
    violations: exchange.violations,
    unknownFields: exchange.fields.filter((name) => !isKnownField(fields, name)),
    fieldsSent: exchange.fields.length,
  };
}

/** Runs the CLI through the proxy; the verdicts on the requests it sent, and its stderr. */
async function run(args: readonly string[]) {
  const before = proxy.exchanges.length;
  const { code, stderr } = await runCli([...args, '-o', await tempDir()], {
    env: { PHOTOROOM_BASE_URL: proxy.url, PHOTOROOM_API_KEY: 'sk_contract' },
  });
  return { code, stderr, verdicts: proxy.exchanges.slice(before).map(verdict) };
}

const CALLS = [
  { endpoint: 'edit', method: 'POST', route: '/v2/edit', input: () => inputs.files[0]! },
  { endpoint: 'edit', method: 'GET', route: '/v2/edit', input: () => inputs.urls[0]! },
  { endpoint: 'segment', method: 'POST', route: '/v1/segment', input: () => inputs.files[0]! },
] as const;

for (const { endpoint, method, route, input } of CALLS) {
  describe(`${method} ${route}: Prism accepts every request the CLI builds`, () => {
    const fields = fieldsOf(CONTRACT, method, route);
    const sendable = paramsToSend(endpoint, method, UPLOAD).filter(({ name, value }) => isSendable(fields, name, value));
    const requests = packRequests(endpoint, method, sendable);
    requests.forEach((request, index) => {
      it(`request ${index + 1} of ${requests.length}: ${request.length} parameters`, async () => {
        // --yes: no credits check; --retries 0: one request, whatever the CLI makes of the answer.
        const args = [endpoint, input(), ...flagsOf(request), '--yes', '--retries', '0'];
        const { verdicts, stderr } = await run(args);
        expect(verdicts, `photoroom ${args.join(' ')}\n${stderr}`).toEqual([
          { request: `${method} ${route}`, status: 200, violations: [], unknownFields: [], fieldsSent: request.length + 1 },
        ]);
      });
    });
  });
}

describe('GET /v2/account', () => {
  it('is the credits check before a batch; Prism accepts it and its answer (0 images left) stops the batch', async () => {
    const { code, stderr, verdicts } = await run(['edit', inputs.files[0]!]);
    expect(verdicts, stderr).toEqual([
      { request: 'GET /v2/account', status: 200, violations: [], unknownFields: [], fieldsSent: 0 },
    ]);
    expect(stderr).toContain('the account has 0 left: nothing was sent');
    expect(code).toBe(3);
  });
});
