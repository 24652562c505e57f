/** ANSI colour for the human output; with colour off every function returns its text untouched. */

type Paint = (text: string) => string;

export interface Style {
  green: Paint;
  red: Paint;
  yellow: Paint;
  dim: Paint;
  bold: Paint;
}

/** Every SGR code the palette below uses: the only escape sequences the CLI's text may hold (see cli/terminal.ts). */
export const STYLE_CODES = [1, 2, 22, 31, 32, 33, 39] as const;

type StyleCode = (typeof STYLE_CODES)[number];

const paint =
  (open: StyleCode, close: StyleCode): Paint =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`;

const plain: Paint = (text) => text;

const colored: Style = {
  green: paint(32, 39),
  red: paint(31, 39),
  yellow: paint(33, 39),
  dim: paint(2, 22),
  bold: paint(1, 22),
};
const uncolored: Style = { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };

export function createStyle(color: boolean): Style {
  return color ? colored : uncolored;
}

/** Colour when the stream is a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export function shouldColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '';
}
