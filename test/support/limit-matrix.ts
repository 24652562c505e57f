/**
 * The rate-limit scenario matrix (issue 23): the real engine against each limit model of
 * limiters.ts on the fake clock, alone or as shards (batches with `--shard i/N` on one folder,
 * no channel between them, one limiter for all). The clock moves only when no file I/O is in
 * flight, so no machine's load shows in the figures: a batch alone gives the same ones on
 * every run. Shards' requests at one fake instant reach the limiter in the order their file
 * I/O ends, so their figures move from run to run: two runs of the same code differ in a few
 * of the 34 rows, a 429 or two, or as much as 0.08 of the bound (50 per 6 s as 3 shards: 0.84
 * or 0.92). Compare changes over several runs, not one. Real processes never start at
 * one instant, nor answer in equal times: `startsMs` and `jitterMs` play that (their seeded
 * figures move as little). `npm run bench -- --only limits` prints the whole matrix; the
 * suite runs a few cases of it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { SummaryEvent } from '../../src/batch/events.js';
import { createFakeClient, type FakeAnswer, type FakeClient } from './fake-client.js';
import { FakeTiming, seededRandom } from './fake-time.js';
import { editInToOut } from './folder-batch.js';
import { fixedWindow, halvingWindow, noLimit, rollingWindow, tokenBucket, type Limiter } from './limiters.js';

export interface LimitCase {
  name: string;
  /** A fresh limiter (one per run, shared by its shards). */
  limiter(): Limiter;
  /** A 429's `Retry-After` from the seconds the limiter knows, if it has one; the API's have none. */
  retryAfter?: (seconds: number) => string;
}

/** The figures: 50 requests per 5 s, or its equivalents, for 400 images. */
export const LIMIT_CASES: readonly LimitCase[] = [
  { name: 'rolling 50/5s, Retry-After', limiter: () => rollingWindow(50, 5_000), retryAfter: String },
  { name: 'rolling 50/5s', limiter: () => rollingWindow(50, 5_000) },
  // The minute's reset, scaled to 5 s so that a run lasts as long as against the rolling window.
  { name: 'fixed 50 per 5s', limiter: () => fixedWindow(50, 5_000) },
  { name: 'bucket 10/s, burst 50', limiter: () => tokenBucket(10, 50) },
  { name: 'rolling 50/5s, halves at 10s', limiter: () => halvingWindow(50, 5_000, 10_000) },
  { name: 'no limit', limiter: noLimit },
];

export interface LimitRunOptions {
  images?: number;
  shards?: number;
  /**
   * `shard`: one folder, each batch with `--shard i/N` (the hash splits 400 images 112, 139,
   * 149). `folders`: each batch its own folder of an equal part, as processes split by hand.
   */
  split?: 'shard' | 'folders';
  /** Per batch. */
  concurrency?: number;
  latencyMs?: number;
  /** Each batch starts this many ms after the first (real processes never start together). */
  startsMs?: readonly number[];
  /** Each answer takes `latencyMs` ± up to this many ms (seeded: the same on every run of one `seed`). */
  jitterMs?: number;
  seed?: number;
}

export interface LimitRun {
  case: string;
  images: number;
  shards: number;
  /** When the last batch finished (fake ms). */
  wallMs: number;
  /** The fastest the limit (or, without one, the concurrency and latency) allows. */
  boundMs: number;
  ofBound: number;
  /** Requests the batches sent, and how many of them were answered 429. */
  requests: number;
  rateLimited: number;
  /** Each request as it reached the limiter (fake ms), in order. */
  arrivals: { at: number; refused: boolean }[];
  /** The batches' summaries, shard by shard. */
  summaries: SummaryEvent[];
  /** When each batch finished (fake ms). */
  finished: number[];
}

/**
 * The fastest schedule a fresh limiter admits `images` requests in, with as many at once as
 * it takes, the last answered after `latencyMs`: each request goes at the first millisecond
 * the limiter admits it.
 */
export function limiterBoundMs(limiter: Limiter, images: number, latencyMs: number): number {
  let at = 0;
  for (let sent = 0; sent < images; sent++) while (limiter.admit(at)) at += 1;
  return at + latencyMs;
}

let png: Promise<Buffer> | undefined;
const anImage = (): Promise<Buffer> =>
  (png ??= sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
    .png()
    .toBuffer());

/** A folder of `images` copies of `image` in `root`/in, named i000.png, i001.png... */
async function imageFolder(root: string, images: number, image: Buffer): Promise<string> {
  await mkdir(path.join(root, 'in'), { recursive: true });
  for (let i = 0; i < images; i++) await writeFile(path.join(root, 'in', `i${String(i).padStart(3, '0')}.png`), image);
  return root;
}

/** One case of the matrix: `shards` batches of `images` between them, sharing one limiter. */
export async function runLimitCase(limitCase: LimitCase, options: LimitRunOptions = {}): Promise<LimitRun> {
  const { images = 400, shards = 1, split = 'shard', concurrency = 8, latencyMs = 100, jitterMs = 0 } = options;
  const random = seededRandom(options.seed ?? 1);
  const latency = (): number => latencyMs + Math.round((random() * 2 - 1) * jitterMs);
  const image = await anImage();
  const ok: FakeAnswer = { status: 200, headers: { 'content-type': 'image/png' }, body: image };
  const timing = new FakeTiming();
  const limiter = limitCase.limiter();
  const arrivals: LimitRun['arrivals'] = [];
  const refuse = (): FakeAnswer | undefined => {
    const refusal = limiter.admit(timing.now());
    arrivals.push({ at: timing.now(), refused: refusal !== undefined });
    if (!refusal) return undefined;
    const retryAfter = limitCase.retryAfter?.(refusal.retryAfterSeconds);
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
    return { status: 429, headers, body: JSON.stringify({ detail: 'Too Many Requests' }) };
  };
  const workspace = await mkdtemp(path.join(tmpdir(), 'photoroom-limits-'));
  try {
    // Each batch's folder, and its --shard when the batches share one.
    const batches =
      split === 'shard'
        ? await imageFolder(workspace, images, image).then((root) =>
            Array.from({ length: shards }, (_, i) => ({
              root,
              shard: shards === 1 ? undefined : { index: i + 1, count: shards },
            })),
          )
        : await Promise.all(
            Array.from({ length: shards }, async (_, i) => ({
              root: await imageFolder(path.join(workspace, String(i)), Math.floor((images + i) / shards), image),
              shard: undefined,
            })),
          );
    const clients: FakeClient[] = [];
    const finished: number[] = [];
    const summaries = await timing.drive(
      Promise.all(
        batches.map(({ root, shard }, i) => {
          const client = createFakeClient({ timing, answer: () => ok, refuse, latencyMs: latency });
          clients.push(client);
          const start = timing.sleep(options.startsMs?.[i] ?? 0);
          const batch = start.then(
            () => editInToOut(root, client, timing, { settings: { concurrency, retries: 4, shard } }).done,
          );
          return batch.then((summary) => {
            finished[i] = timing.now();
            return summary;
          });
        }),
      ),
    );
    const wallMs = Math.max(...finished);
    // Without a limit, each shard's rounds of `concurrency` requests from its start bound the run.
    const shardBoundsMs = summaries.map(
      (summary, i) => (options.startsMs?.[i] ?? 0) + Math.ceil((summary.ok + summary.failed) / concurrency) * latencyMs,
    );
    const boundMs = Math.max(limiterBoundMs(limitCase.limiter(), images, latencyMs), ...shardBoundsMs);
    return {
      case: limitCase.name,
      images,
      shards,
      wallMs,
      boundMs,
      ofBound: boundMs / wallMs,
      requests: clients.reduce((sum, client) => sum + client.calls.length, 0),
      rateLimited: arrivals.filter((arrival) => arrival.refused).length,
      arrivals,
      summaries,
      finished,
    };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** How the matrix runs each case: alone, as 3 shards started together, and as real processes start. */
export const MATRIX_WAYS: readonly { label: string; options: LimitRunOptions }[] = [
  { label: 'alone', options: { shards: 1 } },
  { label: '3 shards', options: { shards: 3 } },
  {
    label: '3 shards started 0, 43, 9 ms, answers in 40–80 ms',
    options: { shards: 3, startsMs: [0, 43, 9], latencyMs: 60, jitterMs: 20, seed: 3 },
  },
  { label: '3 shards started 2 s apart', options: { shards: 3, startsMs: [0, 2_000, 4_000] } },
];

/** Every case each way of MATRIX_WAYS. */
export async function runLimitMatrix(): Promise<(LimitRun & { way: string })[]> {
  const runs: (LimitRun & { way: string })[] = [];
  for (const limitCase of LIMIT_CASES) {
    for (const way of MATRIX_WAYS) runs.push({ ...(await runLimitCase(limitCase, way.options)), way: way.label });
  }
  return runs;
}

/** Lengths of a rolling window of 50 swept besides 5 s: how much the figures owe to that one length (and a minute's, the API's unit). */
export const SWEPT_WINDOWS_MS: readonly number[] = [3_000, 4_000, 6_000, 7_500, 10_000, 60_000];

/** Each swept window, alone and as 3 shards started together. */
export async function runWindowSweep(): Promise<(LimitRun & { way: string })[]> {
  const runs: (LimitRun & { way: string })[] = [];
  for (const windowMs of SWEPT_WINDOWS_MS) {
    const limitCase = { name: `rolling 50/${windowMs / 1000}s`, limiter: () => rollingWindow(50, windowMs) };
    for (const way of MATRIX_WAYS.filter(({ options }) => options.startsMs === undefined))
      runs.push({ ...(await runLimitCase(limitCase, way.options)), way: way.label });
  }
  return runs;
}
