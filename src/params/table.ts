/**
 * THE parameter table: every parameter of GET/POST `/v2/edit` and POST `/v1/segment`, once.
 * Flags, `--help`, parsing, validation, encoding, `photoroom params` and the emulator's
 * acceptance rules are all derived from these rows. Enums and bounds come from the GET
 * twin of `/v2/edit` in the contract (the POST form restates the same parameters untyped).
 */
import type { LayerFieldSpec, ParamSpec } from './types.js';

const LENGTH_HELP = 'a ratio 0–0.49, a percentage "0%"–"49%" or pixels "100px"';
const ALIGN_H = ['left', 'center', 'right'] as const;
const ALIGN_V = ['top', 'center', 'bottom'] as const;
const IMAGE_SIZES = ['LANDSCAPE_16_9', 'LANDSCAPE_4_3', 'PORTRAIT_16_9', 'PORTRAIT_4_3', 'SQUARE_HD'] as const;
const SEGMENTATION_MODES = ['keepSalientObject', 'ignoreSalientObject'] as const;
/** Sizes of the fashion generators (flat lay, ghost mannequin, virtual model). */
const HD_SIZES = [
  'PORTRAIT_HD_16_9',
  'PORTRAIT_HD_4_3',
  'PORTRAIT_HD_3_2',
  'SQUARE_HD',
  'LANDSCAPE_HD_3_2',
  'LANDSCAPE_HD_4_3',
  'LANDSCAPE_HD_16_9',
] as const;
const SHADOW_OVERRIDE = 'needs shadow.mode ai.auto-with-overrides (2026-04-15 shadow model)';

/** The date of the contract the table follows: Photoroom's OpenAPI document as served that day. */
export const CONTRACT_DATE = '2026-06-22';

/** A key the user chooses inside a parameter name, as the contract writes it (`editWithAI.additionalImages.{key}.imageUrl`). */
export const KEY = '{key}';

const SIDES = ['Top', 'Right', 'Bottom', 'Left'] as const;

/** The three rows of a fashion generator that takes a mode, a prompt and a size. */
function fashionGenerator<Base extends 'flatLay' | 'ghostMannequin'>(base: Base, what: string, example: string) {
  return [
    {
      name: `${base}.mode` as const,
      endpoints: ['edit'] as const,
      kind: 'enum' as const,
      enum: ['ai.auto'] as const,
      group: 'Fashion',
      description: `ai.auto turns the garment photo into ${what}.`,
    },
    {
      name: `${base}.prompt` as const,
      endpoints: ['edit'] as const,
      kind: 'string' as const,
      group: 'Fashion',
      description: `Optional prompt guiding the style of the ${what}.`,
      example,
    },
    {
      name: `${base}.size` as const,
      endpoints: ['edit'] as const,
      kind: 'enum' as const,
      enum: HD_SIZES,
      default: 'SQUARE_HD',
      group: 'Fashion',
      description: `Size of the generated ${what}.`,
    },
  ];
}

/** A virtual model's person or scene: a preset by name, or a custom image (URL, or a file on POST). */
function virtualModelChoice<Part extends 'model' | 'scene'>(
  part: Part,
  presets: readonly string[],
  preset: string,
  what: string,
) {
  const base = `virtualModel.${part}` as const;
  return [
    {
      name: `${base}.preset.name` as const,
      endpoints: ['edit'] as const,
      kind: 'enum' as const,
      enum: presets,
      default: preset,
      group: 'Fashion',
      description: `Preset ${what} of the virtual model.`,
    },
    {
      name: `${base}.custom.imageUrl` as const,
      endpoints: ['edit'] as const,
      kind: 'url' as const,
      group: 'Fashion',
      description: `URL of a custom ${what} image, instead of a preset.`,
    },
    {
      name: `${base}.custom.imageFile` as const,
      endpoints: ['edit'] as const,
      methods: ['POST'] as const,
      kind: 'file' as const,
      group: 'Fashion',
      description: `Local custom ${what} image, instead of a preset (POST only).`,
    },
  ];
}

/** Shadow overrides that take degrees or a named preset. */
function shadowAngle<Name extends string>(name: Name, presets: readonly string[], what: string) {
  return {
    name,
    endpoints: ['edit'] as const,
    kind: 'numberOrPreset' as const,
    enum: presets,
    group: 'AI features',
    description: `${what}, in degrees or a preset; ${SHADOW_OVERRIDE}.`,
  };
}

/** Per-side margin and padding rows, which differ only by side. */
function sideLengths<Base extends 'margin' | 'padding'>(base: Base) {
  return SIDES.map((side) => ({
    name: `${base}${side}` as const,
    endpoints: ['edit'] as const,
    kind: 'length' as const,
    group: 'Layout',
    description: `${side} ${base}, overrides ${base} on that side: ${LENGTH_HELP}`,
  }));
}

const TABLE = [
  // ── Input: the image itself; never a flag, it is the command's argument ──
  {
    name: 'imageFile',
    endpoints: ['edit'],
    methods: ['POST'],
    kind: 'image',
    flag: null,
    pureBackgroundRemoval: true,
    group: 'Input',
    description: 'The uploaded image (POST), up to 30 MB: a file argument.',
  },
  {
    name: 'imageUrl',
    endpoints: ['edit'],
    methods: ['GET'],
    kind: 'image',
    flag: null,
    pureBackgroundRemoval: true,
    group: 'Input',
    description: 'URL of the image (GET), up to 30 MB: a URL argument.',
  },
  {
    name: 'image_file',
    endpoints: ['segment'],
    kind: 'image',
    flag: null,
    group: 'Input',
    description: 'The uploaded image for background removal, up to 50 MB: a file argument.',
  },

  // ── Background ──
  {
    name: 'removeBackground',
    endpoints: ['edit'],
    kind: 'boolean',
    default: true,
    pureBackgroundRemoval: true,
    group: 'Background',
    description: 'Remove the background (default); false keeps it.',
  },
  {
    name: 'background.color',
    endpoints: ['edit'],
    kind: 'color',
    default: 'transparent',
    aliases: ['bg'],
    common: true,
    group: 'Background',
    // The seed refused it with removeBackground false; the live contract (2026-06-22) takes it.
    description:
      'Background colour: hex (FF0000, #FF0000EE) or a CSS name; with removeBackground false, fills padding.',
  },
  {
    // The contract lists the URL twins of the background files for GET only: the POST form
    // lacks them, and a field the API does not know is ignored, not refused.
    name: 'background.imageUrl',
    endpoints: ['edit'],
    methods: ['GET'],
    kind: 'url',
    needsBackgroundRemoval: true,
    group: 'Background',
    description: 'URL of an image to use as the background (up to 30 MB).',
  },
  {
    name: 'background.imageFile',
    endpoints: ['edit'],
    methods: ['POST'],
    kind: 'file',
    needsBackgroundRemoval: true,
    group: 'Background',
    description: 'Local image file to use as the background (POST only, up to 30 MB).',
  },
  {
    name: 'background.scaling',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['fit', 'fill'],
    default: 'fill',
    group: 'Background',
    description: 'Fit or fill the background image; needs background.imageUrl or background.imageFile.',
  },
  {
    name: 'background.blur.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['gaussian', 'bokeh'],
    group: 'Background',
    description: 'Blur applied to the background.',
  },
  {
    name: 'background.blur.radius',
    endpoints: ['edit'],
    kind: 'number',
    exclusiveMinimum: 0,
    maximum: 0.05,
    default: 0.01,
    group: 'Background',
    description: 'Blur radius, above 0 and at most 0.05; higher is blurrier.',
  },

  // ── AI background ──
  {
    name: 'background.prompt',
    endpoints: ['edit'],
    kind: 'string',
    aliases: ['bg-prompt'],
    group: 'AI background',
    description: 'Prompt for an AI-generated background; excludes background.imageUrl/imageFile.',
    example: 'a wooden table in soft light',
  },
  {
    name: 'background.negativePrompt',
    endpoints: ['edit'],
    kind: 'string',
    group: 'AI background',
    description: '(Legacy model 2 only) What the generated background should avoid.',
    example: 'people, text, clutter',
  },
  {
    name: 'background.expandPrompt',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto', 'ai.never', 'auto', 'never'],
    aliases: ['background.expandPrompt.mode'],
    group: 'AI background',
    description: 'ai.auto expands background.prompt into a longer one; auto/never are legacy values.',
    // The contract takes `{ mode: "ai.auto" }`, sent as the dotted field `.mode`, or a legacy string.
    objectField: { name: 'background.expandPrompt.mode', values: ['ai.auto', 'ai.never'] },
  },
  {
    name: 'background.seed',
    endpoints: ['edit'],
    kind: 'number',
    group: 'AI background',
    description: 'Seed of the generated background, to get similar results again.',
  },
  {
    name: 'background.guidance.imageUrl',
    endpoints: ['edit'],
    methods: ['GET'],
    kind: 'url',
    needsBackgroundRemoval: true,
    group: 'AI background',
    description: 'URL of an image guiding the generated background (up to 30 MB).',
  },
  {
    name: 'background.guidance.imageFile',
    endpoints: ['edit'],
    methods: ['POST'],
    kind: 'file',
    needsBackgroundRemoval: true,
    group: 'AI background',
    description: 'Local image guiding the generated background (POST only, up to 30 MB).',
  },
  {
    name: 'background.guidance.scale',
    endpoints: ['edit'],
    kind: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.6,
    group: 'AI background',
    description: 'How closely the generated background follows the guidance image, 0 to 1.',
  },

  // ── Layout ──
  {
    name: 'outputSize',
    endpoints: ['edit'],
    kind: 'outputSize',
    pattern: '^(auto|\\d+x\\d+|originalImage|croppedSubject)$',
    default: 'auto',
    aliases: ['size'],
    common: true,
    group: 'Layout',
    description: "Size of the result: the original's, the cropped subject's, or e.g. 1000x1000.",
  },
  {
    name: 'scaling',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['fit', 'fill'],
    default: 'fit',
    group: 'Layout',
    description: 'Whether the subject fits (default) or fills the output.',
  },
  {
    name: 'padding',
    endpoints: ['edit'],
    kind: 'length',
    default: 0,
    common: true,
    group: 'Layout',
    description: `Padding around the subject: ${LENGTH_HELP}.`,
  },
  ...sideLengths('padding'),
  {
    name: 'margin',
    endpoints: ['edit'],
    kind: 'length',
    default: 0,
    group: 'Layout',
    description: `Margin around the subject, never ignored: ${LENGTH_HELP}.`,
  },
  ...sideLengths('margin'),
  {
    name: 'horizontalAlignment',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ALIGN_H,
    group: 'Layout',
    description: 'Horizontal alignment of the subject in its box.',
  },
  {
    name: 'verticalAlignment',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ALIGN_V,
    group: 'Layout',
    description: 'Vertical alignment of the subject in its box.',
  },
  {
    name: 'ignorePaddingAndSnapOnCroppedSides',
    endpoints: ['edit'],
    kind: 'boolean',
    default: true,
    needsBackgroundRemoval: true,
    group: 'Layout',
    description: 'Snap cropped sides of the subject to the edges, ignoring padding there.',
  },
  {
    name: 'referenceBox',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['subjectBox', 'originalImage'],
    default: 'subjectBox',
    needsBackgroundRemoval: true,
    group: 'Layout',
    description: 'Box that padding and margin are measured around.',
  },
  {
    name: 'maxWidth',
    endpoints: ['edit'],
    kind: 'pixels',
    group: 'Layout',
    description: 'Maximum output width; needs outputSize originalImage or croppedSubject.',
  },
  {
    name: 'maxHeight',
    endpoints: ['edit'],
    kind: 'pixels',
    group: 'Layout',
    description: 'Maximum output height; needs outputSize originalImage or croppedSubject.',
  },
  {
    name: 'keepExistingAlphaChannel',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['auto', 'never'],
    default: 'never',
    pureBackgroundRemoval: true,
    group: 'Layout',
    description: "auto: use the image's own transparency as the cutout.",
  },

  // ── Export ──
  {
    name: 'export.format',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['png', 'jpeg', 'jpg', 'webp', 'avif'],
    default: 'png',
    aliases: ['format'],
    common: true,
    pureBackgroundRemoval: true,
    group: 'Export',
    description: 'Output format: png, jpeg/jpg (quality 80), webp or avif (quality 90).',
  },
  {
    name: 'export.dpi',
    endpoints: ['edit'],
    kind: 'number',
    minimum: 72,
    maximum: 1200,
    aliases: ['dpi'],
    group: 'Export',
    description: 'Pixel density of the result, 72 to 1200.',
  },
  {
    name: 'preserveMetadata',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['never', 'xmp', 'exifSubset', 'exifSubsetWithXmpCompatibility'],
    default: 'never',
    pureBackgroundRemoval: true,
    group: 'Export',
    description:
      'Metadata kept from the original: never, xmp, exifSubset (deprecated) or exifSubsetWithXmpCompatibility (EXIF copyright and comment, also as XMP).',
  },
  {
    name: 'colorSpace',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['original', 'sRGB'],
    default: 'sRGB',
    pureBackgroundRemoval: true,
    group: 'Export',
    description:
      "Colour space of the result: sRGB, or original (keeps the input's ICC profile; pure background removal to PNG only).",
  },

  // ── AI features ──
  {
    name: 'shadow.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.soft', 'ai.hard', 'ai.floating', 'ai.preset-soft', 'ai.preset-hard', 'ai.auto-with-overrides'],
    // The contract names no other version and no default model: ai.soft and ai.hard are for
    // "legacy" models, which it does not list, so only 2026-04-15 is refused for them.
    modelBound: {
      header: 'pr-ai-shadows-model-version',
      model: 'AI Shadows',
      version: '2026-04-15',
      onlyWith: ['ai.preset-soft', 'ai.preset-hard', 'ai.auto-with-overrides'],
      notWith: ['ai.soft', 'ai.hard', 'ai.floating'],
    },
    aliases: ['shadow'],
    common: true,
    group: 'AI features',
    description:
      'Generate a shadow: ai.soft, ai.hard (legacy models), ai.floating; ai.preset-soft, ai.preset-hard, ai.auto-with-overrides (2026-04-15 model).',
  },
  shadowAngle(
    'shadow.directionOverride',
    ['behind', 'behindLeft', 'left', 'frontLeft', 'front', 'frontRight', 'right', 'behindRight'],
    'Direction of the shadow (0 behind, 90 left, 180 front, 270 right)',
  ),
  {
    name: 'shadow.intensityOverride',
    endpoints: ['edit'],
    kind: 'number',
    minimum: 0,
    maximum: 1,
    group: 'AI features',
    description: `Darkness of the shadow, 0 faint to 1 dark; ${SHADOW_OVERRIDE}.`,
  },
  {
    name: 'shadow.softnessOverride',
    endpoints: ['edit'],
    kind: 'number',
    minimum: 0,
    maximum: 1,
    group: 'AI features',
    description: `Softness of the shadow, 0 hard to 1 soft; ${SHADOW_OVERRIDE}.`,
  },
  shadowAngle(
    'shadow.spreadOverride',
    ['short', 'medium', 'long'],
    'Spread of the shadow (short 10, medium 45, long 90)',
  ),
  shadowAngle('shadow.subjectPoseOverride', ['flatlay', 'upright'], 'Pose of the subject (flatlay 0, upright 90)'),
  {
    name: 'lighting.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto', 'ai.preserve-hue-and-saturation', 'ai.optimize-portrait'],
    group: 'AI features',
    description: 'Relight the subject automatically; ai.optimize-portrait for portraits.',
  },
  {
    name: 'outline.color',
    endpoints: ['edit'],
    kind: 'color',
    group: 'Outline',
    description: 'Colour of an outline around the subject: hex (FF0000, FF0000EE) or a CSS name.',
  },
  {
    name: 'outline.width',
    endpoints: ['edit'],
    kind: 'number',
    minimum: 0,
    maximum: 0.1,
    default: 0.03,
    group: 'Outline',
    description: 'Width of the outline as a ratio of the image size, 0 to 0.1 (0.01 thin, 0.05 bold).',
  },
  {
    name: 'outline.blurRadius',
    endpoints: ['edit'],
    kind: 'number',
    minimum: 0,
    maximum: 0.025,
    default: 0,
    group: 'Outline',
    description: 'Blur of the outline, for a glow, 0 to 0.025.',
  },
  {
    name: 'textRemoval.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.artificial', 'ai.natural', 'ai.all'],
    group: 'AI features',
    description: 'Remove artificial, natural or all text.',
  },
  {
    name: 'expand.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto'],
    group: 'AI features',
    description: 'Fill transparent pixels from the surrounding background.',
  },
  {
    name: 'expand.seed',
    endpoints: ['edit'],
    kind: 'number',
    group: 'AI features',
    description: 'Seed of the expansion.',
  },
  {
    name: 'uncrop.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto'],
    group: 'AI features',
    description: 'Detect the subject and uncrop it.',
  },
  {
    name: 'uncrop.seed',
    endpoints: ['edit'],
    kind: 'number',
    group: 'AI features',
    description: 'Seed of the uncrop.',
  },
  {
    name: 'upscale.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.fast', 'ai.slow'],
    group: 'AI features',
    description:
      '(Alpha) Upscale up to 4x; input at most 1,000,000 pixels (ai.fast) or 262,144 (ai.slow) with the default model.',
  },
  {
    name: 'upscale.downscaleIfNeeded',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['never', 'always', 'skipUpscaleIfNotNeeded'],
    group: 'AI features',
    description: 'Downscale an input too large for the upscaler: never (an error), always, or skipUpscaleIfNotNeeded.',
  },
  {
    name: 'beautify.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto', 'ai.food', 'ai.car'],
    group: 'AI features',
    description: '(Alpha) Beautify a product (ai.auto), food (ai.food) or car (ai.car) photo.',
  },
  {
    name: 'beautify.onSubjectMismatch',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ignore', 'error'],
    group: 'AI features',
    description: 'error: refuse (400) an image that is not food, before beautifying it (beautify.mode ai.food only).',
  },
  {
    name: 'ironing.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto'],
    group: 'Fashion',
    description: 'ai.auto irons the wrinkles out of a garment.',
  },
  {
    name: 'beautify.seed',
    endpoints: ['edit'],
    kind: 'number',
    group: 'AI features',
    description: 'Seed of the beautifier.',
  },
  {
    name: 'segmentation.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: SEGMENTATION_MODES,
    pureBackgroundRemoval: true,
    group: 'AI features',
    description: 'Keep or ignore the salient object when cutting out.',
  },
  {
    name: 'segmentation.prompt',
    endpoints: ['edit'],
    kind: 'string',
    pureBackgroundRemoval: true,
    group: 'AI features',
    description: 'What the cutout should keep, in words.',
    example: 'the mug and its saucer',
  },
  {
    name: 'segmentation.negativePrompt',
    endpoints: ['edit'],
    kind: 'string',
    pureBackgroundRemoval: true,
    group: 'AI features',
    description: 'What the cutout should remove, in words.',
    example: 'the hand holding it',
  },
  {
    name: 'imageFromPrompt.prompt',
    endpoints: ['edit'],
    kind: 'string',
    group: 'AI features',
    description: 'Generate the main image from this prompt.',
    example: 'a white ceramic mug on a plain grey backdrop',
  },
  {
    name: 'imageFromPrompt.seed',
    endpoints: ['edit'],
    kind: 'number',
    group: 'AI features',
    description: 'Seed of the image generator.',
  },
  {
    name: 'imageFromPrompt.size',
    endpoints: ['edit'],
    kind: 'enum',
    enum: IMAGE_SIZES,
    group: 'AI features',
    description: 'Size of the generated image.',
  },

  // ── Edit with AI ──
  {
    name: 'editWithAI.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto'],
    group: 'Edit with AI',
    description: 'ai.auto applies the change editWithAI.prompt describes.',
  },
  {
    name: 'editWithAI.prompt',
    endpoints: ['edit'],
    kind: 'string',
    group: 'Edit with AI',
    description: 'The change to make, in words: "Remove the coffee cup on the table".',
    example: 'remove the coffee cup on the table',
  },
  {
    name: 'editWithAI.seed',
    endpoints: ['edit'],
    kind: 'number',
    group: 'Edit with AI',
    description: 'Seed of the edit, to get similar results again.',
  },
  {
    name: `editWithAI.additionalImages.${KEY}.imageUrl`,
    endpoints: ['edit'],
    methods: ['GET'],
    kind: 'url',
    flag: 'editWithAI.additionalImages.<key>.imageUrl',
    group: 'Edit with AI',
    description: 'URL of a reference image, under a key of your choice (front, back...).',
  },
  {
    name: `editWithAI.additionalImages.${KEY}.imageFile`,
    endpoints: ['edit'],
    methods: ['POST'],
    kind: 'file',
    flag: 'editWithAI.additionalImages.<key>.imageFile',
    group: 'Edit with AI',
    description: 'Local reference image, under a key of your choice (POST only).',
  },
  ...(['mode', 'prompt', 'seed'] as const).map((field) => ({
    name: `describeAnyChange.${field}` as const,
    endpoints: ['edit'] as const,
    kind: field === 'mode' ? ('enum' as const) : field === 'prompt' ? ('string' as const) : ('number' as const),
    ...(field === 'mode' ? { enum: ['ai.auto'] as const } : {}),
    ...(field === 'prompt' ? { example: 'remove the price sticker' } : {}),
    replacedBy: `editWithAI.${field}`,
    group: 'Edit with AI',
    description: `(Deprecated) Use editWithAI.${field}.`,
  })),

  // ── Fashion ──
  ...fashionGenerator('flatLay', 'flat lay', 'on pale linen, neatly folded sleeves'),
  ...fashionGenerator('ghostMannequin', 'ghost mannequin', 'crisp studio light, collar open'),
  {
    name: 'virtualModel.mode',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['ai.auto'],
    group: 'Fashion',
    description: 'ai.auto shows the garment worn by a virtual model.',
  },
  {
    name: 'virtualModel.prompt',
    endpoints: ['edit'],
    kind: 'string',
    group: 'Fashion',
    description: 'Optional prompt guiding the style of the virtual model photo.',
    example: 'a woman walking on a city street at dusk',
  },
  {
    name: 'virtualModel.pose',
    endpoints: ['edit'],
    kind: 'enum',
    default: 'random',
    group: 'Fashion',
    enum: [
      'random',
      'standing',
      '34turn',
      'powerstance',
      'walkingforward',
      'handinpocket',
      'crossedarms',
      'back',
      'overtheshoulder',
      'seated',
      'adjustingclothing',
      'playfulspin',
    ],
    description: 'Pose of the virtual model.',
  },
  {
    name: 'virtualModel.quality',
    endpoints: ['edit'],
    kind: 'enum',
    enum: ['standard', 'advanced', 'premium'],
    default: 'standard',
    group: 'Fashion',
    description: 'Quality: standard (~1K), advanced (~2K) or premium (~4K).',
  },
  {
    name: 'virtualModel.size',
    endpoints: ['edit'],
    kind: 'enum',
    enum: HD_SIZES,
    default: 'PORTRAIT_HD_3_2',
    group: 'Fashion',
    description: 'Size of the virtual model photo.',
  },
  ...virtualModelChoice(
    'model',
    [
      'avery',
      'sam',
      'taylor',
      'kendall',
      'jordan',
      'casey',
      'alex',
      'maya',
      'reece',
      'lena',
      'julia',
      'jackson',
      'sophia',
      'emma',
      'ava',
      'zoe',
      'fiona',
    ],
    'avery',
    'person',
  ),
  ...virtualModelChoice(
    'scene',
    [
      'random',
      'street',
      'bedroom',
      'sunset',
      'factory',
      'studio',
      'coloredstudio',
      'concretestudio',
      'beach',
      'tropical',
      'library',
      'forest',
      'businessdistrict',
      'countryside',
      'flowers',
      'goldenlight',
      'mountain',
      'pool',
      'latincity',
      'cafe',
      'asiancity',
      'nightlights',
      'desert',
    ],
    'random',
    'scene',
  ),
  {
    name: 'virtualModel.additionalProductImages',
    endpoints: ['edit'],
    kind: 'urlList',
    minItems: 1,
    maxItems: 4,
    group: 'Fashion',
    description: 'URLs of up to 4 more photos of the product (other angles, details), comma-separated.',
  },

  // ── Templates ──
  {
    name: 'templateId',
    endpoints: ['edit'],
    kind: 'uuid',
    group: 'Template',
    description: 'ID (a UUID) of the template to render.',
  },
  {
    name: 'layers',
    endpoints: ['edit'],
    kind: 'layers',
    flag: 'layers.<id>.<field>',
    group: 'Template',
    description:
      'A field of a template layer, e.g. --layers.logo.image.imageUrl URL; `photoroom params` lists the fields.',
  },

  // ── /v1/segment (Remove Background, Basic plan) ──
  {
    name: 'format',
    endpoints: ['segment'],
    kind: 'enum',
    enum: ['png', 'jpg', 'webp'],
    default: 'png',
    common: true,
    group: 'Remove background',
    description: 'Output format: png, jpg or webp.',
  },
  {
    name: 'channels',
    endpoints: ['segment'],
    kind: 'enum',
    enum: ['rgba', 'alpha'],
    default: 'rgba',
    group: 'Remove background',
    description: 'rgba cutout, or the alpha mask alone.',
  },
  {
    name: 'bg_color',
    endpoints: ['segment'],
    kind: 'color',
    flag: 'bg-color',
    aliases: ['bg_color', 'bg'],
    colorStyle: 'hash',
    common: true,
    group: 'Remove background',
    description: 'Background colour: #RRGGBB or a CSS name (red, white, ...).',
  },
  {
    name: 'size',
    endpoints: ['segment'],
    kind: 'enum',
    enum: ['preview', 'medium', 'hd', 'full'],
    default: 'full',
    group: 'Remove background',
    description: 'Output size: preview (0.25 MP), medium (1.5 MP), hd (4 MP) or full (36 MP).',
  },
  {
    name: 'crop',
    endpoints: ['segment'],
    kind: 'boolean',
    enum: ['true', 'false'],
    default: 'false',
    common: true,
    group: 'Remove background',
    description: 'Crop the result to the cutout border.',
  },
  {
    name: 'despill',
    endpoints: ['segment'],
    kind: 'boolean',
    enum: ['true', 'false'],
    default: 'false',
    group: 'Remove background',
    description: 'Remove green-screen reflections from the subject.',
  },
] as const satisfies readonly ParamSpec[];

/** Every row, for code that goes over the table; the literal rows above give the types below. */
export const PARAMS: readonly ParamSpec[] = TABLE;

/** Fields of a template layer, `layers.<id>.<path>`, from the contract's `layers` schema. */
export const LAYER_FIELDS: readonly LayerFieldSpec[] = [
  { path: 'text.content', kind: 'string', layerType: 'text' },
  { path: 'text.font', kind: 'string', layerType: 'text' },
  { path: 'text.foregroundColor', kind: 'color', layerType: 'text' },
  { path: 'text.backgroundColor', kind: 'color', layerType: 'text' },
  { path: 'image.imageUrl', kind: 'url', layerType: 'image' },
  { path: 'image.imageFile', kind: 'file', methods: ['POST'], layerType: 'image' },
  { path: 'image.imageFromPrompt.prompt', kind: 'string', layerType: 'image' },
  { path: 'image.imageFromPrompt.seed', kind: 'number', layerType: 'image' },
  { path: 'image.imageFromPrompt.size', kind: 'enum', enum: IMAGE_SIZES, layerType: 'image' },
  { path: 'image.horizontalAlignment', kind: 'enum', enum: ALIGN_H, layerType: 'image' },
  { path: 'image.verticalAlignment', kind: 'enum', enum: ALIGN_V, layerType: 'image' },
  { path: 'image.removeBackground', kind: 'enum', enum: ['auto', 'never'], layerType: 'image' },
  { path: 'image.useForAIBackground', kind: 'enum', enum: ['auto', 'never'], layerType: 'image' },
  { path: 'image.segmentation.mode', kind: 'enum', enum: SEGMENTATION_MODES, layerType: 'image' },
  { path: 'image.segmentation.prompt', kind: 'string', layerType: 'image' },
  { path: 'image.segmentation.negativePrompt', kind: 'string', layerType: 'image' },
  ...(['margin', 'padding'] as const).flatMap((base) =>
    ['', 'Top', 'Right', 'Bottom', 'Left'].map((side): LayerFieldSpec => ({
      path: `image.${base}${side}`,
      kind: 'length',
      layerType: 'image',
    })),
  ),
];

/** Every API parameter name the table knows. */
export type ParamName = (typeof TABLE)[number]['name'];

type RowOf<Name extends ParamName> = Extract<(typeof TABLE)[number], { name: Name }>;

/** The values an enum parameter takes, from its row: `EnumOf<'background.scaling'>` is `'fit' | 'fill'`. */
export type EnumOf<Name extends ParamName> = RowOf<Name> extends { enum: readonly (infer Value)[] } ? Value : never;

/** A parameter's canonical value, as its kind reads it (see values.ts). */
export type ValueOf<Name extends ParamName> =
  RowOf<Name> extends { kind: 'enum' }
    ? EnumOf<Name>
    : RowOf<Name> extends { kind: 'boolean' }
      ? boolean
      : RowOf<Name> extends { kind: 'pixels' }
        ? number
        : // Integers beyond 2^53 keep their digits as a string; lengths may be "30%" or "100px".
          RowOf<Name> extends { kind: 'number' | 'length' }
          ? number | string
          : string;

const BY_NAME = new Map(PARAMS.map((spec) => [spec.name, spec]));

/** Keyed rows, each with the pattern of the names it takes (`{key}`: one name segment). */
const KEYED = PARAMS.filter((spec) => spec.name.includes(KEY)).map((spec) => ({
  spec,
  pattern: new RegExp(`^${spec.name.replaceAll('.', '\\.').replace(KEY, '[^.]+')}$`),
}));

/** A row by its name, or the keyed row a name with a key fills in (`editWithAI.additionalImages.front.imageUrl`). */
export function paramByName(name: string): ParamSpec | undefined {
  return BY_NAME.get(name) ?? KEYED.find(({ pattern }) => pattern.test(name))?.spec;
}

/** Is this row's name open-ended, with a key the user chooses? */
export function isKeyed(spec: ParamSpec): boolean {
  return spec.name.includes(KEY);
}

export function paramsFor(endpoint: 'edit' | 'segment'): ParamSpec[] {
  return PARAMS.filter((spec) => spec.endpoints.includes(endpoint));
}

/** The type the OpenAPI contract gives a parameter, as `photoroom params` prints it. */
export function contractType(
  spec: Pick<ParamSpec, 'kind' | 'methods' | 'enum'>,
): 'string' | 'number' | 'boolean' | 'number|string' | 'binary' | 'object' | 'array' {
  switch (spec.kind) {
    case 'urlList':
      return 'array';
    case 'file':
      return 'binary';
    case 'image':
      return spec.methods?.includes('GET') ? 'string' : 'binary';
    case 'layers':
      return 'object';
    case 'length':
    case 'numberOrPreset':
      return 'number|string';
    case 'number':
    case 'pixels':
      return 'number';
    case 'boolean':
      // /v1/segment's crop and despill are the strings "true" and "false".
      return spec.enum ? 'string' : 'boolean';
    default:
      return 'string';
  }
}

/** The flag (without dashes) of a parameter, or null when it is not a flag. */
export function flagOf(spec: ParamSpec): string | null {
  return spec.flag === undefined ? spec.name : spec.flag;
}
