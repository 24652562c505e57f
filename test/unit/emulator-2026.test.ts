/**
 * The 2026-06-22 parameters from a fresh clone: `main(argv, io)` in-process against the
 * emulator. The emulator accepts each new parameter (it reads the same table), answers an
 * image for it, and AVIF (`export.format avif`) is an answer the CLI takes and writes.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { FIXTURES } from '../e2e/harness.js';
import { memoryIo } from '../support/memory-io.js';

/** The mug fixture made small: encoding a full-size AVIF takes seconds. */
const MUG = path.join(tmpdir(), 'photoroom-emulated-mug.jpg');
let emulator: RunningEmulator;

beforeAll(async () => {
  await writeFile(MUG, await sharp(path.join(FIXTURES, 'mug.jpg')).resize(160).jpeg().toBuffer());
  emulator = await startEmulator({ record: true });
});

afterAll(async () => {
  await emulator.close();
  await rm(MUG, { force: true });
});

/** One edit of the mug with these flags: exit code, stderr, the output's name and first bytes, the fields sent. */
async function edit(args: string[]) {
  const out = await mkdtemp(path.join(tmpdir(), 'photoroom-emulated-'));
  const io = memoryIo({ env: { PHOTOROOM_API_KEY: 'test_key_2026', PHOTOROOM_BASE_URL: emulator.url }, cwd: out });
  const before = emulator.requests.length;
  const code = await main(['edit', MUG, ...args, '--yes', '-o', out], io);
  const written = (await readdir(out)).filter((name) => /^photoroom-emulated-mug\.[a-z]+$/.test(name));
  const head = written[0] ? (await readFile(path.join(out, written[0]))).subarray(0, 12) : Buffer.alloc(0);
  const sent = emulator.requests.slice(before).map((request) => request.fields.map(([name]) => name));
  return { code, stderr: io.err(), written, head, sent };
}

describe('the 2026-06-22 parameters against the emulator', () => {
  it('answers --export.format avif with an AVIF the CLI checks whole and writes as .avif', async () => {
    const { code, stderr, written, head } = await edit(['--export.format', 'avif']);
    expect(code, stderr).toBe(0);
    expect(written).toEqual(['photoroom-emulated-mug.avif']);
    expect(head.toString('latin1', 4, 12)).toBe('ftypavif');
  });

  const cases: [string, string[]][] = [
    ['the new shadow model', ['--shadow.mode', 'ai.preset-soft']],
    ['shadow overrides', ['--shadow.mode', 'ai.auto-with-overrides', '--shadow.directionOverride', 'frontRight', '--shadow.intensityOverride', '0.7']],
    ['a ghost mannequin', ['--ghostMannequin.mode', 'ai.auto', '--ghostMannequin.size', 'SQUARE_HD']],
    ['a flat lay', ['--flatLay.mode', 'ai.auto']],
    ['a virtual model', ['--virtualModel.mode', 'ai.auto', '--virtualModel.model.preset.name', 'maya', '--virtualModel.additionalProductImages', 'https://example.com/a.jpg,https://example.com/b.jpg']],
    ['edit with AI and a keyed reference image', ['--editWithAI.mode', 'ai.auto', '--editWithAI.prompt', 'make it blue', '--editWithAI.additionalImages.front.imageFile', MUG]],
    ['an outline', ['--outline.color', 'red', '--outline.width', '0.02']],
    ['ironing, car beautifying, portrait lighting', ['--ironing.mode', 'ai.auto', '--beautify.mode', 'ai.car', '--lighting.mode', 'ai.optimize-portrait']],
  ];
  for (const [title, args] of cases) {
    it(`accepts ${title} and answers an image`, async () => {
      const { code, stderr, written, sent } = await edit(args);
      expect(code, stderr).toBe(0);
      expect(written).toEqual(['photoroom-emulated-mug.png']);
      const names = args.filter((arg) => arg.startsWith('--')).map((flag) => flag.slice(2));
      expect(sent.at(-1)).toEqual(expect.arrayContaining(names));
    });
  }
});
