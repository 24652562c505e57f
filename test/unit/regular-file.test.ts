/**
 * Inputs that are not regular files: a named pipe called *.png among the inputs is left out
 * with its reason, and every stage that reads an input (the check, the hash, the upload, the
 * conversion) refuses it at once instead of opening it blocking (which holds a thread of
 * libuv's pool until a writer comes: four such opens stop every file operation).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../src/api/multipart.js';
import { LocalFault } from '../../src/errors.js';
import { convertForUpload } from '../../src/inputs/convert.js';
import { discoverInputs, type DiscoveryItem } from '../../src/inputs/discover.js';
import { checkInputFile } from '../../src/inputs/sniff.js';
import { NotARegularFile } from '../../src/regular-file.js';
import { hashFile } from '../../src/store/hash.js';

let folder: string;
let pipe: string;

beforeAll(async () => {
  folder = await realpath(await mkdtemp(path.join(tmpdir(), 'photoroom-pipe-')));
  pipe = path.join(folder, 'a.png');
  execFileSync('mkfifo', [pipe]);
});

describe('inputs that are not regular files', () => {
  it('are left out of a folder as not-a-file', async () => {
    const items: DiscoveryItem[] = [];
    for await (const item of discoverInputs({ inputs: ['.'], cwd: folder, skipFolders: [], extensions: ['png'] }))
      items.push(item);
    expect(items).toEqual([{ kind: 'ignored', reason: 'not-a-file', path: pipe }]);
  });

  it('are refused at once by the check, the hash, the upload and the conversion, never opened blocking', async () => {
    expect(await checkInputFile(pipe, { endpoint: 'edit' })).toEqual({ ok: false, reason: 'not a regular file' });
    await expect(hashFile(pipe)).rejects.toBeInstanceOf(NotARegularFile);
    const { body } = encodeMultipart([{ name: 'imageFile', filename: 'a.png', path: pipe, size: 10 }]);
    await expect(
      (async () => {
        for await (const _ of body as Readable);
      })(),
    ).rejects.toBeInstanceOf(LocalFault);
    await expect(convertForUpload(pipe, { kind: 'convert', from: 'TIFF' }, path.dirname(pipe))).rejects.toBeInstanceOf(
      NotARegularFile,
    );
  });
});
