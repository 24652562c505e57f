/** Each check in words, for `photoroom presets`: `product fills 85% of the frame or more`. */
import type { CheckFigures, CheckName } from './types.js';

const share = (value: number) => `${Math.round(value * 1000) / 10}%`;

const DESCRIPTIONS: { readonly [Name in CheckName]: (figure: CheckFigures[Name]) => string } = {
  background: ({ color, purity }) => `background ${color}: ${share(purity)} of the border ring exactly that colour`,
  minFill: (fill) => `product fills ${share(fill)} of the frame or more`,
  maxFill: (fill) => `product fills ${share(fill)} of the frame or less`,
  minLongestSide: (pixels) => `longest side ${pixels} px or more`,
  maxLongestSide: (pixels) => `longest side ${pixels} px or less`,
  minShortestSide: (pixels) => `shortest side ${pixels} px or more`,
  maxPixels: (pixels) => `${pixels / 1_000_000} megapixels or less`,
  aspect: (aspect) => (aspect === 1 ? 'square (1:1)' : `aspect ${aspect} (width over height)`),
  formats: (formats) => `format ${formats.join(', ')}`,
  maxBytes: (bytes) => `${bytes.toLocaleString('en-US')} bytes or less`,
  colorSpace: () => 'RGB colour (not greyscale, not CMYK)',
  bitDepth: (bits) => `${bits} bits a channel`,
  noAnimation: () => 'not animated',
  noBorder: () => 'no border drawn around the picture',
  noText: () => 'no text, logos or watermarks on the image (not judged: no measurement tells)',
};

export function describeCheck<Name extends CheckName>(
  name: Name,
  figure: CheckFigures[Name],
  advisory?: boolean,
): string {
  const describe: (figure: CheckFigures[Name]) => string = DESCRIPTIONS[name];
  return advisory ? `${describe(figure)} (recommended)` : describe(figure);
}
