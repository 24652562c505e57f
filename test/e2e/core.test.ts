import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { PARAMS } from '../../src/params/table.js';
import { emulatorEnv, recordingEmulator, runCli, scriptedServer, serveFolder, tempDir } from './harness.js';
import { runInProcess } from '../support/in-process.js';

let emulator: RunningEmulator;
let work: string;
let shoe: string;
let background: string;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
  env = emulatorEnv(emulator);
  work = await tempDir();
  shoe = path.join(work, 'shoe.png');
  background = path.join(work, 'bg.jpg');
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#eeeeee' } })
    .png()
    .toFile(shoe);
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } })
    .jpeg()
    .toFile(background);
});

afterAll(async () => {
  await emulator.close();
});

/**
 * Runs the CLI (in this process, or spawned when what reaches the real stdout and stderr is
 * the point) and returns the image requests the emulator received during that run.
 */
async function runAndCapture(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; spawned?: boolean } = {},
) {
  const before = emulator.requests.length;
  const run = options.spawned ? runCli : runInProcess;
  const result = await run(args, { env: { ...env, ...options.env }, cwd: options.cwd ?? work });
  // The credits check before a batch (GET /v2/account) is tested in batch.test.ts.
  return { ...result, requests: emulator.requests.slice(before).filter((request) => request.path !== '/v2/account') };
}

/** stderr without the batch's own progress lines and summary: warnings and problems only. */
function problemsIn(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !/^(processing|ok |done in)/.test(line))
    .join('\n');
}

const imageField = (name: string, filename: string): [string, unknown] => [name, expect.objectContaining({ filename })];

describe('photoroom edit: the request a flag set produces', () => {
  const cases: [string, string[], unknown[]][] = [
    [
      'short alias and percentage padding',
      ['--bg', 'white', '--padding', '10%'],
      [
        ['background.color', 'white'],
        ['padding', '10%'],
      ],
    ],
    [
      'hex colour with alpha, custom size and format',
      ['--background.color', '#FF0000EE', '--outputSize', '1000x1000', '--export.format', 'webp'],
      [
        ['background.color', 'FF0000EE'],
        ['outputSize', '1000x1000'],
        ['export.format', 'webp'],
      ],
    ],
    [
      'false and 0 are sent',
      ['--removeBackground', 'false', '--padding', '0', '--export.dpi', '72'],
      [
        ['removeBackground', 'false'],
        ['padding', '0'],
        ['export.dpi', '72'],
      ],
    ],
    [
      'AI background with its object field',
      ['--background.prompt', 'on a beach', '--background.expandPrompt', 'ai.auto', '--background.seed', '42'],
      [
        ['background.prompt', 'on a beach'],
        ['background.expandPrompt.mode', 'ai.auto'],
        ['background.seed', '42'],
      ],
    ],
    [
      'per-side layout in pixels with alignment',
      [
        '--paddingTop',
        '100px',
        '--marginLeft',
        '0.05',
        '--horizontalAlignment',
        'left',
        '--ignorePaddingAndSnapOnCroppedSides',
        'false',
      ],
      [
        ['paddingTop', '100px'],
        ['marginLeft', '0.05'],
        ['horizontalAlignment', 'left'],
        ['ignorePaddingAndSnapOnCroppedSides', 'false'],
      ],
    ],
    [
      'template with layer fields',
      [
        '--templateId',
        '123e4567-e89b-12d3-a456-426614174000',
        '--layers.logo.image.imageUrl',
        'https://example.com/logo.png',
        '--layers.title.text.content=Summer sale',
      ],
      [
        ['templateId', '123e4567-e89b-12d3-a456-426614174000'],
        ['layers.logo.image.imageUrl', 'https://example.com/logo.png'],
        ['layers.title.text.content', 'Summer sale'],
      ],
    ],
    [
      'maxWidth with originalImage',
      ['--outputSize', 'originalImage', '--maxWidth', '800'],
      [
        ['maxWidth', '800'],
        ['outputSize', 'originalImage'],
      ],
    ],
  ];

  for (const [title, flags, expected] of cases) {
    it(`sends ${title}`, async () => {
      const out = await tempDir();
      const { code, stderr, requests } = await runAndCapture(['edit', shoe, '-o', out, ...flags]);
      // The emulator renders no templates and says so, as the API does for what it ignores.
      const notices = /templates are not emulated|those images were made without them/;
      expect(
        problemsIn(stderr)
          .split('\n')
          .filter((line) => line && !notices.test(line)),
      ).toEqual([]);
      expect(code).toBe(0);
      expect(requests).toHaveLength(1);
      expect(requests[0]?.method).toBe('POST');
      expect(requests[0]?.path).toBe('/v2/edit');
      const [first, ...fields] = requests[0]!.fields;
      expect(first).toEqual(imageField('imageFile', 'shoe.png'));
      expect(fields).toEqual(expect.arrayContaining(expected));
      expect(fields).toHaveLength(expected.length);
    });
  }

  it('uploads a background file as its own part and writes the answer atomically', async () => {
    const out = await tempDir();
    const { code, stderr, requests } = await runAndCapture([
      'edit',
      shoe,
      '-o',
      out,
      '--background.imageFile',
      background,
    ]);
    expect(code).toBe(0);
    expect(requests[0]?.fields[1]).toEqual(imageField('background.imageFile', 'bg.jpg'));
    const written = path.join(out, 'shoe.png');
    expect(stderr).toContain(`→ ${written}`); // outside the working folder: shown absolute
    expect(await readFile(written)).toEqual(await readFile(shoe)); // --echo answers the upload
  });

  it('sends the key in x-api-key and never prints it', async () => {
    const { code, stdout, stderr, requests } = await runAndCapture(['edit', shoe, '-o', await tempDir()], {
      env: { PHOTOROOM_API_KEY: 'sk_secret_123' },
      spawned: true,
    });
    expect(code).toBe(0);
    expect(requests[0]?.headers['x-api-key']).toBe('sk_secret_123');
    expect(stdout + stderr).not.toContain('sk_secret_123');
  });

  it('sends a URL input by GET with every parameter in the query string', async () => {
    const files = await serveFolder(work);
    try {
      const url = `${files.url}/shoe.png`;
      const out = await tempDir();
      const { code, requests } = await runAndCapture(['edit', url, '-o', out, '--bg', 'white', '--padding', '0.1']);
      expect(code).toBe(0);
      expect(requests[0]?.method).toBe('GET');
      expect(requests[0]?.path).toBe(
        `/v2/edit?imageUrl=${encodeURIComponent(url).replaceAll('%20', '+')}&background.color=white&padding=0.1`,
      );
      expect(requests[0]?.fields).toEqual([
        ['imageUrl', url],
        ['background.color', 'white'],
        ['padding', '0.1'],
      ]);
      expect(existsSync(path.join(out, 'shoe.png'))).toBe(true);
    } finally {
      await files.close();
    }
  });

  it('passes an unknown --param through, with a warning', async () => {
    const { code, stderr, requests } = await runAndCapture([
      'edit',
      shoe,
      '-o',
      await tempDir(),
      '--param',
      'future.mode=ai.auto',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain('warning: --param future.mode: "future.mode" is not a known /v2/edit parameter');
    expect(stderr).toMatch(/the API ignored parameters it does not support: Unsupported attributes: future\.mode/);
    expect(requests[0]?.fields).toContainEqual(['future.mode', 'ai.auto']);
  });

  it('takes parameters from .photoroomrc, flags winning', async () => {
    const project = await tempDir();
    await writeFile(path.join(project, '.photoroomrc'), 'edit:\n  padding: 0.2\n  background:\n    color: white\n');
    const { code, requests } = await runAndCapture(['edit', shoe, '--padding', '10%'], { cwd: project });
    expect(code).toBe(0);
    expect(requests[0]?.fields.slice(1)).toEqual([
      ['padding', '10%'],
      ['background.color', 'white'],
    ]);
    expect(existsSync(path.join(project, 'photoroom-out', 'shoe.png'))).toBe(true);
  });
});

describe('photoroom segment', () => {
  it('sends image_file and the v1 fields, colours with #', async () => {
    const out = await tempDir();
    const { code, requests } = await runAndCapture([
      'segment',
      shoe,
      '-o',
      out,
      '--bg-color',
      'ff00ff',
      '--crop',
      '--size',
      'hd',
      '--format',
      'webp',
    ]);
    expect(code).toBe(0);
    expect(requests[0]?.path).toBe('/v1/segment');
    expect(requests[0]?.fields).toEqual([
      imageField('image_file', 'shoe.png'),
      ['format', 'webp'],
      ['bg_color', '#FF00FF'],
      ['size', 'hd'],
      ['crop', 'true'],
    ]);
    expect(existsSync(path.join(out, 'shoe.webp'))).toBe(true);
  });
});

describe('refused locally: exit 2, nothing sent', () => {
  const cases: [string, string[], RegExp][] = [
    ['padding out of range', ['--padding', '60%'], /--padding: invalid value "60%"; expected a ratio from 0 to 0.49/],
    [
      'an unknown format',
      ['--export.format', 'gif'],
      /--export.format: invalid value "gif"; expected one of png, jpeg, jpg, webp/,
    ],
    [
      'maxWidth without outputSize',
      ['--maxWidth', '500'],
      /--maxWidth can only be used with outputSize originalImage or croppedSubject/,
    ],
    [
      'two background sources',
      ['--background.prompt', 'x', '--background.imageUrl', 'https://a.test/b.png'],
      /cannot be used together/,
    ],
    [
      'a reference box with removeBackground false',
      ['--removeBackground', 'false', '--referenceBox', 'originalImage'],
      /--referenceBox cannot be used with --removeBackground false/,
    ],
    [
      'colorSpace original with a geometry change: not a pure background removal',
      ['--colorSpace', 'original', '--padding', '0.1'],
      /--colorSpace original keeps the input's colour profile only for a pure background removal to PNG; --padding 0.1 is another operation/,
    ],
    [
      'a legacy shadow with the 2026-04-15 AI Shadows model',
      ['--ai-shadows-model-version', '2026-04-15', '--shadow.mode', 'ai.soft'],
      /--shadow.mode ai.soft does not work with the 2026-04-15 AI Shadows model, which --ai-shadows-model-version 2026-04-15 chooses/,
    ],
    ['a misspelt flag', ['--paddding', '0.1'], /^photoroom: unknown option --paddding; did you mean --padding\?$/m],
    [
      'a missing background file',
      ['--background.imageFile', 'nope.jpg'],
      /--background.imageFile "nope.jpg": no such file/,
    ],
    [
      'a bad layer field',
      ['--templateId', '123e4567-e89b-12d3-a456-426614174000', '--layers.a.image.color', 'x'],
      /unknown template layer field "image.color"/,
    ],
  ];
  for (const [title, flags, message] of cases) {
    it(`refuses ${title}`, async () => {
      const { code, stderr, requests } = await runAndCapture(['edit', shoe, '-o', work, ...flags]);
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
      expect(requests).toHaveLength(0);
    });
  }

  it('refuses a missing input file', async () => {
    const { code, stderr, requests } = await runAndCapture(['edit', 'missing.png']);
    expect(stderr).toContain('photoroom: missing.png: no such file');
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('refuses a run without a key', async () => {
    const { code, stderr, requests } = await runAndCapture(['edit', shoe], { env: { PHOTOROOM_API_KEY: '' } });
    expect(stderr).toContain('no API key: set PHOTOROOM_API_KEY');
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('refuses a local background file with a URL input', async () => {
    const { code, stderr, requests } = await runAndCapture([
      'edit',
      'https://example.com/a.png',
      '--background.imageFile',
      background,
    ]);
    expect(stderr).toContain('a URL input (GET /v2/edit) cannot carry');
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('refuses a URL input whose GET request would be longer than servers take, with a hint', async () => {
    const prompt = 'a marble table in soft morning light, '.repeat(250);
    const { code, stderr, requests } = await runAndCapture([
      'edit',
      'https://example.com/a.png',
      '--background.prompt',
      prompt,
      '--yes',
    ]);
    expect(stderr).toMatch(
      /https:\/\/example\.com\/a\.png: the GET request would be \d+ bytes long, over the ~8 KB servers take; download the image and give the file instead/,
    );
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('refuses the URL twin of a background file with an uploaded input: the POST form lacks it', async () => {
    const { code, stderr, requests } = await runAndCapture([
      'edit',
      shoe,
      '--background.imageUrl',
      'https://example.com/bg.jpg',
      '--yes',
    ]);
    expect(stderr).toContain('--background.imageUrl is only accepted by GET /v2/edit, for URL inputs');
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('refuses a URL input on segment', async () => {
    const { code, stderr } = await runAndCapture(['segment', 'https://example.com/a.png']);
    expect(stderr).toContain('/v1/segment takes uploaded files only');
    expect(code).toBe(2);
  });

  it('refuses an invalid value in the config file, naming the file and key', async () => {
    const project = await tempDir();
    await writeFile(
      path.join(project, '.photoroomrc.json'),
      JSON.stringify({ edit: { 'shadow.mode': 'soft' }, concurrency: 0 }),
    );
    const { code, stderr, requests } = await runAndCapture(['edit', shoe], { cwd: project });
    expect(stderr).toContain('.photoroomrc.json: concurrency: invalid value 0; expected a whole number from 1 to 256');
    expect(stderr).toContain(
      '.photoroomrc.json: edit.shadow.mode: invalid value "soft"; expected one of ai.soft, ai.hard, ai.floating',
    );
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });
});

describe('where the config file is searched', () => {
  it('never reads a .photoroomrc above the project root, which could send the key elsewhere', async () => {
    const home = await tempDir();
    const project = path.join(home, 'shared', 'project');
    await mkdir(path.join(project, '.git'), { recursive: true });
    const listener = await scriptedServer([{ status: 500 }]);
    // The environment's PHOTOROOM_BASE_URL wins over this baseUrl, not over its segmentUrl.
    await writeFile(
      path.join(home, 'shared', '.photoroomrc'),
      JSON.stringify({ baseUrl: listener.url, segmentUrl: listener.url }),
    );
    const runSegment = async () =>
      runAndCapture(['segment', shoe, '-o', await tempDir(), '--retries', '0', '--verbose'], {
        cwd: project,
        env: { HOME: home },
      });
    try {
      const withoutRootConfig = await runSegment();
      expect(listener.requests).toEqual([]);
      expect(withoutRootConfig.stderr).toContain(`config: none found in ${project}\n`);
      expect(withoutRootConfig.requests.map((request) => request.path)).toEqual(['/v1/segment']);
      expect(withoutRootConfig.code).toBe(0);

      await writeFile(path.join(project, '.photoroomrc'), 'segment:\n  format: webp\n');
      const withRootConfig = await runSegment();
      expect(withRootConfig.stderr).toContain(`config: ${path.join(project, '.photoroomrc')}\n`);
      expect(withRootConfig.requests[0]?.fields).toContainEqual(['format', 'webp']);
      expect(withRootConfig.code).toBe(0);

      const account = await runInProcess(['account', '--verbose'], { cwd: project, env: { ...env, HOME: home } });
      expect(account.stderr).toContain(`config: ${path.join(project, '.photoroomrc')}\n`);
      expect(listener.requests).toEqual([]);
    } finally {
      await listener.close();
    }
  });
});

describe('arguments mean what the user meant: refused with exit 2, nothing sent', () => {
  /** Runs the CLI in `work` (which holds an image) and returns every request the emulator received. */
  async function refused(args: string[], cwd = work) {
    const before = emulator.requests.length;
    const result = await runInProcess(args, { env, cwd });
    return { ...result, requests: emulator.requests.slice(before) };
  }

  const cases: [string, string[], string][] = [
    [
      'an empty input, which would walk the working folder',
      ['edit', ''],
      "photoroom: an empty input argument ('') names no file, folder or URL",
    ],
    ['an empty input among others', ['segment', 'shoe.png', ''], "an empty input argument ('')"],
    [
      'an empty boolean value',
      ['edit', 'shoe.png', '--removeBackground', ''],
      'photoroom: --removeBackground: empty value',
    ],
    ['an empty boolean value after =', ['segment', 'shoe.png', '--crop='], 'photoroom: --crop: empty value'],
    ['an empty parameter value', ['edit', 'shoe.png', '--bg', ''], 'photoroom: --bg: empty value'],
    ['an empty output folder', ['edit', 'shoe.png', '-o', ''], 'photoroom: --out: empty value'],
    ['an empty name template', ['edit', 'shoe.png', '--name', ''], 'photoroom: --name: empty value'],
    [
      'an empty pattern among several',
      ['edit', '.', '--include', '*.png', '--include', ''],
      'photoroom: --include: empty value',
    ],
    ['an empty list name', ['edit', '--from-file', ''], 'photoroom: --from-file: empty value'],
    ['an empty config path', ['edit', 'shoe.png', '--config', ''], 'photoroom: --config: empty value'],
    ['an empty column', ['edit', '--from-file', 'list.csv', '--column', ''], 'photoroom: --column: empty value'],
    [
      'an empty layer value',
      ['edit', 'shoe.png', '--layers.a.text.content', ''],
      'photoroom: --layers.a.text.content: empty value',
    ],
    [
      'an empty --param value',
      ['edit', 'shoe.png', '--param', 'future.mode='],
      'photoroom: --param future.mode=: expected NAME=VALUE',
    ],
    ['an empty account option', ['account', '--timeout', ''], 'photoroom: --timeout: empty value'],
    [
      'an infinite seed',
      ['edit', 'shoe.png', '--background.prompt', 'x', '--background.seed', '1e309'],
      '--background.seed: invalid value "1e309"',
    ],
    ['a hexadecimal count', ['edit', 'shoe.png', '--concurrency', '0x10'], '--concurrency: invalid value "0x10"'],
    [
      'a parameter given twice',
      ['edit', 'shoe.png', '--padding', '0.1', '--padding', '0.2'],
      '--padding "0.1" and --padding "0.2" both set padding; give it once',
    ],
    [
      'a parameter given twice, once with =',
      ['edit', 'shoe.png', '--padding=0.1', '--padding', '0.2'],
      '--padding "0.1" and --padding "0.2" both set padding',
    ],
    [
      'a flag and its alias',
      ['edit', 'shoe.png', '--bg', 'white', '--background.color', 'red'],
      '--bg "white" and --background.color "red" both set background.color',
    ],
    [
      'a bare boolean and its value',
      ['segment', 'shoe.png', '--crop', '--crop', 'false'],
      '--crop "true" and --crop "false" both set crop',
    ],
    [
      'a flag and --param',
      ['edit', 'shoe.png', '--param', 'padding=0.1', '--padding', '0.2'],
      '--param padding "0.1" and --padding "0.2" both set padding',
    ],
    [
      'a layer field given twice',
      [
        'edit',
        'shoe.png',
        '--templateId',
        '123e4567-e89b-12d3-a456-426614174000',
        '--layers.a.text.content',
        'x',
        '--layers.a.text.content',
        'y',
      ],
      '--layers.a.text.content "x" and --layers.a.text.content "y" both set layers.a.text.content',
    ],
  ];
  for (const [title, args, message] of cases) {
    it(`refuses ${title}`, async () => {
      const { code, stderr, requests } = await refused(args);
      expect(stderr).toContain(message);
      expect(code).toBe(2);
      expect(requests).toHaveLength(0);
    });
  }

  it('refuses an empty emulator option instead of listening on every interface', async () => {
    const { code, stderr } = await runInProcess(['emulator', '--host', '', '--port', '']);
    expect(stderr).toContain('photoroom: --host: empty value');
    expect(stderr).toContain('photoroom: --port: empty value');
    expect(code).toBe(2);
  });

  it('refuses a parameter given twice in one config section', async () => {
    const project = await tempDir();
    await writeFile(
      path.join(project, '.photoroomrc.json'),
      JSON.stringify({ edit: { background: { color: 'white' }, 'background.color': 'red' } }),
    );
    const { code, stderr, requests } = await refused(['edit', shoe], project);
    expect(stderr).toContain(
      '.photoroomrc.json: edit.background.color "white" and .photoroomrc.json: edit.background.color "red" both set background.color',
    );
    expect(code).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('reads a boolean spelling after a boolean flag as its value, not as an input', async () => {
    const project = await tempDir();
    await mkdir(path.join(project, 'no'));
    await copyFile(shoe, path.join(project, 'no', 'other.png'));
    await copyFile(shoe, path.join(project, 'shoe.png'));
    const { code, requests } = await runAndCapture(['edit', 'shoe.png', '--removeBackground', 'no'], { cwd: project });
    expect(code).toBe(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.fields).toEqual([imageField('imageFile', 'shoe.png'), ['removeBackground', 'false']]);
  });

  it('sends a seed beyond 2^53 with every digit', async () => {
    const args = [
      'edit',
      shoe,
      '-o',
      await tempDir(),
      '--background.prompt',
      'x',
      '--background.seed',
      '9007199254740993',
    ];
    const { code, requests } = await runAndCapture(args);
    expect(code).toBe(0);
    expect(requests[0]?.fields).toContainEqual(['background.seed', '9007199254740993']);
  });
});

describe('exit codes for API refusals', () => {
  it('exits 3 when the credits are gone (402)', async () => {
    const broke = await recordingEmulator({ echo: true, credits: 0 });
    try {
      const result = await runInProcess(['edit', shoe, '-o', await tempDir(), '--yes'], { env: emulatorEnv(broke) });
      expect(result.stderr).toContain('HTTP 402: Not enough credits');
      expect(result.code).toBe(3);
    } finally {
      await broke.close();
    }
  });

  it('exits 3 when the key is refused (403)', async () => {
    const strict = await recordingEmulator({ echo: true, apiKey: 'the_right_key' });
    try {
      const result = await runInProcess(['edit', shoe, '-o', await tempDir()], {
        env: emulatorEnv(strict, 'a_wrong_key'),
      });
      expect(result.stderr).toContain('HTTP 403: the API key was refused');
      expect(result.stderr).not.toContain('a_wrong_key');
      expect(result.code).toBe(3);
    } finally {
      await strict.close();
    }
  });

  it('exits 1 when the input failed on the server side', async () => {
    const failing = await recordingEmulator({ echo: true, failRate: 1 });
    try {
      const result = await runInProcess(['edit', shoe, '-o', await tempDir(), '--retries', '0', '--yes'], {
        env: emulatorEnv(failing),
      });
      expect(result.stderr).toMatch(/HTTP 50[023]/);
      expect(result.code).toBe(1);
    } finally {
      await failing.close();
    }
  });
});

describe('photoroom account', () => {
  it('prints plan and images, and a notice for sandbox keys', async () => {
    const limited = await recordingEmulator({ credits: 5 });
    try {
      const text = await runInProcess(['account'], { env: emulatorEnv(limited, 'sandbox_abc') });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('Plan:          emulator');
      expect(text.stdout).toContain('Available:     5 images');
      expect(text.stdout).toContain('sandbox key');
      const json = await runInProcess(['account', '--json'], { env: emulatorEnv(limited) });
      expect(JSON.parse(json.stdout)).toEqual({
        plan: 'emulator',
        images: { available: 5, subscription: 5 },
        sandbox: false,
      });
      expect(limited.requests.map((r) => [r.method, r.path])).toEqual([
        ['GET', '/v2/account'],
        ['GET', '/v2/account'],
      ]);
    } finally {
      await limited.close();
    }
  });
});

describe('photoroom params', () => {
  it('prints every row of the table as JSON, filterable by endpoint', async () => {
    const all = JSON.parse((await runInProcess(['params', '--json'])).stdout) as {
      name: string;
      endpoints: string[];
    }[];
    // How many rows the contract makes is params-table.test.ts's to say.
    expect(all).toHaveLength(PARAMS.length);
    expect(all.find((p) => p.name === 'virtualModel.additionalProductImages')).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 4,
    });
    expect(all.find((p) => p.name === 'editWithAI.additionalImages.{key}.imageUrl')).toMatchObject({
      methods: ['GET'],
      flag: '--editWithAI.additionalImages.<key>.imageUrl',
    });
    const padding = all.find((p) => p.name === 'padding');
    expect(padding).toMatchObject({ endpoints: ['edit'], type: 'number|string', default: 0, flag: '--padding' });
    expect(all.find((p) => p.name === 'background.blur.radius')).toMatchObject({ exclusiveMinimum: 0, maximum: 0.05 });
    const segment = JSON.parse((await runInProcess(['params', '--json', '--endpoint', 'segment'])).stdout) as unknown[];
    expect(segment).toHaveLength(7);
  });

  it('exits 2 on a usage error', async () => {
    const result = await runInProcess(['params', '--endpoint', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("argument 'nope' is invalid");
  });
});
