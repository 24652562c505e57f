/**
 * The built-in presets (src/presets/table.ts), the config file's own (src/config/presets.ts),
 * and how a preset's parameters join the request (src/config/settings.ts): the lowest
 * precedence, an override warned once, a parameter that breaks a check refused.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPresets } from '../../src/config/presets.js';
import { resolveCommandSettings } from '../../src/config/settings.js';
import { UserError } from '../../src/errors.js';
import { buildParamSet, type RawParam } from '../../src/params/paramset.js';
import { presetAdvisories, presetContradictions } from '../../src/presets/contradictions.js';
import { builtInPreset, PRESETS } from '../../src/presets/table.js';
import { CHECK_NAMES, type Preset } from '../../src/presets/types.js';

const paramsOf = (preset: Preset) =>
  buildParamSet(
    'edit',
    Object.entries(preset.params).map(([name, value]) => ({ name, value, source: name })),
    { hasInputImage: true },
  );

describe('the built-in presets', () => {
  it('are the six marketplaces of issue 20', () => {
    expect(PRESETS.map((preset) => preset.name)).toEqual(['amazon', 'walmart', 'shopify', 'ebay', 'google', 'etsy']);
  });

  it.each(PRESETS.map((preset) => [preset.name, preset] as const))(
    "%s: its parameters pass the table's validation for edit, and its own checks",
    (_name, preset) => {
      const built = paramsOf(preset);
      expect(built.problems).toEqual([]);
      expect(built.warnings).toEqual([]);
      expect(built.params.size).toBe(Object.keys(preset.params).length);
      expect(presetContradictions(preset, built.params)).toEqual([]);
    },
  );

  it.each(PRESETS.map((preset) => [preset.name, preset] as const))(
    '%s: every check has a figure and a source',
    (_name, preset) => {
      expect(Object.keys(preset.checks).length).toBeGreaterThan(0);
      for (const name of CHECK_NAMES) {
        const check = preset.checks[name];
        if (!check) continue;
        expect(check.figure, name).toBeDefined();
        expect(check.source.length, name).toBeGreaterThan(10);
      }
    },
  );

  it('gives every preset with a fill rule a padding that meets it on a square output, kept on cropped sides', () => {
    const withFill = PRESETS.filter((preset) => preset.checks.minFill ?? preset.checks.maxFill);
    expect(withFill.map((preset) => preset.name)).toEqual(['amazon', 'google']);
    for (const preset of withFill) {
      const padding = Number(preset.params.padding);
      const fill = 1 - 2 * padding;
      expect(fill, preset.name).toBeGreaterThanOrEqual(preset.checks.minFill?.figure ?? 0);
      expect(fill, preset.name).toBeLessThanOrEqual(preset.checks.maxFill?.figure ?? 1);
      expect(preset.params.scaling, preset.name).toBe('fit');
      expect(preset.params.ignorePaddingAndSnapOnCroppedSides, preset.name).toBe(false);
      const [width, height] = String(preset.params.outputSize).split('x');
      expect(width, preset.name).toBe(height);
    }
  });

  it('sets the background colour its background check wants', () => {
    for (const preset of PRESETS.filter((candidate) => candidate.checks.background)) {
      expect(preset.params['background.color'], preset.name).toBe(preset.checks.background?.figure.color);
    }
  });
});

describe('a parameter that breaks a check', () => {
  const amazon = PRESETS.find((preset) => preset.name === 'amazon')!;
  const google = PRESETS.find((preset) => preset.name === 'google')!;
  const walmart = PRESETS.find((preset) => preset.name === 'walmart')!;
  const problemsWith = (preset: Preset, raws: RawParam[]) =>
    presetContradictions(preset, buildParamSet('edit', raws, { hasInputImage: true }).params);

  it('is refused, naming the flag, the preset and the source of the figure', () => {
    expect(problemsWith(amazon, [{ name: 'padding', value: 0.1, source: '--padding' }])).toEqual([
      '--padding 0.1 cannot be used with --preset amazon: the product must fill 85% of the frame or more, and this leaves it 80% (Amazon Seller Central, product image requirements (main image), as stated in issue 20)',
    ]);
    expect(problemsWith(amazon, [{ name: 'export.format', value: 'webp', source: '--format' }])).toEqual([
      expect.stringMatching(/^--format webp cannot be used with --preset amazon: its format must be one of jpeg, png/),
    ]);
    expect(problemsWith(amazon, [{ name: 'background.color', value: 'lightgrey', source: '--bg' }])).toEqual([
      expect.stringMatching(/^--bg lightgrey cannot be used with --preset amazon: its background must be FFFFFF/),
    ]);
    expect(problemsWith(walmart, [{ name: 'outputSize', value: 'auto', source: '--outputSize' }])).toEqual([
      expect.stringMatching(/^--outputSize auto cannot be used with --preset walmart: its aspect is fixed/),
    ]);
    // Google's fill is a recommendation: a warning, not a refusal.
    const fill = buildParamSet('edit', [{ name: 'scaling', value: 'fill', source: '--scaling' }], {
      hasInputImage: true,
    }).params;
    expect(presetContradictions(google, fill)).toEqual([]);
    expect(presetAdvisories(google, fill)).toEqual([
      expect.stringMatching(
        /^--scaling fill goes against --preset google's recommendation: the product must fill at most 90%/,
      ),
    ]);
  });

  it('is let through when it keeps to the checks, or when they cannot judge it', () => {
    expect(problemsWith(amazon, [{ name: 'padding', value: '7%', source: '--padding' }])).toEqual([]);
    expect(problemsWith(amazon, [{ name: 'padding', value: '200px', source: '--padding' }])).toEqual([]);
    expect(problemsWith(amazon, [{ name: 'background.color', value: 'white', source: '--bg' }])).toEqual([]);
    expect(problemsWith(amazon, [{ name: 'export.format', value: 'jpg', source: '--format' }])).toEqual([]);
    expect(problemsWith(amazon, [{ name: 'paddingLeft', value: 0.07, source: '--paddingLeft' }])).toEqual([]);
    expect(problemsWith(walmart, [{ name: 'outputSize', value: '1600x1600', source: '--size' }])).toEqual([]);
  });
});

const CONFIG = '/project/.photoroomrc';
const config = (values: Record<string, unknown>) => ({ path: CONFIG, values });

describe('presets in a config file', () => {
  it('extend a built-in or another, merging parameters and checks, marked with their file', () => {
    const { presets, problems } = configPresets(
      config({
        presets: {
          tight: { extends: 'myshop', params: { padding: 0.02 } },
          myshop: {
            extends: 'amazon',
            description: 'white, more air',
            params: { padding: 0.07, background: { color: 'white' } },
            checks: { minFill: 0.8, formats: ['jpg'], noText: false },
          },
        },
      }),
    );
    expect(problems).toEqual([]);
    const myshop = presets.find((preset) => preset.name === 'myshop')!;
    expect(myshop.configFile).toBe(CONFIG);
    expect(myshop.params).toMatchObject({ padding: 0.07, 'background.color': 'white', outputSize: '2000x2000' });
    expect(myshop.checks.minFill).toEqual({ figure: 0.8, source: '.photoroomrc: presets.myshop.checks.minFill' });
    expect(myshop.checks.formats?.figure).toEqual(['jpeg']);
    expect(myshop.checks.noText).toBeUndefined();
    expect(myshop.checks.maxLongestSide?.source).toMatch(/^Amazon Seller Central/);
    expect(presets.find((preset) => preset.name === 'tight')?.params).toMatchObject({
      padding: 0.02,
      'background.color': 'white',
    });
  });

  it.each([
    [{ myshop: { extend: 'amazon' } }, '.photoroomrc: presets.myshop.extend: unknown key; did you mean "extends"?'],
    [
      { myshop: { params: { paddding: 0.1 } } },
      /^\.photoroomrc: presets\.myshop\.params\.paddding: unknown parameter; did you mean "padding"\?/,
    ],
    [{ myshop: { params: { padding: 0.7 } } }, /^\.photoroomrc: presets\.myshop\.params\.padding: invalid value 0\.7/],
    [
      { myshop: { checks: { minFil: 0.8 } } },
      '.photoroomrc: presets.myshop.checks.minFil: unknown check; did you mean "minFill"?',
    ],
    [
      { myshop: { checks: { minFill: 85 } } },
      /^\.photoroomrc: presets\.myshop\.checks\.minFill: invalid value 85; expected a share/,
    ],
    [
      { myshop: { checks: { bitDepth: 12 } } },
      '.photoroomrc: presets.myshop.checks.bitDepth: invalid value 12; expected 8 or 16',
    ],
    [
      { myshop: { checks: { colorSpace: 'cmyk' } } },
      '.photoroomrc: presets.myshop.checks.colorSpace: invalid value "cmyk"; expected rgb',
    ],
    [
      { myshop: { checks: { noBorder: 'yes' } } },
      '.photoroomrc: presets.myshop.checks.noBorder: invalid value "yes"; expected true',
    ],
    [
      { myshop: { extends: 'amazn' } },
      '.photoroomrc: presets.myshop.extends: unknown preset "amazn"; did you mean "amazon"?',
    ],
    [{ a: { extends: 'b' }, b: { extends: 'a' } }, '.photoroomrc: presets.b.extends: a → b → a goes round in a circle'],
    [{ amazon: { params: { padding: 0.01 } } }, /^\.photoroomrc: presets\.amazon: amazon is a built-in preset/],
  ] as const)('refuses %j', (presets, problem) => {
    expect(configPresets(config({ presets })).problems).toEqual([
      typeof problem === 'string' ? problem : expect.stringMatching(problem),
    ]);
  });
});

describe('a preset in the request', () => {
  async function settingsFor(
    options: { preset?: string; flagParams?: RawParam[]; rc?: string; env?: Record<string, string> } = {},
  ) {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-preset-'));
    if (options.rc) await writeFile(path.join(folder, '.photoroomrc'), options.rc);
    return resolveCommandSettings(
      {
        command: 'edit',
        flags: options.preset ? { preset: options.preset } : {},
        flagParams: options.flagParams ?? [],
        env: options.env ?? {},
        cwd: folder,
        contexts: [{ method: 'POST', hasInputImage: true }],
      },
      'edit',
    );
  }

  it("sends the preset's parameters when nothing else sets them", async () => {
    const settings = await settingsFor({ preset: 'amazon' });
    // Every parameter of the table's amazon row, and nothing else.
    expect(Object.fromEntries(settings.params.values())).toEqual(builtInPreset('amazon')?.params);
    expect(settings.warnings).toEqual([]);
  });

  it('takes a flag and the config file over the preset, and says so once per parameter', async () => {
    const settings = await settingsFor({
      preset: 'amazon',
      flagParams: [{ name: 'padding', value: '0.06', source: '--padding' }],
      rc: 'edit:\n  padding: 0.07\n  export:\n    format: png\n',
    });
    expect(settings.params.get('padding')).toBe(0.06);
    expect(settings.params.get('export.format')).toBe('png');
    expect(settings.warnings).toEqual([
      "--padding 0.06 overrides amazon's padding 0.05",
      ".photoroomrc: edit.export.format png overrides amazon's export.format jpeg",
    ]);
  });

  it('takes the preset from PHOTOROOM_PRESET or the config file, and a config preset that extends one', async () => {
    const fromEnv = await settingsFor({ env: { PHOTOROOM_PRESET: 'walmart' } });
    expect(fromEnv.params.get('outputSize')).toBe('2200x2200');
    const mine = await settingsFor({
      rc: 'preset: myshop\npresets:\n  myshop:\n    extends: amazon\n    params: { padding: 0.07 }\n',
    });
    expect(mine.params.get('padding')).toBe(0.07);
    expect(mine.params.get('background.color')).toBe('FFFFFF');
    expect(mine.warnings).toEqual([]);
  });

  const refusals: [string, Parameters<typeof settingsFor>[0], unknown[]][] = [
    [
      'an unknown preset, with a did-you-mean',
      { preset: 'amazn' },
      ['--preset "amazn": unknown preset; did you mean "amazon"? (`photoroom presets` lists them)'],
    ],
    [
      'background removal turned off under a background colour',
      { preset: 'amazon', flagParams: [{ name: 'removeBackground', value: 'false', source: '--removeBackground' }] },
      [
        "amazon's ignorePaddingAndSnapOnCroppedSides cannot be used with --removeBackground false (the background is kept)",
        expect.stringMatching(
          /^--removeBackground false cannot be used with --preset amazon: its background must be FFFFFF/,
        ),
      ],
    ],
    [
      "a format the config preset's check does not take",
      {
        preset: 'myshop',
        rc: 'presets:\n  myshop:\n    extends: ebay\n    checks: { formats: [jpeg] }\n',
        flagParams: [{ name: 'export.format', value: 'png', source: '--export.format' }],
      },
      [
        '--export.format png cannot be used with --preset myshop: its format must be one of jpeg (.photoroomrc: presets.myshop.checks.formats)',
      ],
    ],
  ];
  it.each(refusals)('refuses %s', async (_case, options, problems) => {
    const refused = await settingsFor(options).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).problems).toEqual(problems);
  });
});
