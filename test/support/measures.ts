/** Measurements of a compliant 2000×2000 JPEG product shot on white, for tests of what judges them. */
import type { ImageFacts, PixelMeasures } from '../../src/check/measure.js';

export function factsOf(overrides: Partial<ImageFacts> = {}): ImageFacts {
  return {
    format: 'jpeg',
    bytes: 800_000,
    width: 2000,
    height: 2000,
    colorSpace: 'rgb',
    bitDepth: 8,
    hasAlpha: false,
    frames: 1,
    ...overrides,
  };
}

export function pixelsOf(overrides: Partial<PixelMeasures> = {}): PixelMeasures {
  return {
    background: { kind: 'color', color: 'FFFFFF' },
    subject: { left: 100, top: 100, width: 1800, height: 1600 },
    fill: 0.9,
    areaShare: 0.72,
    borderPurity: 1,
    backgroundPurity: 1,
    frame: null,
    ...overrides,
  };
}
