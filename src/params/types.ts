/** The two image endpoints a parameter can belong to. */
export type Endpoint = 'edit' | 'segment';

/** HTTP method of `/v2/edit`: GET takes an image URL, POST an uploaded file. */
export type Method = 'GET' | 'POST';

/**
 * How a raw value is read and checked. Each kind has one parser in `values.ts`.
 * - `length`: margin/padding, a ratio 0–0.49, a percentage "0%"–"49%" or pixels "100px"
 * - `color`: hex (with or without `#`, with alpha) or a CSS colour name
 * - `outputSize`: `auto`, `WIDTHxHEIGHT`, `originalImage` or `croppedSubject`
 * - `pixels`: a whole number of pixels above zero
 * - `file`: a path to a local file uploaded as a form part (POST only)
 * - `image`: the main input itself (file or URL), never a flag
 * - `numberOrPreset`: a number (degrees) or one of the row's `enum` presets
 * - `urlList`: URLs, comma-separated, between `minItems` and `maxItems` of them; one field each
 */
export type ValueKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'length'
  | 'color'
  | 'outputSize'
  | 'pixels'
  | 'uuid'
  | 'url'
  | 'file'
  | 'image'
  | 'layers'
  | 'numberOrPreset'
  | 'urlList';

export interface ParamSpec {
  /** The API's own (dotted) name, sent as the form field or query key. */
  readonly name: string;
  readonly endpoints: readonly Endpoint[];
  /** Restricts an edit parameter to one method; absent means both. */
  readonly methods?: readonly Method[];
  readonly kind: ValueKind;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: string | number | boolean;
  /** CLI flag without dashes; defaults to the API name. `null`: not a flag (the input). */
  readonly flag?: string | null;
  readonly aliases?: readonly string[];
  /** `--help` section the flag is listed under. */
  readonly group: string;
  /** Listed among the common options of the short `--help`; every flag is in `--help-all`. */
  readonly common?: boolean;
  readonly description: string;
  /**
   * The value `.photoroomrc.example` shows, for the kinds whose values say something of their
   * own row only (a prompt): each prompt's example is what that prompt would say.
   */
  readonly example?: string;
  /** The spec says: "Can't be provided if `removeBackground` is set to `false`". */
  readonly needsBackgroundRemoval?: boolean;
  /**
   * Part of a pure background removal (the input, the cutout's own settings, the export):
   * the only parameters `colorSpace original` goes with, as the contract answers 400 to it
   * combined "with any other operation". Some of them still take values that are another
   * operation (JPEG export, `keepExistingAlphaChannel auto`...): those the rule in rules.ts holds.
   */
  readonly pureBackgroundRemoval?: boolean;
  /**
   * Values the contract ties to one model version, chosen by a request header: `onlyWith` work
   * with that version alone ("Only compatible with the `2026-04-15` AI Shadows model"),
   * `notWith` with any model but it ("Only compatible with legacy AI Shadows models", "Not
   * compatible with the `2026-04-15` AI Shadows model"). Checked when the header is given.
   */
  readonly modelBound?: {
    readonly header: `pr-${string}`;
    /** The model's name, for messages: `AI Shadows`. */
    readonly model: string;
    readonly version: string;
    readonly onlyWith: readonly string[];
    readonly notWith: readonly string[];
  };
  /** Colours: `hash` is sent as `#RRGGBB` with no alpha (v1); default is hex without `#`. */
  readonly colorStyle?: 'bare' | 'hash';
  /** The contract deprecates this parameter for that one: accepted, with a notice. */
  readonly replacedBy?: string;
  /** Values sent as a field of an object parameter (`{ mode: "ai.auto" }` → `<name>.mode`). */
  readonly objectField?: { readonly name: string; readonly values: readonly string[] };
}

/** One field of a template layer (`layers.<id>.<path>`). */
export interface LayerFieldSpec {
  readonly path: string;
  readonly kind: Exclude<ValueKind, 'layers' | 'image' | 'outputSize' | 'uuid' | 'pixels'>;
  readonly enum?: readonly string[];
  readonly methods?: readonly Method[];
  /** Layers hold either a `text` or an `image` object. */
  readonly layerType: 'text' | 'image';
}

export type ParamValue = string | number | boolean;

export function isParamValue(value: unknown): value is ParamValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
