/**
 * The batch engine on a fake clock with a fake client: stops, give-up, 429 pauses, retries,
 * later rounds and back-pressure, each in milliseconds of real time. What needs a real
 * process (signals, EPIPE, the HTTP client) is in test/e2e.
 */
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import type { BatchEvent, ResultEvent, SummaryEvent } from '../../src/batch/events.js';
import { runBatch, type BatchOptions } from '../../src/batch/run.js';
import { buildParamSet } from '../../src/params/paramset.js';
import { createFakeClient, type FakeAnswer, type FakeCall, type FakeClient } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';

let png: Buffer;

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } }).png().toBuffer();
});

const ok = (): FakeAnswer => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png });
const status = (code: number, retryAfter?: string): FakeAnswer => ({
  status: code,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: JSON.stringify({ error: { message: `status ${code}` } }),
});

interface Batch {
  summary: SummaryEvent;
  events: BatchEvent[];
  results: ResultEvent[];
  client: FakeClient;
  timing: FakeTiming;
  root: string;
}

/** A folder of `count` images named i00.png, i01.png, ... */
async function imageFolder(count: number): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'photoroom-engine-'));
  await mkdir(path.join(root, 'in'));
  for (let i = 0; i < count; i++) await writeFile(path.join(root, 'in', `i${String(i).padStart(2, '0')}.png`), png);
  return root;
}

async function runOnFakeTime(
  answer: (call: FakeCall) => FakeAnswer,
  options: { count?: number; root?: string; latencyMs?: number; abortAt?: (event: BatchEvent) => boolean } & Partial<BatchOptions> = {},
): Promise<Batch> {
  const timing = new FakeTiming();
  const root = options.root ?? (await imageFolder(options.count ?? 1));
  const client = createFakeClient({ timing, answer, latencyMs: options.latencyMs });
  const controller = new AbortController();
  const { params } = buildParamSet('edit', [], { hasInputImage: true });
  const batch = runBatch({
    endpoint: 'edit',
    inputs: ['in'],
    cwd: root,
    outDir: path.join(root, 'out'),
    params,
    client,
    concurrency: 2,
    retries: 4,
    timing,
    signal: controller.signal,
    ...options,
  });
  const events: BatchEvent[] = [];
  batch.on('event', (event) => {
    events.push(event);
    if (options.abortAt?.(event)) controller.abort();
  });
  const summary = await timing.drive(batch.done);
  return { summary, events, results: events.filter((e): e is ResultEvent => e.type === 'result'), client, timing, root };
}

describe('a service that is down', () => {
  it('stops after --give-up-after of nothing but 429s, counting them as failures', async () => {
    const { summary, timing, client } = await runOnFakeTime(() => status(429, '5'), { count: 4, giveUpAfterMs: 60_000 });
    expect(summary.stopped).toBe('unavailable');
    expect(summary.stopMessage).toMatch(/^no request has succeeded for \d+ s \(\d+ failures, the last: HTTP 429/);
    expect(summary.ok + summary.failed).toBe(0);
    expect(summary.notProcessed).toBe(4);
    expect(timing.now()).toBeGreaterThanOrEqual(60_000);
    expect(timing.now()).toBeLessThan(120_000);
    // One request per Retry-After at most, once the requests in flight have halved to one.
    expect(client.calls.length).toBeLessThanOrEqual(30);
  });

  it('stops after --give-up-after of 5xx and network faults', async () => {
    const reset = new ApiError({ status: 0, kind: 'network', message: 'network error: socket hang up (ECONNRESET)' });
    const { summary } = await runOnFakeTime((call) => (call.attempt % 2 ? status(503) : { error: reset }), { count: 10, giveUpAfterMs: 30_000 });
    expect(summary.stopped).toBe('unavailable');
    expect(summary.notProcessed).toBe(10);
  });

  it('ends every wait at once when stopped: no timer is left behind', async () => {
    const { summary, timing } = await runOnFakeTime(() => status(503, '600'), {
      count: 3,
      abortAt: (event) => event.type === 'retry',
    });
    expect(summary.stopped).toBe('interrupted');
    expect(timing.now()).toBeLessThan(600_000);
    expect(timing.pendingTimers).toBe(0);
  });
});

describe('stopping', () => {
  it('reads and checks no further input after a 402', async () => {
    const root = await imageFolder(12);
    // A broken link is reported as a failed input when it is checked: it must never be reached.
    await symlink(path.join(root, 'nowhere.png'), path.join(root, 'in', 'i10-link.png'));
    const { summary, results, client } = await runOnFakeTime((call) => (call.input.endsWith('i02.png') ? status(402) : ok()), {
      root,
      concurrency: 1,
    });
    expect(summary.stopped).toBe('credits');
    expect(results.map((result) => result.input)).not.toContain('in/i10-link.png');
    expect(client.calls.length).toBeLessThanOrEqual(3);
    expect(summary.notProcessed).toBe(13 - summary.ok);
  });

  it('stops at the first 403, whatever was waiting for a place', async () => {
    const { summary, client } = await runOnFakeTime(() => status(403), { count: 20, concurrency: 4 });
    expect(summary.stopped).toBe('key');
    expect(client.calls.length).toBeLessThanOrEqual(4);
  });
});

describe('transient faults', () => {
  it('gives an input that failed every retry another round at the end, and it succeeds', async () => {
    const { summary, events, client } = await runOnFakeTime((call) => (call.input.endsWith('i01.png') && call.attempt <= 5 ? status(503) : ok()), {
      count: 3,
    });
    expect(summary).toMatchObject({ ok: 3, failed: 0 });
    expect(client.calls.filter((call) => call.input.endsWith('i01.png'))).toHaveLength(6);
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', message: expect.stringMatching(/trying 1 input again.*round 2 of 3/) }));
  });

  it('fails an input only after its last round, with the last reason', async () => {
    const { summary, client } = await runOnFakeTime(() => status(500), { count: 1, retries: 1, giveUpAfterMs: 10 * 60_000 });
    expect(summary.failed).toBe(1);
    expect(summary.failures[0]?.error).toBe('HTTP 500: status 500');
    expect(client.calls).toHaveLength(6); // 3 rounds of 2 attempts
  });

  it('retries a 2xx that is not an image once, never more, and keeps nothing', async () => {
    const html: FakeAnswer = { status: 200, headers: { 'content-type': 'image/png' }, body: '<html>login</html>' };
    const { summary, client, root } = await runOnFakeTime(() => html, { count: 1 });
    expect(summary.failed).toBe(1);
    expect(client.calls).toHaveLength(2);
    expect(await readdir(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
  });

  it('does not retry a 400, and does not count it against the service', async () => {
    const { summary, client } = await runOnFakeTime(() => status(400), { count: 5 });
    expect(summary.failed).toBe(5);
    expect(summary.stopped).toBeUndefined();
    expect(client.calls).toHaveLength(5);
  });
});

describe('back-pressure', () => {
  it('never has more requests in flight than --concurrency', async () => {
    const { summary, client } = await runOnFakeTime(() => ok(), { count: 30, concurrency: 3 });
    expect(summary.ok).toBe(30);
    expect(client.maxInFlight).toBe(3);
  });

  it('pauses every worker until Retry-After after a 429, then halves the requests in flight', async () => {
    let limited: number | null = null;
    const { summary, client } = await runOnFakeTime(
      (call) => {
        if (limited === null && call.startedAt >= 500) {
          limited = call.startedAt;
          return status(429, '10');
        }
        return ok();
      },
      { count: 40, concurrency: 4 },
    );
    expect(summary).toMatchObject({ ok: 40, rateLimited: 1 });
    const startedDuringPause = client.calls.filter((call) => call.startedAt > limited! + 100 && call.startedAt < limited! + 10_000);
    expect(startedDuringPause).toEqual([]);
    const justAfter = client.calls.filter((call) => call.startedAt >= limited! + 10_000 && call.startedAt < limited! + 10_050);
    expect(justAfter.length).toBeLessThanOrEqual(2);
  });

  it('spaces requests by --rate', async () => {
    const { client } = await runOnFakeTime(() => ok(), { count: 6, concurrency: 6, ratePerMinute: 60 });
    const starts = client.calls.map((call) => call.startedAt).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });
});

describe('the credits check', () => {
  it('is retried like any request, and sends nothing when the account is short', async () => {
    let asked = 0;
    const timing = new FakeTiming();
    const root = await imageFolder(5);
    const client = createFakeClient({
      timing,
      answer: ok,
      account: () => (++asked === 1 ? status(503) : { plan: 'p', images: { available: 3, subscription: 10 } }),
    });
    const { params } = buildParamSet('edit', [], { hasInputImage: true });
    const batch = runBatch({ endpoint: 'edit', inputs: ['in'], cwd: root, outDir: path.join(root, 'out'), params, client, concurrency: 2, retries: 2, checkCredits: true, timing });
    const summary = await timing.drive(batch.done);
    expect(summary).toMatchObject({ stopped: 'credits', notProcessed: 5 });
    expect(summary.stopMessage).toContain('use --max-images 3');
    expect(client.calls).toHaveLength(0);
    expect(client.accountCalls).toBe(2);
  });
});

describe('what is recorded', () => {
  it('writes an output and a sidecar per success, and one run-log line per input', async () => {
    const { root, summary } = await runOnFakeTime((call) => (call.input.endsWith('i01.png') ? status(400) : ok()), { count: 3 });
    expect(summary).toMatchObject({ ok: 2, failed: 1 });
    expect((await readdir(path.join(root, 'out'))).sort()).toEqual(['i00.png', 'i00.png.json', 'i02.png', 'i02.png.json', 'photoroom-run.jsonl']);
    const lines = (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { status: string });
    expect(lines.map((line) => line.status).sort()).toEqual(['failed', 'ok', 'ok']);
  });
});
