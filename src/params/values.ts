/**
 * Value kinds: how one raw value (a flag's text, a config file's number or boolean, a form
 * field) is read into its canonical form, and what to tell the user when it cannot be.
 */
import { COLOR_NAMES, OPAQUE_COLOR_NAMES, parseColor } from './color.js';
import { didYouMean } from '../near-miss.js';
import type { ParamValue, ValueKind } from './types.js';

/** The part of a parameter row (or layer field) that decides how a value is read. */
export interface ValueRule {
  readonly kind: ValueKind;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly colorStyle?: 'bare' | 'hash';
  /** The contract's pattern, for kinds read by one (outputSize). */
  readonly pattern?: string;
  /** How many values a list takes. */
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** What a boolean accepts, for messages. */
export const BOOLEAN_EXPECTED = 'true or false (or yes/no, on/off, 1/0)';

export type Parsed = { ok: true; value: ParamValue } | { ok: false; expected: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^([+-]?)0*(\d+)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIMENSIONS = /^(\d+)[xX](\d+)$/;
const MAX_LENGTH_RATIO = 0.49;

const ok = (value: ParamValue): Parsed => ({ ok: true, value });
const fail = (expected: string): Parsed => ({ ok: false, expected });

/** A number in decimal notation (`12`, `-0.5`, `1e3`), finite; null for anything else (`0x10`, `1e309`). */
export function readNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

function toNumber(raw: ParamValue): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  return typeof raw === 'string' ? readNumber(raw) : null;
}

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ...['true', 'yes', 'on', '1'].map((word) => [word, true] as const),
  ...['false', 'no', 'off', '0'].map((word) => [word, false] as const),
]);

/** true/false, yes/no, on/off, 1/0 in any case; undefined for any other word. */
export function readBooleanWord(text: string): boolean | undefined {
  return BOOLEAN_WORDS.get(text.trim().toLowerCase());
}

/** "a number from 72 to 1200", "a number above 0 and at most 0.05", ... */
function describeBounds(rule: ValueRule): string {
  const low =
    rule.exclusiveMinimum !== undefined
      ? `above ${rule.exclusiveMinimum}`
      : rule.minimum !== undefined
        ? `at least ${rule.minimum}`
        : '';
  const high = rule.maximum !== undefined ? `at most ${rule.maximum}` : '';
  if (rule.minimum !== undefined && rule.maximum !== undefined) {
    return `a number from ${rule.minimum} to ${rule.maximum}`;
  }
  return ['a number', low, low && high ? 'and' : '', high].filter(Boolean).join(' ');
}

function withinBounds(rule: ValueRule, n: number): boolean {
  if (rule.minimum !== undefined && n < rule.minimum) return false;
  if (rule.exclusiveMinimum !== undefined && n <= rule.exclusiveMinimum) return false;
  if (rule.maximum !== undefined && n > rule.maximum) return false;
  return true;
}

/**
 * A number within the rule's bounds. An integer with more digits than a double holds (a seed
 * such as 9007199254740993) is kept as its digit string, so that it is sent as typed; in any
 * other spelling (`1e20`, a config file's number) its digits may already be lost: refused.
 */
function parseNumber(rule: ValueRule, raw: ParamValue): Parsed {
  const n = toNumber(raw);
  if (n === null || !withinBounds(rule, n)) return fail(describeBounds(rule));
  if (Number.isSafeInteger(n) || !Number.isInteger(n)) return ok(n);
  const digits = typeof raw === 'string' ? INTEGER.exec(raw.trim()) : null;
  if (digits) return ok(`${digits[1] === '-' ? '-' : ''}${digits[2]}`);
  return fail(`${describeBounds(rule)}; write an integer this large as plain digits (quoted in a config file)`);
}

/**
 * A validated length (a ratio, `"30%"` or `"100px"`) as a share of a side `side` pixels long;
 * null for pixels when the side is not known.
 */
export function lengthShare(value: ParamValue, side?: number): number | null {
  if (typeof value === 'number') return value;
  const text = String(value);
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) return Number(percent[1]) / 100;
  const pixels = /^(\d+)px$/.exec(text);
  return pixels && side !== undefined ? Number(pixels[1]) / side : null;
}

/** A format as one name: `jpg`, the API's other spelling, is `jpeg`. */
export function imageFormatNamed(name: string): string {
  return name === 'jpg' ? 'jpeg' : name;
}

/**
 * What a parameter's value means, however it is spelt: a colour as its RGBA, a length as its
 * share (pixels as given), an enum value by its one spelling. Two values that mean the same
 * ask the API for the same thing (a preset's FFFFFF and `--bg white`).
 */
export function valueMeaning(kind: ValueKind | undefined, value: ParamValue): string {
  const text = String(value);
  if (kind === 'color') return JSON.stringify(parseColor(text)?.rgba ?? text);
  if (kind === 'length') return String(lengthShare(value) ?? text);
  if (kind === 'enum') return imageFormatNamed(text);
  return text;
}

/** A validated `outputSize` as its width and height; null for `auto`, `originalImage` and `croppedSubject`. */
export function outputDimensions(value: ParamValue): { width: number; height: number } | null {
  const match = DIMENSIONS.exec(String(value));
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

function parseLength(raw: ParamValue): Parsed {
  const expected = 'a ratio from 0 to 0.49, a percentage from "0%" to "49%", or pixels such as "100px"';
  const ratio = toNumber(raw);
  if (ratio !== null) return ratio >= 0 && ratio <= MAX_LENGTH_RATIO ? ok(ratio) : fail(expected);
  if (typeof raw !== 'string') return fail(expected);
  const text = raw.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent?.[1]) {
    return Number(percent[1]) <= MAX_LENGTH_RATIO * 100 ? ok(`${percent[1]}%`) : fail(expected);
  }
  const pixels = /^(\d+)px$/.exec(text);
  return pixels?.[1] && Number.isSafeInteger(Number(pixels[1])) ? ok(`${Number(pixels[1])}px`) : fail(expected);
}

/** The words an `outputSize` may be, beside its `WIDTHxHEIGHT` form. */
export const OUTPUT_SIZE_WORDS: readonly string[] = ['auto', 'originalImage', 'croppedSubject'];

/** `auto`, `originalImage`, `croppedSubject` or `WIDTHxHEIGHT` (`1000X1000` read as `1000x1000`), by the contract's pattern. */
function parseOutputSize(rule: ValueRule, raw: ParamValue): Parsed {
  const expected = `${OUTPUT_SIZE_WORDS.join(', ')} or WIDTHxHEIGHT such as 1000x1000`;
  if (typeof raw !== 'string') return fail(expected);
  const text = raw.trim().replace(DIMENSIONS, '$1x$2');
  if (!new RegExp(rule.pattern ?? '').test(text)) return fail(expected);
  const size = DIMENSIONS.exec(text);
  return size && (Number(size[1]) === 0 || Number(size[2]) === 0) ? fail(expected) : ok(text);
}

function parseColorValue(rule: ValueRule, raw: ParamValue): Parsed {
  const hashStyle = rule.colorStyle === 'hash';
  const expected = hashStyle
    ? 'a hex colour such as #FF0000 (no alpha) or a CSS colour name such as white'
    : 'a hex colour such as FF0000, #FF0000 or FF0000EE (with alpha), or a CSS colour name such as white';
  // A config file's 000000 or 123456 is a number to YAML and JSON, its leading zeros gone.
  if (typeof raw === 'number')
    return fail(`${expected}; a config file gave the number ${raw}: put the colour in quotes`);
  const color = typeof raw === 'string' ? parseColor(raw) : null;
  // A colour with alpha (transparent too) where none is taken: leaving it out is the transparent background.
  if (color && hashStyle && color.hasAlpha) return fail(`${expected}; leave it out for a transparent background`);
  if (!color) return fail(expected + didYouMean(String(raw), hashStyle ? OPAQUE_COLOR_NAMES : COLOR_NAMES));
  return ok(color.canonical);
}

function parseUrl(raw: ParamValue): Parsed {
  const expected = 'an http:// or https:// URL';
  if (typeof raw !== 'string') return fail(expected);
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? ok(url.href) : fail(expected);
  } catch {
    return fail(expected);
  }
}

function parseBoolean(raw: ParamValue): Parsed {
  const value = typeof raw === 'boolean' ? raw : readBooleanWord(String(raw));
  return value === undefined ? fail(BOOLEAN_EXPECTED) : ok(value);
}

function parseEnum(rule: ValueRule, raw: ParamValue): Parsed {
  const choices = rule.enum ?? [];
  const text = String(raw).trim();
  // Case is forgiven (PNG → png) but the value is sent exactly as the API spells it.
  const match =
    choices.find((choice) => choice === text) ?? choices.find((c) => c.toLowerCase() === text.toLowerCase());
  return match !== undefined ? ok(match) : fail(`one of ${choices.join(', ')}${didYouMean(text, choices)}`);
}

/** A number (degrees), or one of the row's presets as the API spells it. */
function parseNumberOrPreset(rule: ValueRule, raw: ParamValue): Parsed {
  const preset = parseEnum(rule, raw);
  if (preset.ok) return preset;
  const n = toNumber(raw);
  return n !== null
    ? ok(n)
    : fail(`a number of degrees or one of ${(rule.enum ?? []).join(', ')}${didYouMean(String(raw), rule.enum ?? [])}`);
}

/** Comma-separated http(s) URLs, as many as the row allows; kept as one comma-separated text. */
function parseUrlList(rule: ValueRule, raw: ParamValue): Parsed {
  const count = `${rule.minItems ?? 1} to ${rule.maxItems ?? 'any number of'}`;
  const expected = `${count} http:// or https:// URLs, separated by commas`;
  if (typeof raw !== 'string') return fail(expected);
  const urls = raw.split(',').map((part) => parseUrl(part));
  if (urls.some((url) => !url.ok)) return fail(expected);
  if (urls.length < (rule.minItems ?? 1) || urls.length > (rule.maxItems ?? Infinity)) return fail(expected);
  return ok(urls.map((url) => (url.ok ? String(url.value) : '')).join(','));
}

/** Reads one raw value by the rule of its parameter. Empty text is never a value. */
export function parseValue(rule: ValueRule, raw: ParamValue): Parsed {
  if (typeof raw === 'string' && raw.trim() === '') return fail(`a value (${describeKind(rule)})`);
  switch (rule.kind) {
    case 'enum':
      return parseEnum(rule, raw);
    case 'boolean':
      return parseBoolean(raw);
    case 'number':
      return parseNumber(rule, raw);
    case 'pixels': {
      const n = toNumber(raw);
      return n !== null && Number.isSafeInteger(n) && n > 0 ? ok(n) : fail('a whole number of pixels above 0');
    }
    case 'length':
      return parseLength(raw);
    case 'color':
      return parseColorValue(rule, raw);
    case 'outputSize':
      return parseOutputSize(rule, raw);
    case 'uuid':
      return typeof raw === 'string' && UUID.test(raw.trim()) ? ok(raw.trim().toLowerCase()) : fail('a UUID');
    case 'url':
    case 'image':
      return parseUrl(raw);
    case 'file':
      return typeof raw === 'string' ? ok(raw) : fail('a path to a local image file');
    case 'string':
      return ok(String(raw));
    case 'layers':
      return fail('layer fields given as layers.<id>.<field>');
    case 'numberOrPreset':
      return parseNumberOrPreset(rule, raw);
    case 'urlList':
      return parseUrlList(rule, raw);
  }
}

/** A short phrase naming what a kind accepts, for `--help` and `photoroom params`. */
export function describeKind(rule: ValueRule): string {
  switch (rule.kind) {
    case 'enum':
      return (rule.enum ?? []).join('|');
    case 'boolean':
      return 'true|false';
    case 'number':
      return rule.minimum !== undefined || rule.maximum !== undefined || rule.exclusiveMinimum !== undefined
        ? describeBounds(rule)
        : 'number';
    case 'pixels':
      return 'pixels';
    case 'length':
      return 'ratio|%|px';
    case 'color':
      return 'colour';
    case 'outputSize':
      return ['WxH', ...OUTPUT_SIZE_WORDS].join('|');
    case 'uuid':
      return 'uuid';
    case 'url':
    case 'image':
      return 'url';
    case 'file':
      return 'file';
    case 'string':
      return 'text';
    case 'layers':
      return 'value';
    case 'numberOrPreset':
      return ['degrees', ...(rule.enum ?? [])].join('|');
    case 'urlList':
      return 'url,url,...';
  }
}
