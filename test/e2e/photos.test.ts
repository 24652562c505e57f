/**
 * The first hour of a real user: `photoroom edit|segment` on a folder of real photographs
 * against the in-process emulator. No answer may be blank, and each records its uncertainty.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBlank } from '../../src/emulator/blank.js';
import { decode } from '../support/rendered.js';
import { ROOT, tempDir } from './harness.js';
import { runInProcess } from '../support/in-process.js';

const PHOTOS = path.join(ROOT, 'fixtures/photos');

describe.each(['edit', 'segment'])('photoroom %s fixtures/photos --emulator', (command) => {
  it('answers every photograph with a non-blank image and a numeric x-uncertainty-score', async () => {
    const out = await tempDir();
    const { code, stdout, stderr } = await runInProcess([
      command,
      'fixtures/photos',
      '--emulator',
      '-o',
      out,
      '--no-progress',
    ]);
    expect(code, stderr).toBe(0);
    // The in-process emulator adds nothing to what the command prints.
    expect(stdout + stderr).not.toMatch(/stand-in|listening/);

    const photos = (await readdir(PHOTOS)).filter((name) => /\.(jpg|png)$/.test(name));
    expect(photos.length).toBeGreaterThanOrEqual(8);
    for (const photo of photos) {
      const output = path.join(out, photo.replace(/\.\w+$/, '.png'));
      expect(isBlank(await decode(await readFile(output))), `${photo} came back blank`).toBe(false);
      const sidecar = JSON.parse(await readFile(`${output}.json`, 'utf8')) as {
        response: { headers: Record<string, string> };
      };
      expect(sidecar.response.headers['x-uncertainty-score'], photo).toMatch(/^[01]\.\d\d$/);
    }
  });
});
