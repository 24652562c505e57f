/** How often a batch looks at the places its results go: before each attempt is sent, and before each rename. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { editInToOut } from '../support/folder-batch.js';
import { createFakeClient, type FakeAnswer } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';

const looks = vi.hoisted(() => new Map<string, number>());

vi.mock('../../src/regular-file.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/regular-file.js')>();
  return {
    ...original,
    notReplaceable: (file: string) => {
      looks.set(file, (looks.get(file) ?? 0) + 1);
      return original.notReplaceable(file);
    },
  };
});

const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
  .png()
  .toBuffer();
const ok = (): FakeAnswer => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png });

async function oneImageBatch(answer: (attempt: number) => FakeAnswer): Promise<{ output: string; sidecar: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'photoroom-places-'));
  await mkdir(path.join(root, 'in'));
  await writeFile(path.join(root, 'in', 'a.png'), png);
  const timing = new FakeTiming();
  const client = createFakeClient({ timing, answer: (call) => answer(call.attempt) });
  looks.clear();
  const summary = await timing.drive(editInToOut(root, client, timing).done);
  expect(summary).toMatchObject({ ok: 1 });
  const output = path.join(root, 'out', 'a.png');
  return { output, sidecar: `${output}.json` };
}

describe('the places a result goes', () => {
  it('are each looked at twice for an attempt that is written: before it is sent, and right before the rename', async () => {
    const { output, sidecar } = await oneImageBatch(ok);
    expect([looks.get(output), looks.get(sidecar)]).toEqual([2, 2]);
  });

  it('are looked at again before each retry is sent, as something may have taken them meanwhile', async () => {
    const { output, sidecar } = await oneImageBatch((attempt) =>
      attempt === 1 ? { status: 503, headers: {}, body: Buffer.from('busy') } : ok(),
    );
    expect([looks.get(output), looks.get(sidecar)]).toEqual([3, 3]);
  });
});
