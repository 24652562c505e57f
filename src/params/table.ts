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

const SIDES = ['Top', 'Right', 'Bottom', 'Left'] as const;

/** Per-side margin and padding rows, which differ only by side. */
function sideLengths<Base extends 'margin' | 'padding'>(base: Base) {
  return SIDES.map((side) => ({
    name: `${base}${side}` as `${Base}${(typeof SIDES)[number]}`,
    endpoints: ['edit'] as const,
    kind: 'length' as const,
    group: 'Layout',
    description: `${side} ${base}, overrides ${base} on that side: ${LENGTH_HELP}`,
  }));
}

const TABLE = [
  // ── Input: the image itself; never a flag, it is the command's argument ──
  {
    name: 'imageFile', endpoints: ['edit'], methods: ['POST'], kind: 'image', flag: null,
    group: 'Input', description: 'The uploaded image (POST), up to 30 MB: a file argument.',
  },
  {
    name: 'imageUrl', endpoints: ['edit'], methods: ['GET'], kind: 'image', flag: null,
    group: 'Input', description: 'URL of the image (GET), up to 30 MB: a URL argument.',
  },
  {
    name: 'image_file', endpoints: ['segment'], kind: 'image', flag: null,
    group: 'Input', description: 'The uploaded image for background removal, up to 50 MB: a file argument.',
  },

  // ── Background ──
  {
    name: 'removeBackground', endpoints: ['edit'], kind: 'boolean', default: true,
    group: 'Background', description: 'Remove the background (default); false keeps it.',
  },
  {
    name: 'background.color', endpoints: ['edit'], kind: 'color', default: 'transparent',
    aliases: ['bg'], needsBackgroundRemoval: true, common: true, group: 'Background',
    description: 'Background colour: hex (FF0000, #FF0000EE) or a CSS name (white).',
  },
  {
    // The contract lists the URL twins of the background files for GET only: the POST form
    // lacks them, and a field the API does not know is ignored, not refused.
    name: 'background.imageUrl', endpoints: ['edit'], methods: ['GET'], kind: 'url',
    needsBackgroundRemoval: true, group: 'Background',
    description: 'URL of an image to use as the background (up to 30 MB).',
  },
  {
    name: 'background.imageFile', endpoints: ['edit'], methods: ['POST'], kind: 'file',
    needsBackgroundRemoval: true, group: 'Background',
    description: 'Local image file to use as the background (POST only, up to 30 MB).',
  },
  {
    name: 'background.scaling', endpoints: ['edit'], kind: 'enum', enum: ['fit', 'fill'],
    default: 'fill', group: 'Background',
    description: 'Fit or fill the background image; needs background.imageUrl or background.imageFile.',
  },
  {
    name: 'background.blur.mode', endpoints: ['edit'], kind: 'enum',
    enum: ['gaussian', 'bokeh'], group: 'Background', description: 'Blur applied to the background.',
  },
  {
    name: 'background.blur.radius', endpoints: ['edit'], kind: 'number',
    exclusiveMinimum: 0, maximum: 0.05, default: 0.01, group: 'Background',
    description: 'Blur radius, above 0 and at most 0.05; higher is blurrier.',
  },

  // ── AI background ──
  {
    name: 'background.prompt', endpoints: ['edit'], kind: 'string', aliases: ['bg-prompt'],
    group: 'AI background',
    description: 'Prompt for an AI-generated background; excludes background.imageUrl/imageFile.',
  },
  {
    name: 'background.negativePrompt', endpoints: ['edit'], kind: 'string',
    group: 'AI background', description: '(Legacy model 2 only) What the generated background should avoid.',
  },
  {
    name: 'background.expandPrompt', endpoints: ['edit'], kind: 'enum',
    enum: ['ai.auto', 'ai.never', 'auto', 'never'], aliases: ['background.expandPrompt.mode'],
    group: 'AI background',
    description: 'ai.auto expands background.prompt into a longer one; auto/never are legacy values.',
    // The contract takes `{ mode: "ai.auto" }`, sent as the dotted field `.mode`, or a legacy string.
    objectField: { name: 'background.expandPrompt.mode', values: ['ai.auto', 'ai.never'] },
  },
  {
    name: 'background.seed', endpoints: ['edit'], kind: 'number', group: 'AI background',
    description: 'Seed of the generated background, to get similar results again.',
  },
  {
    name: 'background.guidance.imageUrl', endpoints: ['edit'], methods: ['GET'], kind: 'url',
    needsBackgroundRemoval: true, group: 'AI background',
    description: 'URL of an image guiding the generated background (up to 30 MB).',
  },
  {
    name: 'background.guidance.imageFile', endpoints: ['edit'], methods: ['POST'],
    kind: 'file', needsBackgroundRemoval: true, group: 'AI background',
    description: 'Local image guiding the generated background (POST only, up to 30 MB).',
  },
  {
    name: 'background.guidance.scale', endpoints: ['edit'], kind: 'number',
    minimum: 0, maximum: 1, default: 0.6, group: 'AI background',
    description: 'How closely the generated background follows the guidance image, 0 to 1.',
  },

  // ── Layout ──
  {
    name: 'outputSize', endpoints: ['edit'], kind: 'outputSize',
    pattern: '^(auto|\\d+x\\d+|originalImage|croppedSubject)$', default: 'auto', aliases: ['size'],
    common: true, group: 'Layout', description: 'Size of the result: the original\'s, the cropped subject\'s, or e.g. 1000x1000.',
  },
  {
    name: 'scaling', endpoints: ['edit'], kind: 'enum', enum: ['fit', 'fill'], default: 'fit',
    group: 'Layout', description: 'Whether the subject fits (default) or fills the output.',
  },
  {
    name: 'padding', endpoints: ['edit'], kind: 'length', default: 0,
    common: true, group: 'Layout', description: `Padding around the subject: ${LENGTH_HELP}.`,
  },
  ...sideLengths('padding'),
  {
    name: 'margin', endpoints: ['edit'], kind: 'length', default: 0,
    group: 'Layout', description: `Margin around the subject, never ignored: ${LENGTH_HELP}.`,
  },
  ...sideLengths('margin'),
  {
    name: 'horizontalAlignment', endpoints: ['edit'], kind: 'enum', enum: ALIGN_H,
    group: 'Layout', description: 'Horizontal alignment of the subject in its box.',
  },
  {
    name: 'verticalAlignment', endpoints: ['edit'], kind: 'enum', enum: ALIGN_V,
    group: 'Layout', description: 'Vertical alignment of the subject in its box.',
  },
  {
    name: 'ignorePaddingAndSnapOnCroppedSides', endpoints: ['edit'], kind: 'boolean',
    default: true, needsBackgroundRemoval: true, group: 'Layout',
    description: 'Snap cropped sides of the subject to the edges, ignoring padding there.',
  },
  {
    name: 'referenceBox', endpoints: ['edit'], kind: 'enum',
    enum: ['subjectBox', 'originalImage'], default: 'subjectBox', needsBackgroundRemoval: true,
    group: 'Layout', description: 'Box that padding and margin are measured around.',
  },
  {
    name: 'maxWidth', endpoints: ['edit'], kind: 'pixels', group: 'Layout',
    description: 'Maximum output width; needs outputSize originalImage or croppedSubject.',
  },
  {
    name: 'maxHeight', endpoints: ['edit'], kind: 'pixels', group: 'Layout',
    description: 'Maximum output height; needs outputSize originalImage or croppedSubject.',
  },
  {
    name: 'keepExistingAlphaChannel', endpoints: ['edit'], kind: 'enum',
    enum: ['auto', 'never'], default: 'never', group: 'Layout',
    description: 'auto: use the image\'s own transparency as the cutout.',
  },

  // ── Export ──
  {
    name: 'export.format', endpoints: ['edit'], kind: 'enum',
    enum: ['png', 'jpeg', 'jpg', 'webp'], default: 'png', aliases: ['format'], common: true, group: 'Export',
    description: 'Output format: png, jpeg/jpg (quality 80) or webp (quality 90).',
  },
  {
    name: 'export.dpi', endpoints: ['edit'], kind: 'number', minimum: 72, maximum: 1200,
    aliases: ['dpi'], group: 'Export', description: 'Pixel density of the result, 72 to 1200.',
  },
  {
    name: 'preserveMetadata', endpoints: ['edit'], kind: 'enum',
    enum: ['never', 'xmp', 'exifSubset'], default: 'never', group: 'Export',
    description: 'Metadata kept from the original: never, xmp or exifSubset.',
  },

  // ── AI features ──
  {
    name: 'shadow.mode', endpoints: ['edit'], kind: 'enum',
    enum: ['ai.soft', 'ai.hard', 'ai.floating'], aliases: ['shadow'], common: true, group: 'AI features',
    description: 'Generate a soft, hard or floating shadow.',
  },
  {
    name: 'lighting.mode', endpoints: ['edit'], kind: 'enum',
    enum: ['ai.auto', 'ai.preserve-hue-and-saturation'], group: 'AI features',
    description: 'Relight the subject automatically.',
  },
  {
    name: 'textRemoval.mode', endpoints: ['edit'], kind: 'enum',
    enum: ['ai.artificial', 'ai.natural', 'ai.all'], group: 'AI features',
    description: 'Remove artificial, natural or all text.',
  },
  {
    name: 'expand.mode', endpoints: ['edit'], kind: 'enum', enum: ['ai.auto'],
    group: 'AI features', description: 'Fill transparent pixels from the surrounding background.',
  },
  {
    name: 'expand.seed', endpoints: ['edit'], kind: 'number', group: 'AI features',
    description: 'Seed of the expansion.',
  },
  {
    name: 'uncrop.mode', endpoints: ['edit'], kind: 'enum', enum: ['ai.auto'],
    group: 'AI features', description: 'Detect the subject and uncrop it.',
  },
  {
    name: 'uncrop.seed', endpoints: ['edit'], kind: 'number', group: 'AI features',
    description: 'Seed of the uncrop.',
  },
  {
    name: 'upscale.mode', endpoints: ['edit'], kind: 'enum', enum: ['ai.fast', 'ai.slow'],
    group: 'AI features',
    description: '(Alpha) Upscale up to 4x; input at most 1000x1000 (ai.fast) or 512x512 (ai.slow).',
  },
  {
    name: 'beautify.mode', endpoints: ['edit'], kind: 'enum', enum: ['ai.auto', 'ai.food'],
    group: 'AI features', description: '(Alpha) Beautify a product (ai.auto) or food (ai.food) photo.',
  },
  {
    name: 'beautify.seed', endpoints: ['edit'], kind: 'number', group: 'AI features',
    description: 'Seed of the beautifier.',
  },
  {
    name: 'segmentation.mode', endpoints: ['edit'], kind: 'enum', enum: SEGMENTATION_MODES,
    group: 'AI features', description: 'Keep or ignore the salient object when cutting out.',
  },
  {
    name: 'segmentation.prompt', endpoints: ['edit'], kind: 'string', group: 'AI features',
    description: 'What the cutout should keep, in words.',
  },
  {
    name: 'segmentation.negativePrompt', endpoints: ['edit'], kind: 'string',
    group: 'AI features', description: 'What the cutout should remove, in words.',
  },
  {
    name: 'imageFromPrompt.prompt', endpoints: ['edit'], kind: 'string', group: 'AI features',
    description: 'Generate the main image from this prompt.',
  },
  {
    name: 'imageFromPrompt.seed', endpoints: ['edit'], kind: 'number', group: 'AI features',
    description: 'Seed of the image generator.',
  },
  {
    name: 'imageFromPrompt.size', endpoints: ['edit'], kind: 'enum', enum: IMAGE_SIZES,
    group: 'AI features', description: 'Size of the generated image.',
  },

  // ── Templates ──
  {
    name: 'templateId', endpoints: ['edit'], kind: 'uuid', group: 'Template',
    description: 'ID (a UUID) of the template to render.',
  },
  {
    name: 'layers', endpoints: ['edit'], kind: 'layers', flag: 'layers.<id>.<field>',
    group: 'Template',
    description: 'A field of a template layer, e.g. --layers.logo.image.imageUrl URL; `photoroom params` lists the fields.',
  },

  // ── /v1/segment (Remove Background, Basic plan) ──
  {
    name: 'format', endpoints: ['segment'], kind: 'enum', enum: ['png', 'jpg', 'webp'],
    default: 'png', common: true, group: 'Remove background', description: 'Output format: png, jpg or webp.',
  },
  {
    name: 'channels', endpoints: ['segment'], kind: 'enum', enum: ['rgba', 'alpha'],
    default: 'rgba', group: 'Remove background', description: 'rgba cutout, or the alpha mask alone.',
  },
  {
    name: 'bg_color', endpoints: ['segment'], kind: 'color', flag: 'bg-color',
    aliases: ['bg_color', 'bg'], colorStyle: 'hash', common: true, group: 'Remove background',
    description: 'Background colour: #RRGGBB or a CSS name (red, white, ...).',
  },
  {
    name: 'size', endpoints: ['segment'], kind: 'enum', enum: ['preview', 'medium', 'hd', 'full'],
    default: 'full', group: 'Remove background',
    description: 'Output size: preview (0.25 MP), medium (1.5 MP), hd (4 MP) or full (36 MP).',
  },
  {
    name: 'crop', endpoints: ['segment'], kind: 'boolean', enum: ['true', 'false'],
    default: 'false',
    common: true, group: 'Remove background', description: 'Crop the result to the cutout border.',
  },
  {
    name: 'despill', endpoints: ['segment'], kind: 'boolean', enum: ['true', 'false'],
    default: 'false',
    group: 'Remove background', description: 'Remove green-screen reflections from the subject.',
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
    ['', 'Top', 'Right', 'Bottom', 'Left'].map(
      (side): LayerFieldSpec => ({ path: `image.${base}${side}`, kind: 'length', layerType: 'image' }),
    ),
  ),
];

/** Every API parameter name the table knows. */
export type ParamName = (typeof TABLE)[number]['name'];

type RowOf<Name extends ParamName> = Extract<(typeof TABLE)[number], { name: Name }>;

/** The values an enum parameter takes, from its row: `EnumOf<'shadow.mode'>` is `'ai.soft' | 'ai.hard' | 'ai.floating'`. */
export type EnumOf<Name extends ParamName> = RowOf<Name> extends { enum: readonly (infer Value)[] } ? Value : never;

/** A parameter's canonical value, as its kind reads it (see values.ts). */
export type ValueOf<Name extends ParamName> =
  RowOf<Name> extends { kind: 'enum' } ? EnumOf<Name>
  : RowOf<Name> extends { kind: 'boolean' } ? boolean
  : RowOf<Name> extends { kind: 'pixels' } ? number
  // Integers beyond 2^53 keep their digits as a string; lengths may be "30%" or "100px".
  : RowOf<Name> extends { kind: 'number' | 'length' } ? number | string
  : string;

const BY_NAME = new Map(PARAMS.map((spec) => [spec.name, spec]));

export function paramByName(name: string): ParamSpec | undefined {
  return BY_NAME.get(name);
}

export function paramsFor(endpoint: 'edit' | 'segment'): ParamSpec[] {
  return PARAMS.filter((spec) => spec.endpoints.includes(endpoint));
}

/** The type the OpenAPI contract gives a parameter, as `photoroom params` prints it. */
export function contractType(spec: ParamSpec): 'string' | 'number' | 'boolean' | 'number|string' | 'binary' | 'object' {
  switch (spec.kind) {
    case 'file':
      return 'binary';
    case 'image':
      return spec.methods?.includes('GET') ? 'string' : 'binary';
    case 'layers':
      return 'object';
    case 'length':
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
