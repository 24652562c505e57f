/** The request cases hold every form of a value kind that has several. */
import { describe, expect, it } from 'vitest';
import { paramByName } from '../../src/params/table.js';
import { paramsToSend } from './cases.js';

describe('request cases', () => {
  it('send lengths as ratios, percentages and pixels', () => {
    const lengths = paramsToSend('edit', 'POST', 'upload.jpg').filter(
      (param) => paramByName(param.name)?.kind === 'length',
    );
    const forms = new Set(
      lengths.map(({ value }) => (value.endsWith('%') ? 'percent' : value.endsWith('px') ? 'pixels' : 'ratio')),
    );
    expect([...forms].sort()).toEqual(['percent', 'pixels', 'ratio']);
  });
});
