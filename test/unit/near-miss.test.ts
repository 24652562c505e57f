import { describe, expect, it } from 'vitest';
import { didYouMean, nearest } from '../../src/near-miss.js';
import { COLOR_NAMES } from '../../src/params/color.js';

describe('a near miss', () => {
  it('takes two neighbours swapped as one slip: whiet is white, not wheat', () => {
    expect(nearest('whiet', COLOR_NAMES)).toBe('white');
    expect(nearest('eidt', ['edit', 'segment', 'account'])).toBe('edit');
    expect(didYouMean('balck', COLOR_NAMES)).toBe('; did you mean "black"?');
  });

  it('suggests within two slips, a mode without its prefix, and nothing for two letters or fewer', () => {
    expect(nearest('whte', COLOR_NAMES)).toBe('white');
    expect(nearest('soft', ['ai.soft', 'ai.hard'])).toBe('ai.soft');
    expect(nearest('segmnet', ['edit', 'segment'])).toBe('segment');
    expect(nearest('xyzzy', ['edit', 'segment'])).toBeUndefined();
    expect(nearest('ed', ['edit'])).toBeUndefined();
    expect(didYouMean('nothing-near', COLOR_NAMES)).toBe('');
  });
});

describe('a near miss of a refused value', () => {
  it('is never the value itself', () => {
    expect(nearest('transparent', COLOR_NAMES)).toBeUndefined();
    expect(nearest('PNG', ['png', 'jpeg'])).toBe('png');
  });
});
