import { describe, expect, it } from 'vitest';
import { paramByName } from '../../src/params/table.js';
import type { ParamValue } from '../../src/params/types.js';
import { lengthShare, outputDimensions, parseValue, readBooleanWord, readNumber } from '../../src/params/values.js';

function read(name: string, raw: ParamValue) {
  const spec = paramByName(name);
  if (!spec) throw new Error(`no parameter ${name}`);
  return parseValue(spec, raw);
}

describe('booleans', () => {
  it('accept true/false, yes/no, on/off and 1/0 in any case, from text, booleans and numbers', () => {
    for (const raw of ['true', 'YES', 'On', '1', true, 1])
      expect(read('removeBackground', raw)).toEqual({ ok: true, value: true });
    for (const raw of ['false', 'no', 'OFF', '0', false, 0])
      expect(read('removeBackground', raw)).toEqual({ ok: true, value: false });
  });

  it("read segment's string-typed crop and despill the same way", () => {
    expect(read('crop', 'yes')).toEqual({ ok: true, value: true });
    expect(read('despill', 'Off')).toEqual({ ok: true, value: false });
  });

  it('refuse any other word, including names every object has', () => {
    for (const raw of ['maybe', 'y', '2', 'constructor', 'toString']) {
      expect(readBooleanWord(raw)).toBeUndefined();
      expect(read('removeBackground', raw)).toEqual({ ok: false, expected: 'true or false (or yes/no, on/off, 1/0)' });
    }
  });
});

describe('numbers', () => {
  it('are finite and in decimal notation', () => {
    expect(readNumber(' 1e3 ')).toBe(1000);
    for (const text of ['1e309', '-1e309', 'Infinity', '0x10', '0b1', '1_000', '']) expect(readNumber(text)).toBeNull();
    for (const raw of ['1e309', '-1e309', 'Infinity', Infinity, Number.NaN]) {
      expect(read('background.seed', raw).ok).toBe(false);
      expect(read('background.guidance.scale', raw).ok).toBe(false);
      expect(read('maxWidth', raw).ok).toBe(false);
      expect(read('padding', raw).ok).toBe(false);
    }
  });

  it('keep the digits of an integer beyond 2^53 as typed, checking bounds on its value', () => {
    expect(read('background.seed', '9007199254740993')).toEqual({ ok: true, value: '9007199254740993' });
    expect(read('expand.seed', '+0018446744073709551617')).toEqual({ ok: true, value: '18446744073709551617' });
    expect(read('uncrop.seed', '-9007199254740993')).toEqual({ ok: true, value: '-9007199254740993' });
    expect(read('background.seed', '42')).toEqual({ ok: true, value: 42 });
    expect(read('export.dpi', '9007199254740993').ok).toBe(false);
  });

  it('refuse such an integer in a spelling that may have lost its digits', () => {
    const refused = {
      ok: false,
      expected: 'a number; write an integer this large as plain digits (quoted in a config file)',
    };
    expect(read('background.seed', 2 ** 53 + 2)).toEqual(refused); // as a config file's number arrives
    expect(read('background.seed', '1e20')).toEqual(refused);
    expect(read('background.seed', '9007199254740993.5')).toEqual(refused);
  });

  it('take whole pixels that a double holds exactly', () => {
    expect(read('maxWidth', '800')).toEqual({ ok: true, value: 800 });
    expect(read('maxWidth', '9007199254740993').ok).toBe(false);
    expect(read('padding', '100px')).toEqual({ ok: true, value: '100px' });
    expect(read('padding', '99999999999999999999px').ok).toBe(false);
  });
});

describe('outputSize, read by the table row pattern', () => {
  const row = paramByName('outputSize')!;

  it('takes WIDTHxHEIGHT in either case of x, and sends it in the contract form', () => {
    expect(parseValue(row, '1000X1000')).toEqual({ ok: true, value: '1000x1000' });
    expect(parseValue(row, ' 1200x800 ')).toEqual({ ok: true, value: '1200x800' });
    expect(parseValue(row, 'croppedSubject')).toEqual({ ok: true, value: 'croppedSubject' });
  });

  it('refuses what the pattern refuses, and a zero side', () => {
    for (const text of ['big', '0x100', '100x0', '100x', 'original']) expect(parseValue(row, text).ok).toBe(false);
  });

  it('follows the row: a pattern without auto refuses auto', () => {
    expect(parseValue({ ...row, pattern: '^(\\d+x\\d+)$' }, 'auto').ok).toBe(false);
  });
});

describe('reading a validated length or output size', () => {
  it('gives a length as a share of its side: a ratio as it is, a percentage over 100, pixels over the side when known', () => {
    expect([lengthShare(0.05), lengthShare('5%'), lengthShare('12.5%'), lengthShare('300px', 2000)]).toEqual([
      0.05, 0.05, 0.125, 0.15,
    ]);
    expect(lengthShare('300px')).toBeNull();
  });

  it('gives an output size its width and height, and none for the sizes the input decides', () => {
    expect(outputDimensions('2200x1800')).toEqual({ width: 2200, height: 1800 });
    expect(['auto', 'originalImage', 'croppedSubject'].map((size) => outputDimensions(size))).toEqual([
      null,
      null,
      null,
    ]);
  });
});

describe('colours where alpha is not taken (/v1/segment bg_color)', () => {
  it('says to leave transparent out, and never suggests the value it refused', () => {
    const refused = read('bg_color', 'transparent');
    expect(refused.ok).toBe(false);
    const text = JSON.stringify(refused);
    expect(text).toContain('leave it out for a transparent background');
    expect(text).not.toContain('did you mean');
    expect(read('bg_color', '#FF000080').ok).toBe(false);
    expect(JSON.stringify(read('bg_color', 'whte'))).toContain('did you mean \\"white\\"');
    expect(read('bg_color', 'white')).toEqual({ ok: true, value: 'white' });
  });
});

describe('a colour a config file gave as a number', () => {
  it('says to quote it: YAML reads 000000 as 0', () => {
    const refused = read('background.color', 0);
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).toContain('a config file gave the number 0: put the colour in quotes');
    expect(JSON.stringify(refused)).not.toContain('did you mean');
  });
});
