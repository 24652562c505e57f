import { describe, expect, it } from 'vitest';
import { formatTable, wrapLine, wrapProse } from '../../src/cli/text.js';

describe('text for the terminal', () => {
  it('wraps prose at spaces, keeping a word longer than the width whole', () => {
    expect(wrapLine('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapLine('a --ignorePaddingAndSnapOnCroppedSides b', 10)).toEqual([
      'a',
      '--ignorePaddingAndSnapOnCroppedSides',
      'b',
    ]);
  });

  it('reflows prose lines and keeps indented lines as written', () => {
    const text = 'Inputs are files,\nfolders or globs.\n\nExamples:\n  photoroom edit a.jpg --bg white';
    expect(wrapProse(text, 20)).toBe(
      'Inputs are files,\nfolders or globs.\n\nExamples:\n  photoroom edit a.jpg --bg white',
    );
    expect(wrapProse('a b c d e f', 5)).toBe('a b c\nd e f');
  });

  it('aligns columns, wraps the last one, and gives a first cell too wide its own lines', () => {
    const columns = [{ title: 'FLAG', max: 8 }, { title: 'WHAT' }];
    const rows = [
      [['--bg'], ['a colour for the background']],
      [['--background.color'], ['the same']],
    ];
    expect(formatTable(columns, rows, 30)).toEqual([
      'FLAG      WHAT',
      '--bg      a colour for the',
      '          background',
      '--background.color',
      '          the same',
    ]);
  });
});
