/**
 * What a run tells of a rate limit the service does not announce (429s without Retry-After,
 * as the API sends them): a `rate` event at each change of the rate it holds itself to, and
 * in the summary the rate it settled at with the `--rate` for next time. On the fake clock,
 * against the emulator's rolling window; the figures are not asserted to the request (the
 * way the rate is found may change), only their shape and a sane range.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent, RateEvent, SummaryEvent } from '../../src/batch/events.js';
import { createStyle } from '../../src/cli/reporters/style.js';
import { summaryLines } from '../../src/cli/reporters/summary.js';
import type { Shard } from '../../src/inputs/shard.js';
import { createFakeClient, type FakeAnswer } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';
import { editInToOut } from '../support/folder-batch.js';
import { rollingWindow, type Limiter } from '../support/limiters.js';

/** The emulator's `--rate-limit 50/5s`: 600 requests a minute at most. */
const LIMIT = { requests: 50, windowMs: 5_000 };
const LIMIT_PER_MINUTE = (LIMIT.requests * 60_000) / LIMIT.windowMs;
/** Concurrency 8, 100 ms a request: a run here could send 4 800 a minute. */
const RUN = { concurrency: 8, latencyMs: 100 };

let png: Buffer;
const folders: string[] = [];

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function imageFolder(count: number): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'photoroom-engine-rate-'));
  folders.push(root);
  await mkdir(path.join(root, 'in'));
  for (let i = 0; i < count; i++) await writeFile(path.join(root, 'in', `i${String(i).padStart(3, '0')}.png`), png);
  return root;
}

interface LimitedRun {
  summary: SummaryEvent;
  events: BatchEvent[];
  rates: RateEvent[];
}

/** 150 images against `limiter`; its 429s carry Retry-After only when `retryAfter` says so. */
async function runAgainst(
  limiter: Limiter,
  options: { retryAfter?: boolean; shard?: Shard } = {},
): Promise<LimitedRun> {
  const timing = new FakeTiming();
  const refuse = (): FakeAnswer | undefined => {
    const refusal = limiter.admit(timing.now());
    if (!refusal) return undefined;
    const headers: Record<string, string> = options.retryAfter
      ? { 'retry-after': String(refusal.retryAfterSeconds) }
      : {};
    return { status: 429, headers, body: JSON.stringify({ detail: 'Too Many Requests' }) };
  };
  const ok: FakeAnswer = { status: 200, headers: { 'content-type': 'image/png' }, body: png };
  const client = createFakeClient({ timing, answer: () => ok, refuse, latencyMs: RUN.latencyMs });
  const batch = editInToOut(await imageFolder(150), client, timing, {
    settings: { concurrency: RUN.concurrency, retries: 4, shard: options.shard },
  });
  const events: BatchEvent[] = [];
  batch.on('event', (event) => events.push(event));
  const summary = await timing.drive(batch.done);
  return { summary, events, rates: events.filter((event): event is RateEvent => event.type === 'rate') };
}

const bareLimit = (requests = LIMIT.requests) => rollingWindow(requests, LIMIT.windowMs);
const human = { style: createStyle(false), problemsOnly: false };

describe('a rate limit met without Retry-After', () => {
  let run: LimitedRun;

  beforeAll(async () => {
    run = await runAgainst(bareLimit());
  });

  it('emits a rate event at each change: first `limited`, then lowered or raised, each a new whole figure a minute', () => {
    const { rates, summary } = run;
    expect(summary.ok).toBe(150);
    expect(summary.rateLimited).toBeGreaterThan(0);
    expect(rates.length).toBeGreaterThan(0);
    expect(rates[0]!.cause).toBe('limited');
    for (const [i, rate] of rates.entries()) {
      expect(Object.keys(rate).sort()).toEqual(['cause', 'perMinute', 'type']);
      expect(Number.isInteger(rate.perMinute)).toBe(true);
      expect(rate.perMinute).toBeGreaterThan(0);
      if (i === 0) continue;
      const before = rates[i - 1]!.perMinute;
      expect(rate.cause).not.toBe('limited');
      expect(rate.perMinute).not.toBe(before);
      if (rate.cause === 'raised') expect(rate.perMinute).toBeGreaterThan(before);
      else expect(rate.perMinute).toBeLessThan(before);
    }
    // Changes, not a line per answer.
    // A few changes, not one per answer.
    expect(rates.length).toBeLessThan(12);
  });

  it('says in the summary the rate it settled at, and suggests it as --rate', () => {
    const { settledRate } = run.summary;
    expect(settledRate).toBeDefined();
    expect(settledRate!.suggestedRate).toBe(settledRate!.perMinute);
    expect(Number.isInteger(settledRate!.perMinute)).toBe(true);
    // Near the limit's 600 a minute: within the 10% the window is learnt to, and a try above.
    expect(settledRate!.perMinute).toBeGreaterThan(0.8 * LIMIT_PER_MINUTE);
    expect(settledRate!.perMinute).toBeLessThanOrEqual(1.1 * LIMIT_PER_MINUTE);
    const line = `rate-limited: settled at ~${settledRate!.perMinute}/min; next time \`--rate ${settledRate!.perMinute}\` avoids the probing`;
    expect(summaryLines(run.summary, human)).toContain(line);
  });

  it('as one of 3 shards, suggests the whole key its share times 3, as --rate is split between them', async () => {
    const shard = { index: 1, count: 3 };
    // Its share of the 150 images (47) against 10 per 5 s, so that it meets the limit.
    const { summary, rates } = await runAgainst(bareLimit(LIMIT.requests / 5), { shard });
    expect(rates[0]?.cause).toBe('limited');
    const settled = summary.settledRate!;
    expect(settled.suggestedRate).toBe(settled.perMinute * 3);
    expect(summaryLines(summary, { ...human, shard })).toContain(
      `rate-limited: this shard settled at ~${settled.perMinute}/min, ~${settled.suggestedRate}/min for the 3 shards; next time \`--rate ${settled.suggestedRate}\` on each shard avoids the probing`,
    );
  });
});

describe('no rate event and no settled rate', () => {
  it('without a limit', async () => {
    const { summary, rates } = await runAgainst({ admit: () => undefined });
    expect([summary.ok, summary.rateLimited]).toEqual([150, 0]);
    expect(rates).toEqual([]);
    expect(summary).not.toHaveProperty('settledRate');
    expect(summaryLines(summary, human).join('\n')).not.toContain('rate-limited:');
  });

  it('when the 429s say when to come back (Retry-After): the run waits as told, its rate unchanged', async () => {
    const { summary, rates } = await runAgainst(bareLimit(), { retryAfter: true });
    expect(summary.ok).toBe(150);
    expect(summary.rateLimited).toBeGreaterThan(0);
    expect(rates).toEqual([]);
    expect(summary).not.toHaveProperty('settledRate');
    expect(summaryLines(summary, human).join('\n')).not.toContain('rate-limited:');
  });
});
