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
import { summaryLines } from '../../src/cli/reporters/summary.js';
import { createStyle } from '../../src/cli/reporters/style.js';
import { runSettingDefaults } from '../../src/config/defaults.js';
import { RUN_OPTIONS } from '../../src/config/options.js';
import { LocalFault } from '../../src/errors.js';
import { buildParamSet } from '../../src/params/paramset.js';
import type { RunLogLine } from '../../src/store/runlog.js';
import {
  createFakeClient,
  type FakeAnswer,
  type FakeCall,
  type FakeClient,
  type FakeClientOptions,
} from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';
import { runLimitCase } from '../support/limit-matrix.js';
import { rollingWindow } from '../support/limiters.js';
import { processHost } from '../../src/cli/io.js';
import { editInToOut } from '../support/folder-batch.js';

let png: Buffer;

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
    .png()
    .toBuffer();
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
  options: {
    count?: number;
    root?: string;
    latencyMs?: FakeClientOptions['latencyMs'];
    refuse?: FakeClientOptions['refuse'];
    abortAt?: (event: BatchEvent) => boolean;
  } & Partial<BatchOptions> = {},
): Promise<Batch> {
  const timing = new FakeTiming();
  const root = options.root ?? (await imageFolder(options.count ?? 1));
  const client = createFakeClient({ timing, answer, latencyMs: options.latencyMs, refuse: options.refuse });
  const controller = new AbortController();
  const { params } = buildParamSet('edit', [], { hasInputImage: true });
  const batch = runBatch({
    endpoint: 'edit',
    inputs: ['in'],
    cwd: root,
    outDir: path.join(root, 'out'),
    params,
    client,
    host: processHost(),
    timing,
    signal: controller.signal,
    ...options,
    settings: { concurrency: 2, retries: 4, yes: true, ...options.settings },
  });
  const events: BatchEvent[] = [];
  batch.on('event', (event) => {
    events.push(event);
    if (options.abortAt?.(event)) controller.abort();
  });
  const summary = await timing.drive(batch.done);
  return {
    summary,
    events,
    results: events.filter((e): e is ResultEvent => e.type === 'result'),
    client,
    timing,
    root,
  };
}

describe('a service that is down', () => {
  it('stops after --give-up-after of nothing but 429s, counting them as failures', async () => {
    const { summary, timing, client } = await runOnFakeTime(() => status(429, '5'), {
      count: 4,
      settings: { giveUpAfter: 60 },
    });
    expect(summary.stopped).toBe('unavailable');
    expect(summary.stopMessage).toMatch(/^no request has succeeded for \d+ s \(\d+ failures, the last: HTTP 429/);
    expect(summary.ok + summary.failed).toBe(0);
    expect(summary.notProcessed).toBe(4);
    expect(timing.now()).toBeGreaterThanOrEqual(60_000);
    expect(timing.now()).toBeLessThan(120_000);
    // One request per Retry-After at most, once the requests in flight have halved to one.
    expect(client.calls.length).toBeLessThanOrEqual(30);
  });

  // The API's own 429 (no Retry-After): the run pauses and probes, at waits that grow to a minute at most.
  it('stops after --give-up-after of nothing but bare 429s, its probes a minute apart at most', async () => {
    const { summary, timing, client } = await runOnFakeTime(() => status(429), {
      count: 4,
      settings: { giveUpAfter: 600 },
    });
    expect(summary.stopped).toBe('unavailable');
    expect(timing.now()).toBeGreaterThanOrEqual(600_000);
    expect(timing.now()).toBeLessThan(660_000);
    const starts = client.calls.map((call) => call.startedAt);
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    // A minute after the last refusal came back (each takes the fake client's 100 ms).
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_100);
    expect(client.calls.length).toBeLessThan(30);
  });

  it('stops after --give-up-after of 5xx and network faults', async () => {
    const reset = new ApiError({ status: 0, kind: 'network', message: 'network error: socket hang up (ECONNRESET)' });
    const { summary } = await runOnFakeTime((call) => (call.attempt % 2 ? status(503) : { error: reset }), {
      count: 10,
      settings: { giveUpAfter: 30 },
    });
    expect(summary.stopped).toBe('unavailable');
    expect(summary.notProcessed).toBe(10);
  });

  it('stops when --give-up-after passes, not at the next failure a backoff puts after it', async () => {
    const { summary, client } = await runOnFakeTime(() => status(503), {
      count: 1,
      settings: { retries: 20, giveUpAfter: 30 },
    });
    expect(summary.stopped).toBe('unavailable');
    expect(summary.stopMessage).toMatch(/^no request has succeeded for 30 s \(\d+ failures, the last: HTTP 503/);
    // Nothing takes fake time after the stop: the run ended as the deadline passed.
    expect(summary.ms).toBe(30_000);
    expect(client.calls.every((call) => call.startedAt < 30_000)).toBe(true);
  });

  it('waits at the deadline for an answer in flight: it may be the success', async () => {
    const { summary, client } = await runOnFakeTime((call) => (call.attempt <= 3 ? status(503) : ok()), {
      count: 1,
      latencyMs: (call) => (call.attempt <= 3 ? 100 : 60_000),
      settings: { giveUpAfter: 30 },
    });
    expect(summary).toMatchObject({ ok: 1, notProcessed: 0 });
    expect(summary.stopped).toBeUndefined();
    expect(client.calls).toHaveLength(4);
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
    const { summary, results, client } = await runOnFakeTime(
      (call) => (call.input.endsWith('i02.png') ? status(402) : ok()),
      {
        root,
        settings: { concurrency: 1 },
      },
    );
    expect(summary.stopped).toBe('credits');
    expect(results.map((result) => result.input)).not.toContain('in/i10-link.png');
    expect(client.calls.length).toBeLessThanOrEqual(3);
    expect(summary.notProcessed).toBe(13 - summary.ok);
  });

  it('stops at the first 403, whatever was waiting for a place', async () => {
    const { summary, client } = await runOnFakeTime(() => status(403), { count: 20, settings: { concurrency: 4 } });
    expect(summary.stopped).toBe('key');
    expect(client.calls.length).toBeLessThanOrEqual(4);
  });
});

describe('each failure, counted once however its input is settled', () => {
  it('counts a 429 once when the run stops during its Retry-After wait, and does not call it retried', async () => {
    const { summary, client } = await runOnFakeTime(() => status(429, '60'), {
      count: 1,
      abortAt: (event) => event.type === 'retry',
    });
    expect(summary).toMatchObject({ stopped: 'interrupted', requests: 1, rateLimited: 1 });
    expect(client.calls).toHaveLength(1);
    const lines = summaryLines(summary, { style: createStyle(false), problemsOnly: false });
    expect(lines).toContain('1 request was rate-limited (429)');
    expect(lines.join('\n')).not.toContain('retried');
  });

  it('tells no retry after the stop its failure raised: the service was given up on, nothing is retried', async () => {
    const { summary, events } = await runOnFakeTime(() => status(503), {
      count: 1,
      settings: { retries: 20, giveUpAfter: 30 },
    });
    expect(summary.stopped).toBe('unavailable');
    const stoppedAt = events.findIndex((event) => event.type === 'stop');
    expect(events.slice(stoppedAt).filter((event) => event.type === 'retry')).toEqual([]);
  });
});

describe('transient faults', () => {
  it('gives an input that failed every retry another round at the end, and it succeeds', async () => {
    const { summary, events, client } = await runOnFakeTime(
      (call) => (call.input.endsWith('i01.png') && call.attempt <= 5 ? status(503) : ok()),
      {
        count: 3,
      },
    );
    expect(summary).toMatchObject({ ok: 3, failed: 0 });
    expect(client.calls.filter((call) => call.input.endsWith('i01.png'))).toHaveLength(6);
    const roundTwo: unknown = expect.stringMatching(/trying 1 input again.*round 2 of 3/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', message: roundTwo }));
  });

  it('fails an input only after its last round, with the last reason', async () => {
    const { summary, client, timing } = await runOnFakeTime(() => status(500), {
      count: 1,
      settings: { retries: 1, giveUpAfter: 600 },
    });
    expect(summary.failed).toBe(1);
    expect(summary.failures[0]?.error).toBe('HTTP 500: status 500');
    expect(client.calls).toHaveLength(6); // 3 rounds of 2 attempts
    // The give-up deadline, 600 s ahead, was waited for until the run ended, and no longer.
    expect(timing.pendingTimers).toBe(0);
  });

  it('waits before a later round as before a retry: both follow the one backoff policy the timing gives', async () => {
    const timing = Object.assign(new FakeTiming(), {
      policy: { baseMs: 10_000, maxMs: 40_000, maxRetryAfterMs: 60_000 },
    });
    // Every wait is half its ceiling, min(maxMs, baseMs * 2^(attempt - 1)).
    timing.random = () => 0.5;
    const root = await imageFolder(1);
    const client = createFakeClient({ timing, answer: () => status(503), latencyMs: 0 });
    const summary = await timing.drive(
      editInToOut(root, client, timing, { settings: { retries: 1, giveUpAfter: 600 } }).done,
    );
    expect(summary.failed).toBe(1);
    // Round 1: a retry after 5 s; round 2 waits 10 s (2 attempts made), then retries after 20 s; round 3 waits 20 s, then 20 s.
    expect(client.calls.map((call) => call.startedAt)).toEqual([0, 5_000, 15_000, 35_000, 55_000, 75_000]);
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

describe('run settings', () => {
  it("takes the table's defaults for every setting a library caller leaves out: the credits check, --concurrency, --retries", async () => {
    const timing = new FakeTiming();
    const root = await imageFolder(20);
    const client = createFakeClient({
      timing,
      answer: (call) => (call.input.endsWith('i00.png') && call.attempt <= 5 ? status(503) : ok()),
    });
    const { params } = buildParamSet('edit', [], { hasInputImage: true });
    const summary = await timing.drive(
      runBatch({
        endpoint: 'edit',
        inputs: ['in'],
        cwd: root,
        outDir: path.join(root, 'out'),
        params,
        host: processHost(),
        client,
        timing,
      }).done,
    );
    const defaults = runSettingDefaults();
    expect(defaults).toMatchObject({
      yes: false,
      concurrency: RUN_OPTIONS.concurrency.default,
      retries: RUN_OPTIONS.retries.default,
    });
    expect(client.accountCalls).toBe(1);
    expect(client.maxInFlight).toBe(defaults.concurrency);
    // Its first round spends every retry (the first attempt and 4 more), its second one succeeds.
    expect(client.calls.filter((call) => call.input.endsWith('i00.png'))).toHaveLength(defaults.retries + 2);
    expect(summary).toMatchObject({ ok: 20, failed: 0 });
  });

  it('reads --max-answer-size in MB, as the table gives it, and cuts off a larger answer without retrying it', async () => {
    const large = Buffer.concat([png, Buffer.alloc(1024 * 1024)]);
    const { summary, client } = await runOnFakeTime(
      () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: large }),
      {
        count: 1,
        settings: { maxAnswerSize: 1 },
      },
    );
    expect(summary.failures).toEqual([
      { input: 'in/i00.png', error: 'the answer is larger than the 1 MB cap (--max-answer-size); cut off' },
    ]);
    expect(client.calls).toHaveLength(1);
  });
});

describe('back-pressure', () => {
  it('never has more requests in flight than --concurrency', async () => {
    const { summary, client } = await runOnFakeTime(() => ok(), { count: 30, settings: { concurrency: 3 } });
    expect(summary.ok).toBe(30);
    expect(client.maxInFlight).toBe(3);
  });

  it('pauses every worker until Retry-After after a 429, then goes on at full concurrency', async () => {
    let limited: number | null = null;
    const { summary, client } = await runOnFakeTime(
      (call) => {
        if (limited === null && call.startedAt >= 500) {
          limited = call.startedAt;
          return status(429, '10');
        }
        return ok();
      },
      { count: 40, settings: { concurrency: 4 } },
    );
    expect(summary).toMatchObject({ ok: 40, rateLimited: 1 });
    const startedDuringPause = client.calls.filter(
      (call) => call.startedAt > limited! + 100 && call.startedAt < limited! + 10_000,
    );
    expect(startedDuringPause).toEqual([]);
    // The 429 came back after 100 ms, and said when: the pace the service takes is left as it
    // was, every worker going on within the 100 ms the resumption is spread over.
    const resumed = limited! + 100 + 10_000;
    const justAfter = client.calls.filter((call) => call.startedAt >= resumed && call.startedAt <= resumed + 100);
    expect(justAfter).toHaveLength(4);
  });

  it('resumes after a pause one request at a time, so that a 429 to the first pauses the others before they go', async () => {
    const refusedAt: number[] = [];
    const { summary, client } = await runOnFakeTime(() => ok(), {
      count: 40,
      settings: { concurrency: 4 },
      // A window another shard has filled again by the time the pause ends.
      refuse: (call) => {
        if (call.startedAt < 500 || refusedAt.length >= 2) return undefined;
        refusedAt.push(call.startedAt);
        return status(429, '10');
      },
    });
    expect(summary).toMatchObject({ ok: 40, rateLimited: 2 });
    const [first, second] = refusedAt as [number, number];
    expect(second).toBeGreaterThanOrEqual(first + 10_000);
    const startedInBetween = client.calls.filter((call) => call.startedAt > first && call.startedAt < second + 10_000);
    expect(startedInBetween.map((call) => call.startedAt)).toEqual([second]);
  });

  it('spaces requests by --rate', async () => {
    const { client } = await runOnFakeTime(() => ok(), { count: 6, settings: { concurrency: 6, rate: 60 } });
    const starts = client.calls.map((call) => call.startedAt).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });
});

interface SharedLimitRun {
  /** The slowest batch's time, against the fastest the window allows. */
  ofBound: number;
  /** 429s over requests, over the whole run and over its second half. */
  rateLimitedShare: number;
  lateRateLimitedShare: number;
  /** Requests/s admitted over the second half, against the window's sustained rate. */
  lateOfLimit: number;
  /** When each batch finished (ms). */
  finished: number[];
  ok: number;
}

/**
 * `batches` independent batches (shards: their own gate, their own 429s) on folders of 400
 * images between them, sharing the emulator's rolling window of 50 requests in any 5 s (its
 * `--rate-limit 50/5s`); latency 100 ms, concurrency 8. `retryAfter` gives a 429's header, if any.
 */
async function shareRollingWindow(batches: number, retryAfter?: (seconds: number) => string): Promise<SharedLimitRun> {
  const window = { limit: 50, ms: 5_000 };
  const run = await runLimitCase(
    { name: 'rolling 50/5s', limiter: () => rollingWindow(window.limit, window.ms), retryAfter },
    { images: 400, shards: batches, split: 'folders' },
  );
  const late = run.arrivals.filter((arrival) => arrival.at >= run.wallMs / 2);
  const lateAdmitted = late.filter((arrival) => !arrival.refused).length;
  return {
    ofBound: run.ofBound,
    rateLimitedShare: run.rateLimited / run.requests,
    lateRateLimitedShare: (late.length - lateAdmitted) / late.length,
    lateOfLimit: lateAdmitted / (run.wallMs / 2 / 1000) / (window.limit / (window.ms / 1000)),
    finished: run.finished,
    ok: run.summaries.reduce((sum, summary) => sum + summary.ok, 0),
  };
}

const withRetryAfter = String;
/** The limit, with no Retry-After: 50 requests in any rolling 5 s. */
const ROLLING_5S = { name: 'rolling 50/5s', limiter: () => rollingWindow(50, 5_000) };
const withoutRetryAfter = undefined;

describe('converging on a rolling-window rate limit (50 per 5 s, 400 images)', () => {
  it('with Retry-After, alone: near the fastest schedule the window allows, with few 429s', async () => {
    const run = await shareRollingWindow(1, withRetryAfter);
    expect(run.ok).toBe(400);
    expect(run.ofBound).toBeGreaterThan(0.83);
    expect(run.rateLimitedShare).toBeLessThan(0.03);
  });

  it('with Retry-After, as 3 shards: above 0.9 of it, finishing together', async () => {
    const run = await shareRollingWindow(3, withRetryAfter);
    expect(run.ok).toBe(400);
    expect(run.ofBound).toBeGreaterThan(0.9);
    expect(run.rateLimitedShare).toBeLessThan(0.07);
    expect(Math.max(...run.finished) - Math.min(...run.finished)).toBeLessThan(1_000);
  });

  // Issue 23's target alone (the AWS SDKs' adaptive mode, followed before: 0.72 of the bound, 10.7% 429s).
  it('without Retry-After, alone: the run learns the window and holds ≥ 0.9 of the bound with < 5% 429s', async () => {
    const run = await shareRollingWindow(1, withoutRetryAfter);
    expect(run.ok).toBe(400);
    expect(run.ofBound).toBeGreaterThan(0.9);
    expect(run.rateLimitedShare).toBeLessThan(0.05);
  });

  // Issue 23's target as shards: 0.886–0.890 with 4.3% 429s from run to run (was 0.77–0.79, 21%).
  it('without Retry-After, as 3 --shard batches: each takes its part of the work as its share, ≥ 0.85 of the bound with < 5% 429s', async () => {
    const run = await runLimitCase(ROLLING_5S, { shards: 3 });
    expect(run.summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(400);
    expect(run.ofBound).toBeGreaterThan(0.85);
    expect(run.rateLimited / run.requests).toBeLessThan(0.05);
  });

  // Batches with no --shard know nothing of each other's work: each keeps the share it met.
  it('without Retry-After, as 3 batches on their own folders: each finds its share from its own 429s', async () => {
    const run = await shareRollingWindow(3, withoutRetryAfter);
    expect(run.ok).toBe(400);
    expect(run.ofBound).toBeGreaterThan(0.75);
    expect(run.rateLimitedShare).toBeLessThan(0.08);
  });

  // A batch that starts while another job on the key fills the limit met a 429 with nothing of
  // its own admitted, learnt a 1-ms window from it and sent a request a millisecond: 44% of
  // its requests were answered 429 (3 --shard batches started 2 s apart: 55%).
  it('without Retry-After, started while another job fills the limit: no volley of 429s', async () => {
    const second = await runLimitCase(ROLLING_5S, { shards: 2, split: 'folders', startsMs: [0, 2_000] });
    expect(second.summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(400);
    expect(second.rateLimited / second.requests).toBeLessThan(0.05);
    const staggered = await runLimitCase(ROLLING_5S, { shards: 3, startsMs: [0, 2_000, 4_000] });
    expect(staggered.summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(400);
    expect(staggered.rateLimited / staggered.requests).toBeLessThan(0.1);
  });

  // Real processes start tens of ms apart and their answers vary: a shard's window trial was
  // admitted by chance in a place another left free, and the shorter window it taught met a
  // 429 every round (this one of 8 seeds: 0.60 of the bound, 9.9% 429s; now 0.76, 5.7%).
  it('without Retry-After, as 3 --shard batches started apart with uneven answers: no shard collapses', async () => {
    const run = await runLimitCase(ROLLING_5S, {
      shards: 3,
      latencyMs: 60,
      jitterMs: 20,
      startsMs: [0, 71, 69],
      seed: 5,
    });
    expect(run.summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(400);
    expect(run.ofBound).toBeGreaterThan(0.7);
    expect(run.rateLimited / run.requests).toBeLessThan(0.07);
  });

  // Each answer's window ends when its request was sent; the run forgot what was sent more than
  // a window before *now*, so an answer slower than the window read a window half-forgotten: a
  // trial taught 1.9 s for 2 s and the cuts that followed held the run at 316 a minute of 600,
  // with 11% of its requests answered 429 (0.33 of the bound).
  it('learns a window shorter than its answers take: 20 per 2 s, answered in 3 s', async () => {
    const run = await runLimitCase(
      { name: 'rolling 20/2s', limiter: () => rollingWindow(20, 2_000) },
      { images: 200, concurrency: 40, latencyMs: 3_000 },
    );
    const [summary] = run.summaries;
    expect(summary!.ok).toBe(200);
    expect(run.rateLimited / run.requests).toBeLessThan(0.05);
    expect(summary!.settledRate?.perMinute).toBeGreaterThan(0.95 * 600);
    expect(summary!.settledRate?.perMinute).toBeLessThanOrEqual(600);
  });

  it('takes a 429 with Retry-After 0 as one without: the run learns the window', async () => {
    const run = await shareRollingWindow(1, () => '0');
    expect(run.ok).toBe(400);
    expect(run.rateLimitedShare).toBeLessThan(0.05);
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
    const batch = editInToOut(root, client, timing, { settings: { yes: false } });
    const summary = await timing.drive(batch.done);
    expect(summary).toMatchObject({ stopped: 'credits', notProcessed: 5 });
    expect(summary.stopMessage).toContain('use --max-images 3');
    expect(client.calls).toHaveLength(0);
    expect(client.accountCalls).toBe(2);
  });
});

describe('what is recorded', () => {
  it('writes an output and a sidecar per success, and one run-log line per input', async () => {
    const { root, summary } = await runOnFakeTime((call) => (call.input.endsWith('i01.png') ? status(400) : ok()), {
      count: 3,
    });
    expect(summary).toMatchObject({ ok: 2, failed: 1 });
    expect((await readdir(path.join(root, 'out'))).sort()).toEqual([
      'i00.png',
      'i00.png.json',
      'i02.png',
      'i02.png.json',
      'photoroom-run.jsonl',
    ]);
    const lines = (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string });
    expect(lines.map((line) => line.status).sort()).toEqual(['failed', 'ok', 'ok']);
  });
});

/** The run log's lines, parsed. */
async function runLogLines(root: string): Promise<RunLogLine[]> {
  const text = await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunLogLine);
}

describe('an unexpected exception in one input', () => {
  it('fails that input with its reason and a run log line, and the batch goes on', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'status')");
    const { summary, root } = await runOnFakeTime((call) => (call.input.endsWith('i01.png') ? { error: bug } : ok()), {
      count: 4,
    });
    expect(summary).toMatchObject({ ok: 3, failed: 1, notProcessed: 0 });
    const reason = `unexpected error (please report it): ${bug.message}`;
    expect(summary.failures).toEqual([{ input: 'in/i01.png', error: reason }]);
    const failed = (await runLogLines(root)).filter((line) => line.status === 'failed');
    expect(failed).toMatchObject([{ input: 'in/i01.png', error: reason }]);
    // No answer came and the network did not fail: no HTTP status (0 would say a network fault).
    expect(failed[0]).not.toHaveProperty('httpStatus');
  });

  it('keeps the result and the run log line of an input a listener choked on, and goes on', async () => {
    const timing = new FakeTiming();
    const root = await imageFolder(3);
    const batch = editInToOut(root, createFakeClient({ timing, answer: ok }), timing, {
      settings: { concurrency: 1, retries: 0 },
    });
    batch.on('event', (event) => {
      if (event.type === 'result' && event.status === 'ok' && event.input === 'in/i01.png')
        throw new Error('a reporter bug');
    });
    const warnings: string[] = [];
    batch.on('event', (event) => event.type === 'warning' && warnings.push(event.message));
    const summary = await timing.drive(batch.done);
    expect(summary).toMatchObject({ ok: 3, failed: 0, notProcessed: 0 });
    expect(warnings).toEqual(['in/i01.png: unexpected error (please report it): a reporter bug']);
    expect(await readFile(path.join(root, 'out/i01.png'))).toEqual(png);
    expect((await runLogLines(root)).map((line) => line.status)).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('answers that may have been billed without a result', () => {
  // Its headers came, so the request may have been billed, but the body stopped short of its Content-Length.
  const cut = (): FakeAnswer => ({
    status: 200,
    headers: { 'content-type': 'image/png', 'content-length': String(png.length * 2) },
    body: png,
  });

  it('tries a 2xx cut short once more, not --retries times over three rounds, and says so', async () => {
    const { summary, client, results, root } = await runOnFakeTime(cut, { count: 1 });
    expect(client.calls).toHaveLength(2);
    expect(summary).toMatchObject({ ok: 0, failed: 1, maybeBilled: { requests: 2, inputs: 1 } });
    expect(results).toMatchObject([{ status: 'failed', httpStatus: 200, attempts: 2, maybeBilled: 2 }]);
    expect(await runLogLines(root)).toMatchObject([{ status: 'failed', httpStatus: 200, maybeBilled: 2 }]);
    expect(summaryLines(summary, { style: createStyle(false), problemsOnly: true })).toContain(
      '2 requests for 1 input may have been billed without a result (a 2xx answer came, but did not end as an ok output)',
    );
  });

  it('counts a cut answer before a whole one', async () => {
    const { summary, root } = await runOnFakeTime((call) => (call.attempt === 1 ? cut() : ok()), { count: 2 });
    expect(summary).toMatchObject({ ok: 2, maybeBilled: { requests: 2, inputs: 2 } });
    expect(await runLogLines(root)).toMatchObject([
      { status: 'ok', maybeBilled: 1 },
      { status: 'ok', maybeBilled: 1 },
    ]);
  });

  it('counts a whole answer that could not be kept, and does not blame the answer for it', async () => {
    const refused = () =>
      Promise.reject(
        new LocalFault('standard output refused the image: no space left on the device (ENOSPC)', { code: 'ENOSPC' }),
      );
    const { summary } = await runOnFakeTime(ok, { count: 1, deliver: refused });
    expect(summary).toMatchObject({ ok: 0, failed: 1, maybeBilled: { requests: 1, inputs: 1 } });
    const lines = summaryLines(summary, { style: createStyle(false), problemsOnly: true });
    expect(lines).toContain(
      '1 request for 1 input may have been billed without a result (a 2xx answer came, but did not end as an ok output)',
    );
    expect(lines.join('\n')).not.toMatch(/cut short|not an image/);
  });

  it('stops a batch whose answers keep being cut short', async () => {
    const { summary, client } = await runOnFakeTime(cut, { count: 20, settings: { concurrency: 1 } });
    expect(summary.stopped).toBe('unavailable');
    expect(summary.stopMessage).toContain('answers in a row were not whole images');
    expect(client.calls.length).toBeLessThanOrEqual(6);
  });
});

describe('inputs a stopped run leaves unfinished', () => {
  it('get a run log line and a result each with their last HTTP status when the service is given up on', async () => {
    const { summary, client, results, root } = await runOnFakeTime(() => status(500), {
      count: 6,
      settings: { giveUpAfter: 30 },
    });
    expect(summary.stopped).toBe('unavailable');
    const attempted = [...new Set(client.calls.map((call) => path.relative(root, call.input)))].sort();
    expect(attempted.length).toBeGreaterThan(0);
    const lines = await runLogLines(root);
    expect(lines.map((line) => line.input).sort()).toEqual(attempted);
    for (const line of lines)
      expect(line).toMatchObject({ status: 'not-processed', httpStatus: 500, error: 'HTTP 500: status 500' });
    expect(results.map((result) => result.status)).toEqual(attempted.map(() => 'not-processed'));
    expect(summary.notProcessed).toBe(6);
  });

  it('include one refused by a 402, and none that was never sent', async () => {
    // The second request is refused, whichever input it is: inputs are checked concurrently, so
    // the order in which they reach the gate is not the order of their names.
    let requests = 0;
    const { summary, root, client } = await runOnFakeTime(() => (++requests === 2 ? status(402) : ok()), {
      count: 6,
      settings: { concurrency: 1 },
    });
    expect(summary.stopped).toBe('credits');
    expect(client.calls).toHaveLength(2);
    const [first, second] = client.calls.map((call) => path.relative(root, call.input));
    expect((await runLogLines(root)).map((line) => [line.input, line.status, line.httpStatus])).toEqual([
      [first, 'ok', 200],
      [second, 'not-processed', 402],
    ]);
  });
});
