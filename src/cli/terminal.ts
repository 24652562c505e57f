/**
 * What the CLI prints is safe on a terminal: values are escaped whole before they are put in
 * a line (escapeControls, see unsafe-text.ts), and everything written as text is escaped
 * again where it leaves the program (terminalSafe, applied by io.ts), so that nothing a
 * command forgot can act on the terminal.
 */
import { escapeControls, UNSAFE_CHARACTERS, visibleEscape } from '../unsafe-text.js';
import { STYLE_CODES } from './reporters/style.js';

export { escapeControls } from '../unsafe-text.js';

/** Our own colours (reporters/style.ts), kept; any other unsafe character but a line break, escaped. */
const UNSAFE_BUT_OURS = new RegExp(
  `(${STYLE_CODES.map((code) => `\\x1b\\[${code}m`).join('|')})|(?!\\n)[${UNSAFE_CHARACTERS}]`,
  'g',
);

/**
 * The last line of defence, applied to everything written to stdout and stderr as text (see
 * io.ts). Line breaks are kept, since they end our lines: values are escaped whole by
 * escapeControls before they are put in a line. Bytes (an image on `-o -`) are never
 * touched, and NDJSON holds no unsafe character (see jsonLine): both pass unchanged.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_BUT_OURS, (match, ours: string | undefined) => ours ?? visibleEscape(match));
}

/** Every string in `value`, however deep, through escapeControls: an event made ready to be worded for a person. */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeStrings(inner)])) as T;
  }
  return value;
}

/** JSON.stringify escapes C0 but leaves DEL, C1, bidi controls and U+2028/U+2029 raw. */
const RAW_IN_JSON = new RegExp(`[${UNSAFE_CHARACTERS}]`, 'g');

/**
 * One NDJSON line: `record` exactly (JSON.parse gives back the same strings, real names
 * included), with every unsafe character as a `\u` escape, so that `--json` on a terminal is
 * safe too and passes terminalSafe unchanged.
 */
export function jsonLine(record: unknown): string {
  const json = JSON.stringify(record).replace(
    RAW_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${json}\n`;
}
