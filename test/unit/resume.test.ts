/** The resume check: whether an input's recorded output is still its result. It never throws. */
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createResumeCheck } from '../../src/batch/resume.js';
import { stateLayout } from '../../src/store/layout.js';
import { sidecarRecord, type RequestSignature } from '../../src/store/sidecar.js';

const request = { endpoint: '/v2/edit' as const, method: 'POST' as const, fields: [] };

/** The sidecar of a 3-byte `output` made from `input` (of a made-up content hash unless given). */
function recordOf(
  output: string,
  input: { path: string; size: number; mtimeMs: number; sha256?: string },
  made: RequestSignature = request,
): string {
  return JSON.stringify(
    sidecarRecord({
      input: { sha256: 'f'.repeat(64), ...input },
      request: made,
      status: 200,
      headers: { 'content-type': 'image/png' },
      attempts: 1,
      durationsMs: { total: 1, lastAttempt: 1 },
      output: { path: output, bytes: 3, sha256: 'e'.repeat(64) },
      cliVersion: 'test',
      completedAt: new Date(0),
    }),
  );
}

describe('a resume check over an input it cannot read', () => {
  it('answers "not done" (the input is redone and says why) instead of throwing', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-resume-'));
    const out = path.join(root, 'out');
    await mkdir(out);
    // The input's place holds a folder now (a file replaced while --watch waited its turn):
    // same size as recorded, another mtime, so only its hash could tell, and it cannot be read.
    const input = path.join(root, 'a.png');
    await mkdir(input);
    const { size } = await stat(input);
    await writeFile(path.join(out, 'a.png'), 'png');
    await writeFile(
      path.join(out, 'a.png.json'),
      recordOf(path.join(out, 'a.png'), { path: 'a.png', size, mtimeMs: 1 }),
    );
    const check = createResumeCheck(stateLayout(out));
    await expect(check(path.join(out, 'a.png'), { kind: 'file', path: input }, () => request)).resolves.toBe('redo');
  });
});

describe('a resume check over an output another input made', () => {
  it("names that input: the output is not this one's to write over", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-resume-'));
    const out = path.join(root, 'out');
    await mkdir(out);
    const jpg = path.join(root, 'twin.jpg');
    await writeFile(jpg, 'a mug');
    const { size, mtimeMs } = await stat(jpg);
    const twin = path.join(out, 'twin.png');
    await writeFile(twin, 'png');
    const check = createResumeCheck(stateLayout(out));
    const current = { kind: 'file' as const, path: jpg, display: 'twin.jpg' };

    await writeFile(path.join(out, 'twin.png.json'), recordOf(twin, { path: 'twin.png', size: 9, mtimeMs: 1 }));
    await expect(check(path.join(out, 'twin.png'), current, () => request)).resolves.toEqual({ owner: 'twin.png' });

    // The same content recorded under another path (the folder moved, or another working
    // folder): this input's own result.
    const moved = recordOf(twin, { path: 'old/twin.jpg', size, mtimeMs });
    await writeFile(path.join(out, 'twin.png.json'), moved);
    await expect(createResumeCheck(stateLayout(out))(path.join(out, 'twin.png'), current, () => request)).resolves.toBe(
      'done',
    );

    // This input's path, its content changed since: its own output, to redo.
    const edited = recordOf(twin, { path: 'twin.jpg', size: 9, mtimeMs: 1 });
    await writeFile(path.join(out, 'twin.png.json'), edited);
    await expect(createResumeCheck(stateLayout(out))(path.join(out, 'twin.png'), current, () => request)).resolves.toBe(
      'redo',
    );
  });
});

describe('a resume check over a request that names its colour otherwise', () => {
  it('takes white, #fff and FFFFFF for one colour, and FEFEFE for another', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-resume-'));
    const out = path.join(root, 'out');
    await mkdir(out);
    const input = path.join(root, 'mug.jpg');
    await writeFile(input, 'a mug');
    const { size, mtimeMs } = await stat(input);
    const output = path.join(out, 'mug.png');
    await writeFile(output, 'png');
    const recorded = { ...request, fields: [['background.color', 'FFFFFF'] as [string, string]] };
    await writeFile(`${output}.json`, recordOf(output, { path: 'mug.jpg', size, mtimeMs }, recorded));
    const current = { kind: 'file' as const, path: input, display: 'mug.jpg' };
    const verdict = (color: string) =>
      createResumeCheck(stateLayout(out))(output, current, () => ({
        ...request,
        fields: [['background.color', color]],
      }));
    for (const same of ['white', '#fff', 'ffffff']) await expect(verdict(same)).resolves.toBe('done');
    await expect(verdict('FEFEFE')).resolves.toBe('redo');
  });

  it("takes a padding and a format by what they mean too, as a preset's overrides do", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-resume-'));
    const out = path.join(root, 'out');
    await mkdir(out);
    const input = path.join(root, 'mug.jpg');
    await writeFile(input, 'a mug');
    const { size, mtimeMs } = await stat(input);
    const output = path.join(out, 'mug.jpg');
    await writeFile(output, 'jpg');
    const fields: [string, string][] = [
      ['padding', '0.05'],
      ['export.format', 'jpeg'],
    ];
    await writeFile(`${output}.json`, recordOf(output, { path: 'mug.jpg', size, mtimeMs }, { ...request, fields }));
    const current = { kind: 'file' as const, path: input, display: 'mug.jpg' };
    const verdict = (padding: string, format: string) =>
      createResumeCheck(stateLayout(out))(output, current, () => ({
        ...request,
        fields: [
          ['padding', padding],
          ['export.format', format],
        ],
      }));
    await expect(verdict('5%', 'jpg')).resolves.toBe('done');
    await expect(verdict('6%', 'jpg')).resolves.toBe('redo');
  });
});
