import { describe, expect, it } from 'vitest';
import { judge, percent, type Measured } from '../../src/check/judge.js';
import { builtInPreset } from '../../src/presets/table.js';
import type { Preset } from '../../src/presets/types.js';
import { factsOf, pixelsOf } from '../support/measures.js';

const facts = factsOf;
const pixels = pixelsOf;

function preset(name: string): Preset {
  const found = builtInPreset(name);
  if (!found) throw new Error(`no preset ${name}`);
  return found;
}

const reasons = (name: string, measured: Measured) => judge(preset(name), measured).failures.map((f) => f.reason);

describe('judging an image against a preset', () => {
  it('passes a compliant amazon main image, leaving text to the API', () => {
    const verdict = judge(preset('amazon'), { facts: facts(), pixels: pixels() });
    expect(verdict).toEqual({ preset: 'amazon', pass: true, failures: [], advice: [], unjudged: ['noText'] });
  });

  it.each([
    ['amazon', { pixels: pixels({ fill: 0.71 }) }, 'product fills 71% of the frame; amazon wants 85% or more'],
    [
      'amazon',
      { pixels: pixels({ borderPurity: 0.62 }) },
      'background: 38% of the border is not pure white; amazon wants at most 1%',
    ],
    [
      'amazon',
      { pixels: pixels({ background: { kind: 'transparent' } }) },
      'background: the border is transparent; amazon wants pure white',
    ],
    [
      'amazon',
      { pixels: pixels({ subject: null, fill: 0, areaShare: 0 }) },
      'no product found, the image is all background; amazon wants the product to fill 85% of the frame or more',
    ],
    ['amazon', { facts: facts({ width: 400, height: 300 }) }, '400×300: amazon wants the longest side 500 px or more'],
    [
      'amazon',
      { facts: facts({ width: 12000, height: 9000 }) },
      '12000×9000: amazon wants the longest side 10000 px or less',
    ],
    ['amazon', { facts: facts({ format: 'webp' }) }, 'WebP: amazon wants JPEG, PNG, TIFF or GIF'],
    ['amazon', { facts: facts({ format: 'gif', frames: 3 }) }, 'animated GIF of 3 frames: amazon wants a still image'],
    ['walmart', { facts: facts({ width: 2000, height: 1600 }) }, '2000×1600: walmart wants a square'],
    ['walmart', { facts: facts({ width: 1000, height: 1000 }) }, '1000×1000: walmart wants each side 1500 px or more'],
    ['walmart', { facts: facts({ bytes: 6_234_567 }) }, '6.2 MB (6,234,567 bytes): walmart wants 5 MB or less'],
    ['walmart', { facts: facts({ colorSpace: 'cmyk' }) }, 'CMYK colour: walmart wants RGB'],
    ['walmart', { facts: facts({ colorSpace: 'grey' }) }, 'greyscale: walmart wants RGB'],
    ['walmart', { facts: facts({ bitDepth: 16 }) }, '16 bits a channel: walmart wants 8'],
    [
      'shopify',
      { facts: facts({ width: 5000, height: 1000 }) },
      '5000×1000: shopify wants the longest side 4472 px or less',
    ],
    [
      'ebay',
      { pixels: pixels({ frame: { color: '000000', thickness: 20 } }) },
      'a 20 px border (#000000) is drawn around the picture: ebay wants none',
    ],
    [
      'etsy',
      { facts: facts({ format: 'png', width: 600, height: 600 }) },
      '600×600: etsy wants each side 635 px or more',
    ],
  ] as const)('%s refuses %j', (name, overrides, reason) => {
    expect(reasons(name, { facts: facts(), pixels: pixels(), ...overrides })).toEqual([reason]);
  });

  it("tells a recommendation missed (google's 75–90% fill) without refusing the image", () => {
    const verdict = judge(preset('google'), { facts: facts(), pixels: pixels({ fill: 0.95 }) });
    expect(verdict.pass).toBe(true);
    expect(verdict.failures).toEqual([]);
    expect(verdict.advice).toEqual([
      {
        check: 'maxFill',
        measured: 0.95,
        wants: 0.9,
        reason: 'product fills 95% of the frame; google recommends 90% or less',
      },
    ]);
  });

  it('names every failed rule of one image, in the checks order, with its figures', () => {
    const verdict = judge(preset('amazon'), {
      facts: facts({ width: 400, height: 400, format: 'webp' }),
      pixels: pixels({ fill: 0.6, borderPurity: 0.5 }),
    });
    expect(verdict.pass).toBe(false);
    expect(verdict.failures.map(({ check, measured, wants }) => ({ check, measured, wants }))).toEqual([
      { check: 'background', measured: 0.5, wants: { color: 'FFFFFF', purity: 0.99 } },
      { check: 'minFill', measured: 0.6, wants: 0.85 },
      { check: 'minLongestSide', measured: 400, wants: 500 },
      { check: 'formats', measured: 'webp', wants: ['jpeg', 'png', 'tiff', 'gif'] },
    ]);
  });

  it('gives no verdict on an image whose pixels could not be measured, whatever the preset: no pass, no refusal on its header', () => {
    const cut = { facts: facts({ width: 300, height: 300 }), pixels: { unmeasured: 'its pixels do not decode: cut' } };
    // Amazon would refuse 300×300 by the header alone, a header a file cut short may not honour.
    expect(judge(preset('amazon'), cut)).toEqual({
      preset: 'amazon',
      pass: false,
      failures: [],
      advice: [],
      unjudged: ['background', 'minFill', 'minLongestSide', 'maxLongestSide', 'formats', 'noAnimation', 'noText'],
      unmeasured: 'its pixels do not decode: cut',
    });
    // Etsy and Shopify have no rule on pixels: their header rules would pass it.
    for (const name of ['etsy', 'shopify'])
      expect(judge(preset(name), { ...cut, facts: facts() })).toMatchObject({
        pass: false,
        failures: [],
        unmeasured: 'its pixels do not decode: cut',
      });
    // Past the decode limit: neither refused for its size nor passed.
    const huge = { facts: facts({ format: 'png', width: 40_000, height: 40_000 }), pixels: { unmeasured: '1600 MP' } };
    expect(judge(preset('amazon'), huge)).toMatchObject({ pass: false, failures: [], unmeasured: '1600 MP' });
    expect(judge(preset('etsy'), huge)).toMatchObject({ pass: false, failures: [], unmeasured: '1600 MP' });
    // Walmart takes BMP; a run-length one is not decoded: not passed.
    const bmp = { facts: facts({ format: 'bmp' }), pixels: { unmeasured: 'a BMP of compression 1' } };
    expect(judge(preset('walmart'), bmp)).toMatchObject({ pass: false, unmeasured: 'a BMP of compression 1' });
    // Pixels measured: no `unmeasured`.
    expect(judge(preset('etsy'), { facts: facts(), pixels: pixels() })).not.toHaveProperty('unmeasured');
  });

  it('takes a square to the pixel, and another aspect to within a pixel', () => {
    expect(reasons('walmart', { facts: facts({ width: 2200, height: 2210 }), pixels: pixels() })).toEqual([
      '2200×2210: walmart wants a square',
    ]);
    const wide = { ...preset('walmart'), checks: { aspect: { figure: 4 / 3, source: 'test' } } };
    expect(judge(wide, { facts: facts({ width: 1000, height: 750 }), pixels: pixels() }).pass).toBe(true);
    // 1366 × 3/4 = 1024.5: either height is 4:3 to within a pixel.
    expect(judge(wide, { facts: facts({ width: 1366, height: 1025 }), pixels: pixels() }).pass).toBe(true);
    expect(judge(wide, { facts: facts({ width: 1366, height: 1024 }), pixels: pixels() }).pass).toBe(true);
    expect(judge(wide, { facts: facts({ width: 1000, height: 751 }), pixels: pixels() }).pass).toBe(false);
  });

  it('takes a white band around the picture for white space, not a border', () => {
    // A box product laid out square on white has a framed picture's geometry (measure.ts finds it).
    for (const color of ['FFFFFF', 'F0F2EE'])
      expect(reasons('ebay', { facts: facts(), pixels: pixels({ frame: { color, thickness: 100 } }) })).toEqual([]);
    expect(reasons('ebay', { facts: facts(), pixels: pixels({ frame: { color: 'E0E0E0', thickness: 20 } }) })).toEqual([
      'a 20 px border (#E0E0E0) is drawn around the picture: ebay wants none',
    ]);
  });

  it('holds the bound itself as passing', () => {
    expect(judge(preset('amazon'), { facts: facts(), pixels: pixels({ fill: 0.85, borderPurity: 0.99 }) }).pass).toBe(
      true,
    );
  });
});

describe('percent', () => {
  it('shows as many decimals as it takes to differ from the bound', () => {
    expect(percent(0.71, 0.85)).toBe('71%');
    expect(percent(0.8496, 0.85)).toBe('84.96%');
    expect(percent(0.849, 0.85)).toBe('84.9%');
    expect(percent(0.0104, 0.01)).toBe('1.04%');
    expect(percent(0.05)).toBe('5%');
  });
});
