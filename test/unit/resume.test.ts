/** The resume check: whether an input's recorded output is still its result. It never throws. */
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createResumeCheck } from '../../src/batch/resume.js';
import { stateLayout } from '../../src/store/layout.js';
import { sidecarRecord } from '../../src/store/sidecar.js';

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
    const request = { endpoint: '/v2/edit' as const, method: 'POST' as const, fields: [] };
    const sidecar = sidecarRecord({
      input: { path: 'a.png', size, mtimeMs: 1, sha256: 'f'.repeat(64) },
      request,
      status: 200,
      headers: { 'content-type': 'image/png' },
      attempts: 1,
      durationsMs: { total: 1, lastAttempt: 1 },
      output: { path: path.join(out, 'a.png'), bytes: 3, sha256: 'e'.repeat(64) },
      cliVersion: 'test',
      completedAt: new Date(0),
    });
    await writeFile(path.join(out, 'a.png'), 'png');
    await writeFile(path.join(out, 'a.png.json'), JSON.stringify(sidecar));
    const check = createResumeCheck(stateLayout(out));
    await expect(check(path.join(out, 'a.png'), { kind: 'file', path: input }, () => request)).resolves.toBe(false);
  });
});
