/**
 * `--shard I/N`: three CLI runs at once, one per shard, into one output folder, against one
 * emulator whose rate limit they share. They run in-process: shards coordinate only through
 * the output folder and the server, which separate processes would share the same way.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryEvent } from '../../src/batch/events.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import type { Sidecar } from '../../src/store/sidecar.js';
import { emulatorEnv, recordingEmulator, tempDir, type CliResult } from './harness.js';
import { runInProcess } from '../support/in-process.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  // A window tight enough that the three shards meet 429s and must share it.
  emulator = await recordingEmulator({ echo: true, rateLimit: 10, rateWindowMs: 1_000, latency: { min: 20, max: 20 } });
});

afterAll(async () => {
  await emulator.close();
});

/** 24 distinct images under `products/`: nested ones, and twin.jpg + twin.png, whose outputs collide. */
async function productFolder(): Promise<{ root: string; inputs: string[] }> {
  const root = await tempDir('photoroom-shards-');
  const inputs: string[] = [];
  const add = async (relative: string, image: Sharp) => {
    await mkdir(path.dirname(path.join(root, 'products', relative)), { recursive: true });
    await writeFile(path.join(root, 'products', relative), await image.toBuffer());
    inputs.push(`products/${relative}`);
  };
  const pixels = (i: number) =>
    sharp({ create: { width: 8, height: 8, channels: 3, background: { r: i * 10, g: 255 - i * 10, b: 90 } } });
  for (let i = 0; i < 22; i++) await add(`${i % 2 ? 'shoes/' : ''}item-${i}.png`, pixels(i).png());
  await add('twin.jpg', pixels(30).jpeg());
  await add('twin.png', pixels(31).png());
  return { root, inputs };
}

function summaryOf(result: CliResult): SummaryEvent {
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as SummaryEvent;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The three ways to name a shard: the flag, the environment, and a Kubernetes Indexed Job's index. */
const SHARDS = [
  { args: ['--shard', '1/3'], env: {} },
  { args: [], env: { PHOTOROOM_SHARD: '2/3' } },
  { args: ['--shards', '3'], env: { JOB_COMPLETION_INDEX: '2' } },
];

function runShards(root: string): Promise<CliResult[]> {
  return Promise.all(
    SHARDS.map((shard) =>
      runInProcess(['edit', 'products', '-o', 'out', '--json', ...shard.args], {
        cwd: root,
        env: { ...emulatorEnv(emulator), ...shard.env },
      }),
    ),
  );
}

describe('three shards at once into one folder', () => {
  it('send every input once, write each output and sidecar once, and a rerun of each sends nothing', async () => {
    const { root, inputs } = await productFolder();
    const before = emulator.requests.length;
    const results = await runShards(root);
    const requests = emulator.requests.slice(before);

    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const summaries = results.map(summaryOf);
    expect(summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(inputs.length);
    for (const summary of summaries) expect(summary.ok).toBeGreaterThan(0);

    // One credits check per shard, then each input answered 200 exactly once; the rest met the shared limit.
    expect(requests.every((request) => request.status === 200 || request.status === 429)).toBe(true);
    expect(requests.filter((request) => request.path === '/v2/account' && request.status === 200)).toHaveLength(3);
    const edits = requests.filter((request) => request.path === '/v2/edit');
    const uploaded = edits
      .filter((request) => request.status === 200)
      .map((request) => {
        const file = request.fields.find(([name]) => name === 'imageFile')?.[1];
        return typeof file === 'object' ? file.filename : '';
      });
    expect(uploaded.sort()).toEqual(inputs.map((input) => path.basename(input)).sort());

    const outputs = inputs.map((input) =>
      input === 'products/twin.png' ? 'twin-png.png' : input.replace(/^products\//, '').replace(/\.\w+$/, '.png'),
    );
    expect(await filesUnder(path.join(root, 'out'))).toEqual(
      [...outputs, ...outputs.map((output) => `${output}.json`), 'photoroom-run.jsonl'].sort(),
    );
    for (const [at, input] of inputs.entries()) {
      const output = path.join(root, 'out', outputs[at]!);
      const sidecar = JSON.parse(await readFile(`${output}.json`, 'utf8')) as Sidecar;
      const bytes = await readFile(path.join(root, input));
      expect(sidecar.input).toMatchObject({ path: input, sha256: sha256(bytes) });
      // --echo answers the upload: each output holds its own input.
      expect(sha256(await readFile(output))).toBe(sha256(bytes));
    }

    // The shards appended to one run log at once: whole lines, one per input.
    const log = (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8')).split('\n');
    expect(log.pop()).toBe('');
    const lines = log.map((line) => JSON.parse(line) as { input: string; status: string });
    expect(lines.map((line) => line.input).sort()).toEqual([...inputs].sort());
    expect(lines.every((line) => line.status === 'ok')).toBe(true);

    const rerunFrom = emulator.requests.length;
    const reruns = await runShards(root);
    for (const rerun of reruns) expect(rerun.code, rerun.stderr).toBe(0);
    expect(reruns.map(summaryOf).map((summary) => [summary.ok, summary.skipped])).toEqual(
      summaries.map((summary) => [0, summary.ok]),
    );
    expect(emulator.requests.slice(rerunFrom)).toEqual([]);
  });

  it('names its shard in the summary headline, however it was named', async () => {
    const { root } = await productFolder();
    const runs = await Promise.all(
      SHARDS.map((shard) =>
        runInProcess(['edit', 'products', '-o', 'out', '--dry-run', ...shard.args], {
          cwd: root,
          env: { ...emulatorEnv(emulator), ...shard.env },
        }),
      ),
    );
    expect(runs.map((run) => /^dry run of (shard \d of \d):/m.exec(run.stderr)?.[1])).toEqual([
      'shard 1 of 3',
      'shard 2 of 3',
      'shard 3 of 3',
    ]);
  });

  it('refuses a shard that does not exist, or --shards without its index, before sending anything', async () => {
    const { root } = await productFolder();
    const before = emulator.requests.length;
    const env = emulatorEnv(emulator);
    const outOfRange = await runInProcess(['edit', 'products', '--shard', '4/3'], { cwd: root, env });
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('--shard: invalid value "4/3"; expected I/N, shard I of N counted from 1');
    const noIndex = await runInProcess(['edit', 'products', '--shards', '3'], { cwd: root, env });
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toContain('--shards 3 takes the shard from JOB_COMPLETION_INDEX, which is not set');
    expect(emulator.requests.slice(before)).toEqual([]);
  });
});
