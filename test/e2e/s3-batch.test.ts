/**
 * The done-when runs over buckets, against a real S3-compatible server (s3rver
 * behind a recording proxy) and the emulator: a prefix of 200 images into another bucket;
 * a run killed mid-way and its rerun; three shards at once over one bucket; and a rerun
 * that sends nothing and downloads no image.
 */
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest, RunningEmulator } from '../../src/emulator/server.js';
import type { Sidecar } from '../../src/store/sidecar.js';
import { runInProcess } from '../support/in-process.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';
import { BIN, cleanEnv, emulatorEnv, recordingEmulator, tempDir } from './harness.js';

let s3: S3TestServer;
let emulator: RunningEmulator;
/**
 * This file's own temporary folder (TMPDIR of its runs): the run's shared one has a staging
 * folder that every worker's bucket run sweeps and warns about, and the run killed here
 * leaves staged files behind.
 */
let temporary: string;

/** `count` small distinct PNGs under `prefix` of the `photos` bucket. */
async function fill(prefix: string, count: number): Promise<void> {
  const base = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#2060a0' } })
    .png()
    .toBuffer();
  const images = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      sharp(base)
        .composite([
          {
            input: Buffer.from([index & 0xff, index >> 8, 200, 255]),
            raw: { width: 1, height: 1, channels: 4 },
            left: 0,
            top: 0,
          },
        ])
        .png()
        .toBuffer(),
    ),
  );
  for (let at = 0; at < count; at += 25)
    await Promise.all(
      images
        .slice(at, at + 25)
        .map((image, offset) => s3.put('photos', `${prefix}img-${String(at + offset).padStart(4, '0')}.png`, image)),
    );
}

beforeAll(async () => {
  [s3, emulator, temporary] = await Promise.all([
    startS3Server(),
    recordingEmulator({ echo: true }),
    tempDir('photoroom-s3batch-tmp-'),
  ]);
  await Promise.all([s3.createBucket('photos'), s3.createBucket('results')]);
  await Promise.all([fill('catalog/', 200), fill('small/', 60)]);
});

afterAll(async () => {
  await Promise.all([s3.close(), emulator.close()]);
});

const env = () => ({ ...emulatorEnv(emulator), ...s3.env, TMPDIR: temporary });

/** The input each edit request carried, by its file name. */
function sentNames(requests: readonly RecordedRequest[]): string[] {
  return requests.flatMap((request) =>
    request.fields.flatMap(([name, value]) =>
      name === 'imageFile' && typeof value === 'object' ? [value.filename] : [],
    ),
  );
}

/** Output keys (images, not sidecars or run logs) under `prefix` of the results bucket. */
async function outputKeys(prefix: string): Promise<string[]> {
  return (await s3.keys('results', prefix)).filter((key) => key.endsWith('.png') && !key.includes('photoroom-runs/'));
}

/** PUTs (whole objects or completed multipart uploads) of each key since request `from`. */
function writesByKey(from: number): Map<string, number> {
  const writes = new Map<string, number>();
  for (const request of s3.requests.slice(from)) {
    const completes = request.method === 'POST' && request.query.has('uploadId');
    const puts = request.method === 'PUT' && !request.query.has('partNumber');
    if (completes || puts) writes.set(request.key, (writes.get(request.key) ?? 0) + 1);
  }
  return writes;
}

describe('a batch from a bucket into a bucket', () => {
  it('takes a prefix of 200 images through the API into another bucket, then a rerun sends and downloads nothing', async () => {
    const cwd = await tempDir('photoroom-s3batch-');
    const sentBefore = emulator.requests.length;
    const listedFrom = s3.requests.length;
    const first = await runInProcess(
      ['edit', 's3://photos/catalog/', '-o', 's3://results/white/', '--concurrency', '8', '--yes', '--json'],
      { cwd, env: env() },
    );
    // The one line a bucket run says beyond its events: where its run log is kept.
    expect(first.stderr).toMatch(
      /^photoroom: the run log is kept in .* and uploaded to s3:\/\/results\/white\/photoroom-runs\/ when the run ends \(--state-dir chooses another folder\)\n$/,
    );
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary', ok: 200, failed: 0 });
    const outputs = await outputKeys('white/');
    expect(outputs).toHaveLength(200);
    expect(sentNames(emulator.requests.slice(sentBefore)).sort()).toEqual(
      Array.from({ length: 200 }, (_, index) => `img-${String(index).padStart(4, '0')}.png`),
    );
    // Echoed bytes: each output is its input, byte for byte, and its sidecar names the object.
    const sidecar = JSON.parse((await s3.get('results', 'white/img-0007.png.json')).toString()) as Sidecar;
    expect(sidecar.input).toMatchObject({ object: 's3://photos/catalog/img-0007.png' });
    expect((await s3.get('results', 'white/img-0007.png')).equals(await s3.get('photos', 'catalog/img-0007.png'))).toBe(
      true,
    );
    expect(await s3.keys('results', 'white/photoroom-runs/')).toHaveLength(1);
    // The inputs are listed once: the walk that sends replays what the survey listed.
    const listings = s3.requests
      .slice(listedFrom)
      .filter((request) => request.bucket === 'photos' && request.key === '' && request.method === 'GET');
    expect(listings).toHaveLength(1);

    const storageBefore = s3.requests.length;
    const rerun = await runInProcess(['edit', 's3://photos/catalog/', '-o', 's3://results/white/', '--yes', '--json'], {
      cwd,
      env: env(),
    });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: 0, skipped: 200 });
    expect(emulator.requests.length - sentBefore).toBe(200);
    const images = s3.objectReads(storageBefore).filter((request) => !request.key.endsWith('.json'));
    expect(images).toEqual([]);
    // Its sidecars are read several at a time, not one answer after another.
    const sidecars = s3.objectReads(storageBefore).filter((request) => request.key.endsWith('.json'));
    expect(sidecars).toHaveLength(200);
    expect(Math.max(...sidecars.map((request) => request.alongside ?? 0))).toBeGreaterThan(1);
    // ...and its output folder is listed once, however many of them wait for that listing.
    const outputListings = s3.requests
      .slice(storageBefore)
      .filter((request) => request.bucket === 'results' && request.key === '' && request.method === 'GET');
    expect(outputListings).toHaveLength(1);
  });

  it('after a SIGKILL mid-run, a rerun finishes without resending or rewriting what was done', async () => {
    const slow = await recordingEmulator({ echo: true, latency: { min: 20, max: 60 } });
    try {
      const cwd = await tempDir('photoroom-s3kill-');
      const args = [
        'edit',
        's3://photos/small/',
        '-o',
        's3://results/killed/',
        '--concurrency',
        '6',
        '--yes',
        '--json',
      ];
      const storageFrom = s3.requests.length;
      const killedEnv = { ...emulatorEnv(slow), ...s3.env, TMPDIR: temporary };
      // cleanEnv: its run log goes to the test run's cache folder, as the rerun's does, not the user's.
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd,
        env: cleanEnv(killedEnv),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let results = 0;
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.includes('"type":"result"') && ++results === 20) child.kill('SIGKILL');
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_, killed) => resolve(killed)),
      );
      expect(signal).toBe('SIGKILL');
      while (slow.requests.length < slow.stats().requests) await new Promise((resolve) => setTimeout(resolve, 20));
      const sentBeforeKill = sentNames(slow.requests);
      const doneBeforeKill = (await s3.keys('results', 'killed/')).filter((key) => key.endsWith('.png.json'));
      // Objects appear whole: every output there after the kill is a whole PNG.
      for (const key of await outputKeys('killed/')) {
        expect((await sharp(await s3.get('results', key)).metadata()).format).toBe('png');
      }

      const rerunFrom = s3.requests.length;
      const rerun = await runInProcess(args, { cwd, env: killedEnv });
      expect(rerun.code).toBe(0);
      expect(await outputKeys('killed/')).toHaveLength(60);
      expect((await s3.keys('results', 'killed/')).filter((key) => key.endsWith('.png.json'))).toHaveLength(60);
      const resent = sentNames(slow.requests).slice(sentBeforeKill.length);
      const done = new Set(doneBeforeKill.map((key) => key.slice('killed/'.length, -'.json'.length)));
      // Nothing recorded done before the kill is sent again or written again...
      expect(resent.filter((name) => done.has(name))).toEqual([]);
      const rewritten = [...writesByKey(rerunFrom).keys()].filter((key) => done.has(key.slice('killed/'.length)));
      expect(rewritten).toEqual([]);
      // ...and what is sent again is at most what was in flight when the process died.
      expect(resent).toHaveLength(60 - done.size);
      expect(sentBeforeKill.length - done.size).toBeLessThanOrEqual(6);
      // Every output object was written once by each run that finished it: never twice by one run.
      for (const count of writesByKey(storageFrom).values()) expect(count).toBeLessThanOrEqual(2);
    } finally {
      await slow.close();
    }
  });

  it('as a user runs it: the AWS SDK prints nothing of its own (its Node 22 notice on Node 20 included)', async () => {
    const cwd = await tempDir('photoroom-s3spawn-');
    // Without the notice's switch the suite sets, and with the test run's cache folder, not the user's.
    const spawnEnv = cleanEnv({ ...env(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined });
    const child = spawn(
      process.execPath,
      [BIN, 'edit', 's3://photos/small/img-0001.png', '-o', 's3://results/spawned/', '--yes', '--quiet'],
      { cwd, env: spawnEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
    expect(code).toBe(0);
    expect(await outputKeys('spawned/')).toEqual(['spawned/img-0001.png']);
  });

  it('runs 3 shards at once over one bucket: disjoint, complete, one output prefix', async () => {
    const cwd = await tempDir('photoroom-s3shards-');
    const sentBefore = emulator.requests.length;
    const shards = await Promise.all(
      [1, 2, 3].map((index) =>
        runInProcess(
          ['edit', 's3://photos/small/', '-o', 's3://results/sharded/', '--shard', `${index}/3`, '--yes', '--json'],
          { cwd, env: env() },
        ),
      ),
    );
    const summaries = shards.map((shard) => JSON.parse(shard.stdout.trim().split('\n').at(-1)!) as { ok: number });
    expect(shards.map((shard) => shard.code)).toEqual([0, 0, 0]);
    expect(summaries.every((summary) => summary.ok > 0)).toBe(true);
    expect(summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(60);
    const sent = sentNames(emulator.requests.slice(sentBefore));
    expect(sent).toHaveLength(60);
    expect(new Set(sent).size).toBe(60);
    expect(await outputKeys('sharded/')).toHaveLength(60);
    expect(await s3.keys('results', 'sharded/photoroom-runs/')).toHaveLength(3);
  });
});
