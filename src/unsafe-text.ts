/**
 * Text from outside (file names, a server's error messages, values typed by the user) must
 * never drive a terminal or a CI log: an ESC sequence can clear the screen, set the window
 * title or write the clipboard (OSC 52), a CR or LF can forge a line such as `ok a.png`, and a
 * bidi override can reorder what is shown. Such characters are shown as visible escapes
 * instead: `\e`, `\r`, `\n`, `\t`, `\xHH` for other C0, DEL and C1 controls, `\u{HHHH}` for
 * bidi controls and line or paragraph separators. A backslash itself is left as it is.
 */

/** What a terminal may act on or reorder rather than show, as a character class's body: C0, DEL, C1, bidi marks, overrides and isolates, U+2028/U+2029. */
export const UNSAFE_CHARACTERS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

const NAMED: Readonly<Record<string, string>> = { '\x1b': '\\e', '\r': '\\r', '\n': '\\n', '\t': '\\t' };

/** One unsafe character as a visible escape. */
export function visibleEscape(char: string): string {
  const code = char.codePointAt(0)!;
  return NAMED[char] ?? (code <= 0x9f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
}

const UNSAFE = new RegExp(`[${UNSAFE_CHARACTERS}]`, 'g');

/** `text` as one line a terminal shows as it is: every unsafe character, line breaks included, as a visible escape. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}
