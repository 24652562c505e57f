/**
 * The parameters and values the 2026-06-22 contract added since the seed, through
 * `main(argv, io)` in-process against a local server that records what reaches it: a good
 * value is sent as the contract spells it; a bad one, or one a prose rule forbids, is refused
 * with exit 2 before anything is sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../support/memory-io.js';

/** One request as the server saw it: its method and its fields (file parts as `file:<name>`). */
interface Received {
  method: string;
  fields: [string, string][];
}

let server: Server;
let received: Received[] = [];
let work: string;
let env: Record<string, string>;
let png: Buffer;

async function fieldsOf(request: IncomingMessage): Promise<[string, string][]> {
  const url = new URL(request.url ?? '/', 'http://x');
  if (request.method === 'GET') return [...url.searchParams.entries()];
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), {
    headers: { 'content-type': request.headers['content-type'] ?? '' },
  }).formData();
  return [...form.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : `file:${value.name}`]);
}

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#20804080' } })
    .png()
    .toBuffer();
  server = createServer((request, response) => {
    void fieldsOf(request).then((fields) => {
      received.push({ method: request.method ?? '', fields });
      response.writeHead(200, { 'content-type': 'image/png' }).end(png);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  work = await mkdtemp(path.join(tmpdir(), 'photoroom-2026-'));
  await writeFile(path.join(work, 'shirt.png'), png);
  await writeFile(path.join(work, FRONT), png);
  env = { PHOTOROOM_API_KEY: 'test_key_for_2026', PHOTOROOM_BASE_URL: `http://127.0.0.1:${port}` };
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(work, { recursive: true, force: true });
});

async function run(args: string[], input = 'shirt.png') {
  received = [];
  const io = memoryIo({ env, cwd: work });
  const code = await main(
    ['edit', input, ...args, '--yes', '--retries', '0', '-o', await mkdtemp(path.join(work, 'out-'))],
    io,
  );
  return { code, stderr: io.err(), received };
}

const URL_INPUT = 'https://example.com/shirt.jpg';
/** A reference image to upload, named relative to the run's working folder (`work`). */
const FRONT = 'photoroom-2026-front.png';

/** Flags as typed → the fields sent for them, as the contract spells them. */
const GOOD: { title: string; args: string[]; sent: [string, string][]; input?: string }[] = [
  {
    title: 'the new shadow presets',
    args: ['--shadow.mode', 'ai.preset-soft'],
    sent: [['shadow.mode', 'ai.preset-soft']],
  },
  { title: 'ai.preset-hard', args: ['--shadow', 'ai.preset-hard'], sent: [['shadow.mode', 'ai.preset-hard']] },
  {
    title: 'the shadow overrides, degrees or presets',
    args: [
      '--shadow.mode',
      'ai.auto-with-overrides',
      '--shadow.directionOverride',
      'frontLeft',
      '--shadow.intensityOverride',
      '0.5',
      '--shadow.softnessOverride',
      '0.35',
      '--shadow.spreadOverride',
      '45',
      '--shadow.subjectPoseOverride',
      'upright',
    ],
    sent: [
      ['shadow.mode', 'ai.auto-with-overrides'],
      ['shadow.directionOverride', 'frontLeft'],
      ['shadow.intensityOverride', '0.5'],
      ['shadow.softnessOverride', '0.35'],
      ['shadow.spreadOverride', '45'],
      ['shadow.subjectPoseOverride', 'upright'],
    ],
  },
  { title: 'avif export', args: ['--export.format', 'avif'], sent: [['export.format', 'avif']] },
  {
    title: 'portrait lighting',
    args: ['--lighting.mode', 'ai.optimize-portrait'],
    sent: [['lighting.mode', 'ai.optimize-portrait']],
  },
  { title: 'car beautifying', args: ['--beautify.mode', 'ai.car'], sent: [['beautify.mode', 'ai.car']] },
  {
    title: 'the food subject check',
    args: ['--beautify.mode', 'ai.food', '--beautify.onSubjectMismatch', 'error'],
    sent: [
      ['beautify.mode', 'ai.food'],
      ['beautify.onSubjectMismatch', 'error'],
    ],
  },
  {
    title: 'XMP-compatible EXIF',
    args: ['--preserveMetadata', 'exifSubsetWithXmpCompatibility'],
    sent: [['preserveMetadata', 'exifSubsetWithXmpCompatibility']],
  },
  { title: 'the original colour space', args: ['--colorSpace', 'original'], sent: [['colorSpace', 'original']] },
  {
    title: 'upscale downscaling',
    args: ['--upscale.mode', 'ai.fast', '--upscale.downscaleIfNeeded', 'skipUpscaleIfNotNeeded'],
    sent: [
      ['upscale.mode', 'ai.fast'],
      ['upscale.downscaleIfNeeded', 'skipUpscaleIfNotNeeded'],
    ],
  },
  { title: 'ironing', args: ['--ironing.mode', 'ai.auto'], sent: [['ironing.mode', 'ai.auto']] },
  {
    title: 'an outline',
    args: ['--outline.color', 'FF0000EE', '--outline.width', '0.05', '--outline.blurRadius', '0.025'],
    sent: [
      ['outline.color', 'FF0000EE'],
      ['outline.width', '0.05'],
      ['outline.blurRadius', '0.025'],
    ],
  },
  {
    title: 'edit with AI, a reference image uploaded under its key',
    args: [
      '--editWithAI.mode',
      'ai.auto',
      '--editWithAI.prompt',
      'Change the shirt to blue',
      '--editWithAI.seed',
      '42',
      '--editWithAI.additionalImages.front.imageFile',
      FRONT,
    ],
    sent: [
      ['editWithAI.mode', 'ai.auto'],
      ['editWithAI.prompt', 'Change the shirt to blue'],
      ['editWithAI.seed', '42'],
      ['editWithAI.additionalImages.front.imageFile', 'file:photoroom-2026-front.png'],
    ],
  },
  {
    title: 'edit with AI, reference images by URL (GET)',
    input: URL_INPUT,
    args: [
      '--editWithAI.mode',
      'ai.auto',
      '--editWithAI.prompt',
      'Add a logo',
      '--editWithAI.additionalImages.front.imageUrl',
      'https://example.com/front.jpg',
      '--editWithAI.additionalImages.logo.imageUrl=https://example.com/logo.png',
    ],
    sent: [
      ['imageUrl', URL_INPUT],
      ['editWithAI.mode', 'ai.auto'],
      ['editWithAI.prompt', 'Add a logo'],
      ['editWithAI.additionalImages.front.imageUrl', 'https://example.com/front.jpg'],
      ['editWithAI.additionalImages.logo.imageUrl', 'https://example.com/logo.png'],
    ],
  },
  {
    title: 'describe any change, deprecated',
    args: [
      '--describeAnyChange.mode',
      'ai.auto',
      '--describeAnyChange.prompt',
      'Remove the cup',
      '--describeAnyChange.seed',
      '7',
    ],
    sent: [
      ['describeAnyChange.mode', 'ai.auto'],
      ['describeAnyChange.prompt', 'Remove the cup'],
      ['describeAnyChange.seed', '7'],
    ],
  },
  {
    title: 'a flat lay',
    args: ['--flatLay.mode', 'ai.auto', '--flatLay.prompt', 'minimal', '--flatLay.size', 'LANDSCAPE_HD_16_9'],
    sent: [
      ['flatLay.mode', 'ai.auto'],
      ['flatLay.prompt', 'minimal'],
      ['flatLay.size', 'LANDSCAPE_HD_16_9'],
    ],
  },
  {
    title: 'a ghost mannequin',
    args: [
      '--ghostMannequin.mode',
      'ai.auto',
      '--ghostMannequin.prompt',
      'clean studio',
      '--ghostMannequin.size',
      'PORTRAIT_HD_4_3',
    ],
    sent: [
      ['ghostMannequin.mode', 'ai.auto'],
      ['ghostMannequin.prompt', 'clean studio'],
      ['ghostMannequin.size', 'PORTRAIT_HD_4_3'],
    ],
  },
  {
    title: 'a virtual model: presets, an uploaded scene, more product photos',
    args: [
      '--virtualModel.mode',
      'ai.auto',
      '--virtualModel.prompt',
      'street style',
      '--virtualModel.pose',
      '34turn',
      '--virtualModel.quality',
      'premium',
      '--virtualModel.size',
      'SQUARE_HD',
      '--virtualModel.model.preset.name',
      'sophia',
      '--virtualModel.scene.custom.imageFile',
      FRONT,
      '--virtualModel.additionalProductImages',
      'https://example.com/side.jpg,https://example.com/back.jpg',
    ],
    sent: [
      ['virtualModel.mode', 'ai.auto'],
      ['virtualModel.prompt', 'street style'],
      ['virtualModel.pose', '34turn'],
      ['virtualModel.quality', 'premium'],
      ['virtualModel.size', 'SQUARE_HD'],
      ['virtualModel.model.preset.name', 'sophia'],
      ['virtualModel.scene.custom.imageFile', 'file:photoroom-2026-front.png'],
      ['virtualModel.additionalProductImages', 'https://example.com/side.jpg'],
      ['virtualModel.additionalProductImages', 'https://example.com/back.jpg'],
    ],
  },
  {
    title: 'a virtual model: a custom person by URL, a preset scene',
    args: [
      '--virtualModel.mode',
      'ai.auto',
      '--virtualModel.model.custom.imageUrl',
      'https://example.com/me.jpg',
      '--virtualModel.scene.preset.name',
      'beach',
    ],
    sent: [
      ['virtualModel.mode', 'ai.auto'],
      ['virtualModel.model.custom.imageUrl', 'https://example.com/me.jpg'],
      ['virtualModel.scene.preset.name', 'beach'],
    ],
  },
];

/** Flags as typed → what the refusal names. */
const BAD: [args: string[], problem: string][] = [
  [['--shadow.mode', 'ai.preset-medium'], '--shadow.mode: invalid value "ai.preset-medium"'],
  [
    ['--shadow.mode', 'ai.auto-with-overrides', '--shadow.directionOverride', 'sideways'],
    '--shadow.directionOverride: invalid value "sideways"; expected a number of degrees or one of behind,',
  ],
  [
    ['--shadow.mode', 'ai.auto-with-overrides', '--shadow.intensityOverride', '1.5'],
    '--shadow.intensityOverride: invalid value "1.5"; expected a number from 0 to 1',
  ],
  [
    ['--shadow.mode', 'ai.auto-with-overrides', '--shadow.softnessOverride', '-0.1'],
    '--shadow.softnessOverride: invalid value "-0.1"',
  ],
  [
    ['--shadow.mode', 'ai.auto-with-overrides', '--shadow.spreadOverride', 'huge'],
    '--shadow.spreadOverride: invalid value "huge"',
  ],
  [
    ['--shadow.mode', 'ai.auto-with-overrides', '--shadow.subjectPoseOverride', 'lying'],
    '--shadow.subjectPoseOverride: invalid value "lying"',
  ],
  [
    ['--shadow.mode', 'ai.soft', '--shadow.intensityOverride', '0.5'],
    '--shadow.intensityOverride can only be used with shadow.mode ai.auto-with-overrides; it is ai.soft',
  ],
  [
    ['--shadow.spreadOverride', 'long'],
    '--shadow.spreadOverride can only be used with shadow.mode ai.auto-with-overrides; it is not set',
  ],
  [['--export.format', 'heic'], '--export.format: invalid value "heic"'],
  [['--lighting.mode', 'ai.portrait'], '--lighting.mode: invalid value "ai.portrait"'],
  [['--beautify.mode', 'ai.boat'], '--beautify.mode: invalid value "ai.boat"'],
  [
    ['--beautify.mode', 'ai.food', '--beautify.onSubjectMismatch', 'warn'],
    '--beautify.onSubjectMismatch: invalid value "warn"',
  ],
  [
    ['--beautify.mode', 'ai.car', '--beautify.onSubjectMismatch', 'error'],
    '--beautify.onSubjectMismatch error checks the subject of beautify.mode ai.food only',
  ],
  [['--beautify.onSubjectMismatch', 'ignore'], '--beautify.onSubjectMismatch can only be used with beautify.mode'],
  [['--preserveMetadata', 'exif'], '--preserveMetadata: invalid value "exif"'],
  [['--colorSpace', 'adobeRGB'], '--colorSpace: invalid value "adobeRGB"'],
  [
    ['--colorSpace', 'original', '--export.format', 'jpeg'],
    "--colorSpace original keeps the input's colour profile only for a pure background removal to PNG; --export.format jpeg",
  ],
  [
    ['--colorSpace', 'original', '--shadow.mode', 'ai.preset-soft'],
    "--colorSpace original keeps the input's colour profile only for a pure background removal to PNG; --shadow.mode ai.preset-soft",
  ],
  [
    ['--upscale.mode', 'ai.fast', '--upscale.downscaleIfNeeded', 'sometimes'],
    '--upscale.downscaleIfNeeded: invalid value "sometimes"',
  ],
  [['--upscale.downscaleIfNeeded', 'always'], '--upscale.downscaleIfNeeded can only be used with upscale.mode'],
  [['--ironing.mode', 'on'], '--ironing.mode: invalid value "on"'],
  [['--outline.color', 'notacolour'], '--outline.color: invalid value "notacolour"'],
  [['--outline.width', '0.2'], '--outline.width: invalid value "0.2"; expected a number from 0 to 0.1'],
  [['--outline.blurRadius', '0.05'], '--outline.blurRadius: invalid value "0.05"; expected a number from 0 to 0.025'],
  [['--editWithAI.mode', 'ai.manual'], '--editWithAI.mode: invalid value "ai.manual"'],
  [['--editWithAI.prompt', ' '], '--editWithAI.prompt: invalid value " "'],
  [['--editWithAI.seed', 'abc'], '--editWithAI.seed: invalid value "abc"'],
  [
    ['--editWithAI.additionalImages.front.imageUrl', 'ftp://example.com/a.png'],
    '--editWithAI.additionalImages.front.imageUrl: invalid value "ftp://example.com/a.png"',
  ],
  [
    ['--editWithAI.additionalImages.front.imageUrl', 'https://example.com/a.png'],
    '--editWithAI.additionalImages.front.imageUrl is only accepted by GET /v2/edit',
  ],
  [['--describeAnyChange.mode', 'ai.manual'], '--describeAnyChange.mode: invalid value "ai.manual"'],
  [['--describeAnyChange.seed', 'x'], '--describeAnyChange.seed: invalid value "x"'],
  [['--flatLay.mode', 'ai.auto', '--flatLay.size', 'A4'], '--flatLay.size: invalid value "A4"'],
  [['--flatLay.prompt', 'minimal'], '--flatLay.prompt can only be used with flatLay.mode ai.auto'],
  [['--ghostMannequin.mode', 'yes'], '--ghostMannequin.mode: invalid value "yes"'],
  [['--ghostMannequin.size', 'SQUARE_HD'], '--ghostMannequin.size can only be used with ghostMannequin.mode ai.auto'],
  [
    ['--virtualModel.mode', 'ai.auto', '--virtualModel.pose', 'dancing'],
    '--virtualModel.pose: invalid value "dancing"',
  ],
  [
    ['--virtualModel.mode', 'ai.auto', '--virtualModel.quality', 'ultra'],
    '--virtualModel.quality: invalid value "ultra"',
  ],
  [['--virtualModel.mode', 'ai.auto', '--virtualModel.size', 'SQUARE'], '--virtualModel.size: invalid value "SQUARE"'],
  [
    ['--virtualModel.mode', 'ai.auto', '--virtualModel.model.preset.name', 'bob'],
    '--virtualModel.model.preset.name: invalid value "bob"',
  ],
  [
    ['--virtualModel.mode', 'ai.auto', '--virtualModel.scene.preset.name', 'moon'],
    '--virtualModel.scene.preset.name: invalid value "moon"',
  ],
  [
    ['--virtualModel.mode', 'ai.auto', '--virtualModel.model.custom.imageUrl', 'me.jpg'],
    '--virtualModel.model.custom.imageUrl: invalid value "me.jpg"',
  ],
  [
    [
      '--virtualModel.mode',
      'ai.auto',
      '--virtualModel.additionalProductImages',
      'https://a.example/1,https://a.example/2,https://a.example/3,https://a.example/4,https://a.example/5',
    ],
    '--virtualModel.additionalProductImages: invalid value',
  ],
  [
    [
      '--virtualModel.mode',
      'ai.auto',
      '--virtualModel.model.preset.name',
      'ava',
      '--virtualModel.model.custom.imageFile',
      FRONT,
    ],
    '--virtualModel.model.preset.name and --virtualModel.model.custom.imageFile cannot be used together',
  ],
  [['--virtualModel.pose', 'seated'], '--virtualModel.pose can only be used with virtualModel.mode ai.auto'],
];

describe('the parameters of the 2026-06-22 contract', () => {
  for (const { title, args, sent, input } of GOOD) {
    it(`sends ${title} as the contract spells it`, async () => {
      const { code, stderr, received: requests } = await run(args, input);
      // In any order: keyed flags are read before the others.
      const byName = (fields: [string, string][]) => [...fields].sort(([a], [b]) => a.localeCompare(b));
      expect(
        requests.map(({ fields }) => byName(fields.filter(([name]) => name !== 'imageFile'))),
        stderr,
      ).toEqual([byName(sent)]);
      expect(code, stderr).toBe(0);
    });
  }

  for (const [args, problem] of BAD) {
    it(`refuses ${args.join(' ')} with exit 2, sending nothing`, async () => {
      const { code, stderr, received: requests } = await run(args);
      expect(stderr).toContain(problem);
      expect(code).toBe(2);
      expect(requests).toEqual([]);
    });
  }

  it('accepts describeAnyChange.* with one notice pointing to editWithAI.*', async () => {
    const { stderr } = await run([
      '--describeAnyChange.mode',
      'ai.auto',
      '--describeAnyChange.prompt',
      'Remove the cup',
    ]);
    const notices = stderr.split('\n').filter((line) => line.includes('editWithAI'));
    expect(notices).toEqual([
      expect.stringContaining(
        '--describeAnyChange.mode, --describeAnyChange.prompt: deprecated by the API in favour of editWithAI.*; sent as given (use --editWithAI.mode, --editWithAI.prompt)',
      ),
    ]);
  });

  it('sends a value the table does not know through --param, with one warning naming the contract date; the flag refuses it', async () => {
    const passed = await run(['--param', 'shadow.mode=ai.preset-medium']);
    expect(passed.received.map(({ fields }) => fields.filter(([name]) => name !== 'imageFile'))).toEqual([
      [['shadow.mode', 'ai.preset-medium']],
    ]);
    expect(passed.stderr.split('\n').filter((line) => line.includes('2026-06-22'))).toHaveLength(1);
    expect(passed.code).toBe(0);
    const refused = await run(['--shadow.mode', 'ai.preset-medium']);
    expect([refused.code, refused.received]).toEqual([2, []]);
  });
});
