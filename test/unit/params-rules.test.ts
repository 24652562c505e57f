import { describe, expect, it } from 'vitest';
import { buildParamSet, type RawParam } from '../../src/params/paramset.js';
import type { RuleContext } from '../../src/params/rules.js';

const POST: RuleContext = { method: 'POST', hasInputImage: true };
const GET: RuleContext = { method: 'GET', hasInputImage: true };

function flags(values: Record<string, string>): RawParam[] {
  return Object.entries(values).map(([name, value]) => ({ name, value, source: `--${name}` }));
}

function problemsOf(values: Record<string, string>, context: RuleContext = POST): string[] {
  return buildParamSet('edit', flags(values), context).problems;
}

describe('cross-field rules', () => {
  it('accepts one background source at a time', () => {
    expect(problemsOf({ 'background.imageUrl': 'https://a.test/bg.jpg' }, GET)).toEqual([]);
    expect(problemsOf({ 'background.imageFile': 'bg.jpg' })).toEqual([]);
    expect(problemsOf({ 'background.prompt': 'on a beach' })).toEqual([]);
  });

  it('refuses background.imageUrl, background.imageFile and background.prompt together', () => {
    const problems = problemsOf(
      { 'background.imageUrl': 'https://a.test/bg.jpg', 'background.prompt': 'on a beach' },
      GET,
    );
    expect(problems).toEqual([
      '--background.imageUrl and --background.prompt cannot be used together: give only one of background.imageUrl, background.imageFile, background.prompt',
    ]);
    expect(problemsOf({ 'background.imageFile': 'bg.jpg', 'background.prompt': 'x' })).toHaveLength(1);
  });

  it('allows maxWidth and maxHeight only with outputSize originalImage or croppedSubject', () => {
    expect(problemsOf({ maxWidth: '500', outputSize: 'originalImage' })).toEqual([]);
    expect(problemsOf({ maxHeight: '500', outputSize: 'croppedSubject' })).toEqual([]);
    expect(problemsOf({ maxWidth: '500' })).toEqual([
      '--maxWidth can only be used with outputSize originalImage or croppedSubject; it is not set (default auto)',
    ]);
    expect(problemsOf({ maxHeight: '500', outputSize: '800x800' })).toEqual([
      '--maxHeight can only be used with outputSize originalImage or croppedSubject; it is 800x800',
    ]);
  });

  it('allows background.scaling only with a background image', () => {
    expect(problemsOf({ 'background.scaling': 'fit', 'background.imageUrl': 'https://a.test/bg.jpg' }, GET)).toEqual(
      [],
    );
    expect(problemsOf({ 'background.scaling': 'fit', 'background.imageFile': 'bg.jpg' })).toEqual([]);
    expect(problemsOf({ 'background.scaling': 'fit' })).toEqual([
      '--background.scaling can only be used with background.imageUrl or background.imageFile',
    ]);
    expect(problemsOf({ 'background.scaling': 'fit', 'background.prompt': 'x' })).toHaveLength(1);
  });

  it('refuses what needs background removal when removeBackground is false', () => {
    const refused = problemsOf(
      {
        removeBackground: 'false',
        'background.color': 'white',
        referenceBox: 'originalImage',
        ignorePaddingAndSnapOnCroppedSides: 'false',
        'background.imageUrl': 'https://a.test/bg.jpg',
        'background.guidance.imageUrl': 'https://a.test/g.jpg',
      },
      GET,
    );
    expect(refused).toHaveLength(4);
    expect(refused[0]).toBe(
      '--background.imageUrl cannot be used with --removeBackground false (the background is kept)',
    );
    expect(problemsOf({ removeBackground: 'true', 'background.color': 'white' })).toEqual([]);
    // The live contract: "When removeBackground is set to false, the color will be used to fill
    // padding areas created by outputSize and any transparent areas" (the seed refused it).
    expect(problemsOf({ removeBackground: 'false', 'background.color': 'white', outputSize: '1000x1000' })).toEqual([]);
    expect(problemsOf({ removeBackground: 'false', padding: '0.1', 'export.format': 'jpeg' })).toEqual([]);
  });

  it('refuses files on a URL input, since GET cannot carry them', () => {
    expect(problemsOf({ 'background.imageFile': 'bg.jpg' }, GET)).toEqual([
      '--background.imageFile uploads a local file, which a URL input (GET /v2/edit) cannot carry; use a URL parameter or a local input file',
    ]);
    expect(problemsOf({ 'background.guidance.imageFile': 'g.jpg', 'background.prompt': 'x' }, GET)).toHaveLength(1);
    expect(problemsOf({ 'background.imageUrl': 'https://a.test/bg.jpg' }, GET)).toEqual([]);
  });

  it('refuses the URL twins of the background files on an upload: the POST form lacks them', () => {
    expect(problemsOf({ 'background.imageUrl': 'https://a.test/bg.jpg' })).toEqual([
      '--background.imageUrl is only accepted by GET /v2/edit, for URL inputs; with a local input file, download it and use the file parameter (background.imageFile)',
    ]);
    expect(
      problemsOf({ 'background.guidance.imageUrl': 'https://a.test/g.jpg', 'background.prompt': 'x' }),
    ).toHaveLength(1);
  });

  it('allows scaling only when there is an input image', () => {
    expect(problemsOf({ scaling: 'fill' })).toEqual([]);
    expect(problemsOf({ scaling: 'fill' }, { hasInputImage: false })).toEqual([
      '--scaling can only be used with an input image',
    ]);
  });

  it('takes colorSpace original with what a pure background removal to PNG is made of, and nothing else', () => {
    const pure = {
      colorSpace: 'original',
      removeBackground: 'true',
      'export.format': 'png',
      keepExistingAlphaChannel: 'never',
      preserveMetadata: 'xmp',
      'segmentation.mode': 'keepSalientObject',
      'segmentation.prompt': 'the mug',
      'segmentation.negativePrompt': 'the hand',
    };
    expect(problemsOf(pure)).toEqual([]);
    expect(problemsOf({ colorSpace: 'original' }, GET)).toEqual([]);
    // A field the table does not know (--param) is left to the API, which ignores it.
    const unknown = { name: 'future.flag', value: 'x', source: '--param future.flag', passThrough: true };
    expect(buildParamSet('edit', [...flags(pure), unknown], POST).problems).toEqual([]);
    // Values of those parameters that are another operation, named as given.
    const refusedValues: [string, string][] = [
      ['removeBackground', 'false'],
      ['export.format', 'webp'],
      ['keepExistingAlphaChannel', 'auto'],
      ['preserveMetadata', 'exifSubsetWithXmpCompatibility'],
    ];
    for (const [name, value] of refusedValues) {
      expect(problemsOf({ ...pure, [name]: value })).toEqual([
        `--colorSpace original keeps the input's colour profile only for a pure background removal to PNG; --${name} ${value} is another operation`,
      ]);
    }
    expect(problemsOf({ ...pure, padding: '0.1' })).toHaveLength(1);
  });

  it.each([
    ['padding', '0.1'],
    ['paddingLeft', '10px'],
    ['outputSize', '500x500'],
    ['margin', '10%'],
    ['scaling', 'fill'],
    ['horizontalAlignment', 'left'],
    ['referenceBox', 'originalImage'],
    ['lighting.mode', 'ai.auto'],
    ['upscale.mode', 'ai.fast'],
    ['outline.color', 'red'],
    ['textRemoval.mode', 'ai.all'],
    ['beautify.mode', 'ai.auto'],
    ['expand.mode', 'ai.auto'],
    ['uncrop.mode', 'ai.auto'],
    ['editWithAI.mode', 'ai.auto'],
    ['ghostMannequin.mode', 'ai.auto'],
    ['templateId', '4b3c2a10-1d2e-4f50-8a6b-7c8d9e0f1a2b'],
    ['layers.logo.text.content', 'Sale'],
  ])('refuses colorSpace original with --%s %s, another operation than a pure background removal', (name, value) => {
    expect(problemsOf({ colorSpace: 'original', [name]: value })).toContain(
      `--colorSpace original keeps the input's colour profile only for a pure background removal to PNG; --${name} ${value} is another operation`,
    );
  });

  it('holds shadow.mode to the AI Shadows model the pr-ai-shadows-model-version header chooses', () => {
    const model = (value: string): RuleContext => ({
      ...POST,
      headers: { 'pr-ai-shadows-model-version': { value, source: '--ai-shadows-model-version' } },
    });
    for (const mode of ['ai.soft', 'ai.hard', 'ai.floating']) {
      expect(problemsOf({ 'shadow.mode': mode }, model('2026-04-15'))).toEqual([
        `--shadow.mode ${mode} does not work with the 2026-04-15 AI Shadows model, which --ai-shadows-model-version 2026-04-15 chooses`,
      ]);
    }
    for (const mode of ['ai.preset-soft', 'ai.preset-hard', 'ai.auto-with-overrides']) {
      expect(problemsOf({ 'shadow.mode': mode }, model('2026-04-15'))).toEqual([]);
      expect(problemsOf({ 'shadow.mode': mode }, model('2'))).toEqual([
        `--shadow.mode ${mode} works only with the 2026-04-15 AI Shadows model; --ai-shadows-model-version 2 chooses another`,
      ]);
    }
    // Legacy models are not listed: ai.soft and ai.hard are refused only with the one the contract names.
    expect(problemsOf({ 'shadow.mode': 'ai.soft' }, model('2'))).toEqual([]);
    expect(problemsOf({ 'shadow.mode': 'ai.floating' }, model('2'))).toEqual([]);
    // No header: the contract names no default model, so nothing is refused.
    for (const mode of ['ai.soft', 'ai.preset-soft']) expect(problemsOf({ 'shadow.mode': mode })).toEqual([]);
  });

  it('keeps a template layer either text or image, with the prompts its sub-objects need', () => {
    const layer = (values: Record<string, string>) =>
      buildParamSet(
        'edit',
        Object.entries(values).map(([name, value]) => ({ name: `layers.${name}`, value, source: `--layers.${name}` })),
        POST,
      ).problems;
    expect(layer({ 'logo.image.imageUrl': 'https://a.test/logo.png', 'title.text.content': 'Sale' })).toEqual([]);
    expect(layer({ 'logo.image.imageUrl': 'https://a.test/l.png', 'logo.text.content': 'x' })).toEqual([
      'layer "logo" mixes text.* and image.* fields; a layer is one or the other',
    ]);
    expect(layer({ 'p.image.segmentation.mode': 'keepSalientObject' })).toEqual([
      'layer "p": --layers.p.image.segmentation.mode needs --layers.p.image.segmentation.prompt',
    ]);
    expect(
      layer({ 'p.image.segmentation.mode': 'keepSalientObject', 'p.image.segmentation.prompt': 'the cup' }),
    ).toEqual([]);
    expect(layer({ 'g.image.imageFromPrompt.seed': '4' })).toHaveLength(1);
    expect(layer({ 'x.image.nope': '1' })[0]).toMatch(
      /^--layers.x.image.nope: unknown template layer field "image.nope"/,
    );
  });
});

describe('building a parameter set', () => {
  it('lets a later source win over an earlier one', () => {
    const built = buildParamSet(
      'edit',
      [
        { name: 'padding', value: 0.2, source: '.photoroomrc: edit.padding' },
        { name: 'padding', value: '10%', source: '--padding' },
      ],
      POST,
    );
    expect(built.params.get('padding')).toBe('10%');
    expect(built.params.entry('padding')?.source).toBe('--padding');
  });

  it('names the source, the value and what is allowed in each problem', () => {
    expect(problemsOf({ 'export.format': 'bmp' })).toEqual([
      '--export.format: invalid value "bmp"; expected one of png, jpeg, jpg, webp, avif',
    ]);
    expect(problemsOf({ padding: '60%' })[0]).toBe(
      '--padding: invalid value "60%"; expected a ratio from 0 to 0.49, a percentage from "0%" to "49%", or pixels such as "100px"',
    );
    expect(problemsOf({ 'export.dpi': '50' })).toEqual([
      '--export.dpi: invalid value "50"; expected a number from 72 to 1200',
    ]);
    expect(problemsOf({ 'background.blur.radius': '0' })).toEqual([
      '--background.blur.radius: invalid value "0"; expected a number above 0 and at most 0.05',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ padding: '2', margin: 'x', 'shadow.mode': 'soft' })).toHaveLength(3);
  });

  it('keeps 0 and false as real values', () => {
    const built = buildParamSet(
      'edit',
      flags({ padding: '0', removeBackground: 'false', 'background.guidance.scale': '0' }),
      POST,
    );
    expect(built.problems).toEqual([]);
    expect(built.params.get('padding')).toBe(0);
    expect(built.params.get('removeBackground')).toBe(false);
    expect(built.params.get('background.guidance.scale')).toBe(0);
  });

  it('refuses parameters of the other endpoint and unknown names, but passes --param through with a warning', () => {
    expect(buildParamSet('segment', flags({ padding: '0.1' }), POST).problems).toEqual([
      '--padding: "padding" is a /v2/edit parameter, not a /v1/segment one',
    ]);
    expect(problemsOf({ paddding: '0.1' })[0]).toMatch(/unknown parameter "paddding"/);
    const passed = buildParamSet(
      'edit',
      [{ name: 'future.mode', value: 'x', source: '--param future.mode', passThrough: true }],
      POST,
    );
    expect(passed.problems).toEqual([]);
    expect(passed.warnings).toEqual([
      '--param future.mode: "future.mode" is not a known /v2/edit parameter; sending it as given',
    ]);
    expect(passed.params.entry('future.mode')?.value).toBe('x');
  });

  it('sends through --param a value the table does not know for a known parameter, with one warning naming the contract date', () => {
    const given = {
      name: 'shadow.mode',
      value: 'ai.preset-medium',
      source: '--param shadow.mode',
      passThrough: true,
      sendUnknownValue: true,
    };
    const built = buildParamSet('edit', [given], POST);
    expect(built.problems).toEqual([]);
    expect(built.warnings).toEqual([
      '--param shadow.mode: "ai.preset-medium" is not a value the table knows (2026-06-22 contract; expected one of ai.soft, ai.hard, ai.floating, ai.preset-soft, ai.preset-hard, ai.auto-with-overrides); sending it as given',
    ]);
    expect(built.params.entry('shadow.mode')?.value).toBe('ai.preset-medium');
    // The flag, and a config file, still refuse it.
    expect(problemsOf({ 'shadow.mode': 'ai.preset-medium' })[0]).toMatch(
      /^--shadow.mode: invalid value "ai.preset-medium"/,
    );
  });

  it('validates a known name given through --param like its flag', () => {
    const built = buildParamSet(
      'edit',
      [{ name: 'padding', value: '0.9', source: '--param padding', passThrough: true }],
      POST,
    );
    expect(built.problems).toHaveLength(1);
  });

  it('refuses the input image as a parameter', () => {
    expect(problemsOf({ imageUrl: 'https://a.test/x.png' })[0]).toMatch(/is the input image itself/);
  });
});

describe('suggestions for near misses', () => {
  it('suggests the value a typo was probably meant to be', () => {
    expect(problemsOf({ 'background.color': 'whte' })[0]).toMatch(/; did you mean "white"\?$/);
    expect(problemsOf({ 'shadow.mode': 'ai.sft' })[0]).toMatch(/; did you mean "ai.soft"\?$/);
    expect(problemsOf({ 'shadow.mode': 'soft' })[0]).toMatch(/; did you mean "ai.soft"\?$/);
    expect(problemsOf({ 'export.format': 'bmp' })[0]).not.toContain('did you mean');
  });
});
