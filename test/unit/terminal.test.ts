import { describe, expect, it } from 'vitest';
import { escapeStrings, jsonLine, terminalSafe } from '../../src/cli/terminal.js';
import { createStyle } from '../../src/cli/reporters/style.js';
import { escapeControls, UNSAFE_CHARACTERS } from '../../src/unsafe-text.js';

/** Every character a terminal acts on or reorders, but the line feed. */
const RAW_CONTROL = new RegExp(`(?!\n)[${UNSAFE_CHARACTERS}]`);

const HOSTILE =
  'a\x1b[2J' + // clear screen
  '\x1b]0;title\x07' + // window title
  '\x1b]52;c;cHduZWQ=\x07' + // clipboard
  '\u009b2J' + // C1 CSI
  '\rok b.png\nok c.png\b\t\u202egnp.d\u2028\x7f';

describe('the terminal trusts what it prints', () => {
  it('shows every control, C1 and bidi character of a value as a visible escape, line breaks included', () => {
    expect(escapeControls(HOSTILE)).toBe(
      'a\\e[2J\\e]0;title\\x07\\e]52;c;cHduZWQ=\\x07\\x9b2J\\rok b.png\\nok c.png\\x08\\t\\u{202e}gnp.d\\u{2028}\\x7f',
    );
    expect(escapeControls('plain/ünïcode → name.png')).toBe('plain/ünïcode → name.png');
  });

  it('lets through the line breaks that end lines and our own colours, nothing else', () => {
    const style = createStyle(true);
    const line = `${style.green('ok')} ${style.dim(style.bold('x'))} ${style.red('y')} ${style.yellow('z')}\n`;
    expect(terminalSafe(line)).toBe(line);
    const safe = terminalSafe(`${HOSTILE}\n\x1b[1A\x1b[2K`);
    expect(safe.replaceAll('\n', '')).not.toMatch(RAW_CONTROL);
    expect(safe).toContain('\\e[1A\\e[2K');
  });

  it('escapes every string of an event, however deep, and nothing else', () => {
    const event = { type: 'summary', ok: 1, failures: [{ input: 'a\nb', error: 'c\x1bd' }], stopped: undefined };
    expect(escapeStrings(event)).toEqual({
      type: 'summary',
      ok: 1,
      failures: [{ input: 'a\\nb', error: 'c\\ed' }],
      stopped: undefined,
    });
  });

  it('writes NDJSON exactly, real names included, with no raw unsafe character', () => {
    const record = { input: HOSTILE, n: 1 };
    const line = jsonLine(record);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(RAW_CONTROL);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(record);
    expect(terminalSafe(line)).toBe(line);
  });
});
