/**
 * `edit --preset` at its edges, each a defect a review found (issue 20, item 3): a check that
 * turns from advice into a rule, a preset added on a rerun of the same request, the library's
 * presets, --watch meeting an input already done, an output whose pixels do not decode.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent, SummaryEvent } from '../../src/batch/events.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import type { Preset } from '../../src/presets/types.js';
import * as library from '../../src/index.js';
import { createFakeClient } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';
import { editInToOut } from '../support/folder-batch.js';
import { runInProcess } from '../support/in-process.js';
import { emulatorEnv, FIXTURES, recordingEmulator, scriptedServer, tempDir } from './harness.js';
import { ScriptedWatch } from '../support/scripted-watch.js';

let emulator: RunningEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await recordingEmulator();
  env = emulatorEnv(emulator);
});

afterAll(async () => {
  await emulator.close();
});

/** `photoroom edit mug.jpg -o out` in `root`, with how many requests the emulator got. */
async function editMug(root: string, args: string[]) {
  const before = emulator.requests.length;
  const result = await runInProcess(['edit', 'mug.jpg', '-o', 'out', '--yes', '--no-progress', ...args], {
    cwd: root,
    env,
  });
  return { ...result, requests: emulator.requests.length - before };
}

async function sidecarOf(file: string): Promise<{ compliance?: { pass: boolean; advice?: unknown[] } }> {
  return JSON.parse(await readFile(file, 'utf8')) as { compliance?: { pass: boolean } };
}

/** A preset whose only check, 10 bytes at most, refuses every output. */
const TINY: Preset = {
  name: 'tiny',
  description: 'refuses everything',
  params: {},
  checks: { maxBytes: { figure: 10, source: 'test' } },
};

/** A PNG whose chunks are whole (IHDR, IDAT, IEND, each with its CRC) but whose IDAT is not a zlib stream: its header reads, its pixels do not. */
function pngWithUndecodablePixels(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(600, 0);
  header.writeUInt32BE(600, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.alloc(64, 0xab)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('review of edit --preset (issue 20, item 3)', () => {
  it('judges again when a check turns from a recommendation into a rule with the same figure', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    const config = (checks: object) =>
      writeFile(
        path.join(root, '.photoroomrc'),
        JSON.stringify({ presets: { myshop: { extends: 'google', checks } } }),
      );
    // Padding in pixels on an output of the input's size: no parameter check can judge the fill, the output is measured.
    const args = ['--preset', 'myshop', '--outputSize', 'originalImage', '--padding', '200px'];

    // google's 75% is a recommendation: the small product is told, not refused.
    await config({});
    const first = await editMug(root, args);
    expect([first.code, first.requests], first.stderr).toEqual([0, 1]);
    expect(first.stderr).toMatch(
      /^advice +out\/mug\.png: product fills \d+% of the frame; myshop recommends 75% or more$/m,
    );

    // The shop makes it a rule, same figure: the recorded "pass" no longer holds.
    await config({ minFill: 0.75 });
    const again = await editMug(root, args);
    expect(again.requests).toBe(0);
    expect(again.stderr).toMatch(/^refused out\/mug\.png: product fills \d+% of the frame; myshop wants 75% or more$/m);
    expect(again.code, again.stderr).toBe(5);
    expect((await sidecarOf(path.join(root, 'out/mug.png.json'))).compliance).toMatchObject({ pass: false });
  });

  it("adding --preset to a rerun of the very parameters it sets sends nothing again (the request is the same, only its fields' order differs)", async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    // amazon's parameters, translated by hand as the issue says users do today.
    const byHand = ['--bg', 'FFFFFF', '--padding', '0.05', '--scaling', 'fit'];
    byHand.push('--ignorePaddingAndSnapOnCroppedSides', 'false', '--outputSize', '2000x2000', '--format', 'jpeg');
    const first = await editMug(root, byHand);
    expect([first.code, first.requests], first.stderr).toEqual([0, 1]);
    const withPreset = await editMug(root, ['--preset', 'amazon']);
    // The output is judged, not made again: nothing billed.
    expect(withPreset.requests, withPreset.stderr).toBe(0);
    expect((await sidecarOf(path.join(root, 'out/mug.jpg.json'))).compliance).toMatchObject({ preset: 'amazon' });
  });

  it('the library offers the presets runBatch({ preset }) takes: a script has no other way to check outputs as they are made', () => {
    // BatchOptions.preset is a Preset; src/index.ts exports neither the table nor a lookup.
    const exported = Object.values(library as Record<string, unknown>);
    const offersAmazon = exported.some(
      (value) =>
        (Array.isArray(value) && value.some((entry) => (entry as { name?: unknown } | null)?.name === 'amazon')) ||
        (typeof value === 'function' && value.name === 'builtInPreset'),
    );
    expect(offersAmazon).toBe(true);
  });

  it('--watch meeting an input already done counts its verdict once, as it counts the input once', async () => {
    const timing = new FakeTiming();
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    const input = path.join(root, 'in/a.png');
    await writeFile(
      input,
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
        .png()
        .toBuffer(),
    );
    const watch = new ScriptedWatch();
    const client = createFakeClient({
      timing,
      answer: (call) => ({ status: 200, headers: { 'content-type': 'image/png' }, body: call.content }),
      latencyMs: 10,
    });
    const controller = new AbortController();
    const batch = editInToOut(root, client, timing, {
      signal: controller.signal,
      preset: TINY,
      startWatch: () => Promise.resolve(watch),
      settings: { retries: 1, watch: true, watchSettle: 0 },
    });
    const events: BatchEvent[] = [];
    batch.on('event', (event) => {
      events.push(event);
      // The watch reports the input again (written while the first pass ran, or touched): it is done already.
      if (event.type === 'watching') watch.tell({ kind: 'file', path: input });
      if (event.type === 'result' && event.status === 'skipped') controller.abort();
    });
    const summary: SummaryEvent = await timing.drive(batch.done);
    expect(client.calls).toHaveLength(1);
    expect(summary).toMatchObject({ ok: 1, failed: 0 });
    // One output, judged once: refused once.
    expect(summary.compliance).toMatchObject({ checked: 1, refused: 1, byRule: { maxBytes: 1 } });
  });

  it('an output whose pixels cannot be decoded is not counted as "would be refused" with no rule named (check calls it unreadable, exit 1)', async () => {
    const server = await scriptedServer([
      { status: 200, headers: { 'content-type': 'image/png' }, body: pngWithUndecodablePixels() },
    ]);
    try {
      const root = await tempDir();
      await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
      const result = await runInProcess(
        ['edit', 'mug.jpg', '-o', 'out', '--yes', '--no-progress', '--preset', 'google', '--format', 'png'],
        { cwd: root, env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_review' } },
      );
      expect(server.requests).toHaveLength(1);
      expect(result.stderr).toContain('could not be measured');
      // The summary says "google: 1 of 1 output would be refused:" and then names no rule.
      expect(result.stderr).not.toMatch(/would be refused:\n(?! {2})/);
      // Exit 5 means "some outputs fail a rule" (README, Exit codes); this one failed none.
      expect(result.code, result.stderr).not.toBe(5);
    } finally {
      await server.close();
    }
  });
});
