/** What `-o` names: a file by any extension the table's format parameters take, a folder otherwise. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMismatch, impliedFormat, outputTarget } from '../../src/cli/output-target.js';
import { paramByName } from '../../src/params/table.js';

describe('-o names a file by every format the table offers', () => {
  const formats = [...new Set([...(paramByName('export.format')?.enum ?? []), ...(paramByName('format')?.enum ?? [])])];

  it.each(formats)('takes -o result.%s as one output file, in that format', async (format) => {
    const target = await outputTarget(`result.${format}`, tmpdir());
    expect(target).toEqual({ kind: 'file', file: path.join(tmpdir(), `result.${format}`) });
    expect(impliedFormat(target, 'edit', `result.${format}`)).toEqual([
      { name: 'export.format', value: format === 'jpeg' ? 'jpg' : format, source: `-o result.${format}` },
    ]);
  });

  it('covers avif, which the 2026-06-22 contract added', () => {
    expect(formats).toContain('avif');
  });

  it('takes a name without an image extension as a folder, and names the extensions when a format contradicts it', async () => {
    expect(await outputTarget('results.d', tmpdir())).toEqual({
      kind: 'folder',
      dir: path.join(tmpdir(), 'results.d'),
    });
    const file = { kind: 'file', file: '/x/result.tiff' } as const;
    expect(formatMismatch(file, { value: 'png', source: '--export.format' }, 'result.tiff')).toBe(
      '-o result.tiff: name the output file .png, .jpeg, .jpg, .webp, .avif, or give -o a folder',
    );
  });
});

describe('-o named like an image the API does not write', () => {
  it.each(['m.gif', 'm.tif', 'shot.heic'])('refuses -o %s instead of making a folder so named', async (out) => {
    await expect(outputTarget(out, tmpdir())).rejects.toThrow(
      `-o ${out}: the API does not write .${out.split('.')[1]} images; name the output file .png, .jpeg, .jpg, .webp, .avif, or give -o a folder`,
    );
  });

  it('takes a folder that exists under such a name as the folder it is', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-out-'));
    await mkdir(path.join(root, 'frames.gif'));
    expect(await outputTarget('frames.gif', root)).toEqual({ kind: 'folder', dir: path.join(root, 'frames.gif') });
  });
});
