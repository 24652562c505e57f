import { describe, expect, it } from 'vitest';
import { computeLayout, type LayoutRequest, parseLength, resolveSides } from '../../src/emulator/layout.js';

const NONE = { top: 0, right: 0, bottom: 0, left: 0 };

/** A 400x300 image with a 100x80 subject at (150, 110), laid out with the API defaults. */
function request(overrides: Partial<LayoutRequest> = {}): LayoutRequest {
  return {
    frame: { width: 400, height: 300 },
    subject: { left: 150, top: 110, width: 100, height: 80 },
    outputSize: 'auto',
    scaling: 'fit',
    margin: NONE,
    padding: NONE,
    snapCroppedSides: true,
    referenceBox: 'subjectBox',
    ...overrides,
  };
}

const all = (value: number | string) => resolveSides(value, {});

/** The subject touches the bottom edge of the frame: its bottom side is cropped. */
const BOTTOM_CROPPED = { left: 150, top: 220, width: 100, height: 80 };

describe('parseLength', () => {
  it('reads ratios, percentages and pixels', () => {
    expect(parseLength(0.25)).toEqual({ ratio: 0.25, px: 0 });
    expect(parseLength('30%')).toEqual({ ratio: 0.3, px: 0 });
    expect(parseLength('100px')).toEqual({ ratio: 0, px: 100 });
  });
});

describe('resolveSides', () => {
  it('lets each given side override the general value', () => {
    expect(resolveSides(0.1, { left: '20px', bottom: 0 })).toEqual({ top: 0.1, right: 0.1, bottom: 0, left: '20px' });
  });
});

describe('computeLayout: output size', () => {
  it('keeps the input size for auto and originalImage', () => {
    expect(computeLayout(request()).canvas).toEqual({ width: 400, height: 300 });
    expect(computeLayout(request({ outputSize: 'originalImage' })).canvas).toEqual({ width: 400, height: 300 });
  });

  it('uses WIDTHxHEIGHT as given', () => {
    expect(computeLayout(request({ outputSize: '200x100' })).canvas).toEqual({ width: 200, height: 100 });
  });

  it('croppedSubject is the subject box, grown by padding and margin', () => {
    expect(computeLayout(request({ outputSize: 'croppedSubject' }))).toMatchObject({
      canvas: { width: 100, height: 80 },
      placement: { left: 0, top: 0, width: 100, height: 80 },
    });
    expect(computeLayout(request({ outputSize: 'croppedSubject', padding: all('10px') }))).toMatchObject({
      canvas: { width: 120, height: 100 },
      placement: { left: 10, top: 10, width: 100, height: 80 },
    });
    // (100 + 2*10) / (1 - 2*0.1) = 150 wide, (80 + 20) / 0.8 = 125 high.
    const grown = computeLayout(request({ outputSize: 'croppedSubject', padding: all('10px'), margin: all(0.1) }));
    expect(grown.canvas).toEqual({ width: 150, height: 125 });
    expect(grown.placement).toEqual({ left: 25, top: 23, width: 100, height: 80 });
  });

  it('maxWidth and maxHeight shrink the whole result, keeping its aspect ratio', () => {
    const layout = computeLayout(request({ outputSize: 'originalImage', maxWidth: 200 }));
    expect(layout.canvas).toEqual({ width: 200, height: 150 });
    expect(layout.placement).toEqual({ left: 7, top: 0, width: 187, height: 150 });
    expect(computeLayout(request({ maxWidth: 300, maxHeight: 150 })).canvas).toEqual({ width: 200, height: 150 });
    expect(computeLayout(request({ maxWidth: 1000 })).canvas).toEqual({ width: 400, height: 300 });
  });
});

describe('computeLayout: placement', () => {
  it('fits the subject into the whole output by default, centred', () => {
    // Scale min(400/100, 300/80) = 3.75: 375x300, 12.5 px each side.
    expect(computeLayout(request()).placement).toEqual({ left: 13, top: 0, width: 375, height: 300 });
  });

  it('fill scaling covers the target area', () => {
    expect(computeLayout(request({ scaling: 'fill' })).placement).toEqual({
      left: 0,
      top: -10,
      width: 400,
      height: 320,
    });
  });

  it('padding is a ratio of each side of the output, in any unit', () => {
    const expected = { left: 50, top: 30, width: 300, height: 240 };
    expect(computeLayout(request({ padding: all(0.1) })).placement).toEqual(expected);
    expect(computeLayout(request({ padding: all('10%') })).placement).toEqual(expected);
    // 360x260 target: scale 3.25.
    expect(computeLayout(request({ padding: all('20px') })).placement).toEqual({
      left: 38,
      top: 20,
      width: 325,
      height: 260,
    });
  });

  it('padding is taken from the output minus the margins', () => {
    // Margins 40/30; padding 10 % of 320/240 = 32/24; target 256x192 at (72, 54); scale 2.4.
    const layout = computeLayout(request({ margin: all(0.1), padding: all(0.1) }));
    expect(layout.placement).toEqual({ left: 80, top: 54, width: 240, height: 192 });
  });

  it('per-side values override the general one on their side only', () => {
    const padding = resolveSides(0.1, { left: 0.3 });
    expect(computeLayout(request({ padding })).placement).toEqual({ left: 120, top: 54, width: 240, height: 192 });
  });

  it('aligns horizontally and vertically within the target area', () => {
    const padded = { padding: all(0.1) };
    expect(computeLayout(request({ ...padded, horizontalAlignment: 'left' })).placement.left).toBe(40);
    const right = computeLayout(request({ ...padded, horizontalAlignment: 'right' })).placement;
    expect(right.left + right.width).toBe(360);
    // 400x400: scale 4 gives 400x320, leaving 80 px of vertical room.
    const square = { outputSize: '400x400' };
    expect(computeLayout(request({ ...square, verticalAlignment: 'top' })).placement.top).toBe(0);
    expect(computeLayout(request({ ...square })).placement.top).toBe(40);
    expect(computeLayout(request({ ...square, verticalAlignment: 'bottom' })).placement.top).toBe(80);
  });
});

describe('computeLayout: cropped sides', () => {
  it('snaps a cropped side to the output edge, ignoring its padding', () => {
    // Target 320 wide x 270 high (no bottom padding): scale 3.2, anchored at the bottom.
    const layout = computeLayout(request({ subject: BOTTOM_CROPPED, padding: all(0.1) }));
    expect(layout.placement).toEqual({ left: 40, top: 44, width: 320, height: 256 });
  });

  it('still respects the margin on a cropped side', () => {
    const margin = resolveSides(0, { bottom: '10px' });
    const layout = computeLayout(request({ subject: BOTTOM_CROPPED, padding: all(0.1), margin }));
    expect(layout.placement).toEqual({ left: 40, top: 34, width: 320, height: 256 });
  });

  it('does not snap when the option is off', () => {
    const layout = computeLayout(request({ subject: BOTTOM_CROPPED, padding: all(0.1), snapCroppedSides: false }));
    expect(layout.placement).toEqual({ left: 50, top: 30, width: 300, height: 240 });
  });

  it('a custom vertical alignment turns vertical snapping off', () => {
    const layout = computeLayout(request({ subject: BOTTOM_CROPPED, padding: all(0.1), verticalAlignment: 'center' }));
    expect(layout.placement).toEqual({ left: 50, top: 30, width: 300, height: 240 });
  });
});

describe('computeLayout: referenceBox=originalImage', () => {
  it('places the whole original frame, keeping the subject where it was in it', () => {
    const layout = computeLayout(request({ referenceBox: 'originalImage', outputSize: '400x400' }));
    expect(layout.reference).toEqual({ left: 0, top: 0, width: 400, height: 300 });
    expect(layout.placement).toEqual({ left: 0, top: 50, width: 400, height: 300 });
  });

  it('pads around the original frame', () => {
    const layout = computeLayout(request({ referenceBox: 'originalImage', padding: all(0.1) }));
    expect(layout.placement).toEqual({ left: 40, top: 30, width: 320, height: 240 });
  });
});
