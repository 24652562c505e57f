/**
 * Colours as users type them (`#FF0000`, `ff0000ee`, `#f00`, `white`) and as the API wants
 * them: hex without `#` on `/v2/edit`, `#RRGGBB` on `/v1/segment`, or a CSS colour name.
 */
import cssColors from 'color-name';

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0–255 */
  alpha: number;
}

export interface ParsedColor {
  /** Canonical form: upper-case hex without `#` (6 or 8 digits), or a lower-case CSS name. */
  canonical: string;
  rgba: Rgba;
  hasAlpha: boolean;
}

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** The colour names without alpha, for suggestions where alpha is not taken (`/v1/segment`'s bg_color)... */
export const OPAQUE_COLOR_NAMES: readonly string[] = Object.keys(cssColors);
/** ...and every colour name taken. */
export const COLOR_NAMES: readonly string[] = ['transparent', ...OPAQUE_COLOR_NAMES];

/** Reads a colour; `null` when it is neither hex nor a known CSS colour name. */
export function parseColor(text: string): ParsedColor | null {
  const trimmed = text.trim();
  const name = trimmed.toLowerCase();
  if (name === 'transparent') {
    return { canonical: 'transparent', rgba: { r: 0, g: 0, b: 0, alpha: 0 }, hasAlpha: true };
  }
  const named = cssColors[name];
  if (named) {
    const [r, g, b] = named;
    return { canonical: name, rgba: { r, g, b, alpha: 255 }, hasAlpha: false };
  }
  const match = HEX.exec(trimmed);
  if (!match?.[1]) return null;
  let digits = match[1].toUpperCase();
  // Short forms (#F00, #F00A) expand digit by digit, as in CSS.
  if (digits.length <= 4) digits = [...digits].map((d) => d + d).join('');
  const byte = (at: number) => parseInt(digits.slice(at, at + 2), 16);
  const hasAlpha = digits.length === 8;
  return {
    canonical: digits,
    rgba: { r: byte(0), g: byte(2), b: byte(4), alpha: hasAlpha ? byte(6) : 255 },
    hasAlpha,
  };
}

export function isHexCanonical(canonical: string): boolean {
  return /^[0-9A-F]{6}([0-9A-F]{2})?$/.test(canonical);
}
