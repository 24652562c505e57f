/**
 * The built-in presets, one row per marketplace. Every figure carries its source: the
 * marketplaces' rules as issue 20 states them (the seller pages it names); no address is
 * given where none was checked. A figure this project chose inside a stated range says why
 * in its `note`.
 *
 * How the rules become parameters: with `scaling: fit` on a square `outputSize`, the
 * subject's longest side is (1 − 2·padding) of the frame, so a fill of at least F needs
 * padding ≤ (1 − F) / 2. Padding is dropped on the sides where the photo crops the subject
 * unless `ignorePaddingAndSnapOnCroppedSides` is false: the presets with a fill or
 * background rule set it false, so a cropped product does not touch the border.
 */
import type { Preset } from './types.js';

const AMAZON = 'Amazon Seller Central, product image requirements (main image), as stated in issue 20';
const WALMART = 'Walmart Marketplace, product image guidelines, as stated in issue 20';
const SHOPIFY = 'Shopify Help Center, product media requirements, as stated in issue 20';
const EBAY = 'eBay, picture policy and tips, as stated in issue 20';
const GOOGLE = 'Google Merchant Center, image link [image_link] requirements, as stated in issue 20';
const ETSY = 'Etsy, listing photo recommendations, as stated in issue 20';

/** A share of the border ring below 1: a few pixels of antialiased edge or JPEG noise. */
const PURITY_NOTE =
  '"pure white" read as 99% of the border ring exactly FFFFFF: the rest allows JPEG noise and a soft shadow touching the edge';

export const PRESETS: readonly Preset[] = [
  {
    name: 'amazon',
    description: 'Amazon main image: pure white, product fills 85% or more, 2000×2000 JPEG for zoom',
    params: {
      'background.color': 'FFFFFF',
      // Fill ≥ 0.85 needs padding ≤ 0.075; 0.05 gives 90%, room for a subject the cutout trims.
      padding: 0.05,
      scaling: 'fit',
      ignorePaddingAndSnapOnCroppedSides: false,
      // 1600+ recommended, zoom from 1000, at most 10000.
      outputSize: '2000x2000',
      // JPEG preferred.
      'export.format': 'jpeg',
    },
    checks: {
      background: { figure: { color: 'FFFFFF', purity: 0.99 }, source: AMAZON, note: PURITY_NOTE },
      minFill: { figure: 0.85, source: AMAZON },
      minLongestSide: {
        figure: 500,
        source: AMAZON,
        note: 'the minimum; 1000 px enables zoom and 1600 px is recommended',
      },
      maxLongestSide: { figure: 10_000, source: AMAZON },
      formats: { figure: ['jpeg', 'png', 'tiff', 'gif'], source: AMAZON, note: 'JPEG preferred' },
      noAnimation: { figure: true, source: AMAZON },
      noText: { figure: true, source: AMAZON, note: 'no text, logos or watermarks' },
    },
  },
  {
    name: 'walmart',
    description: 'Walmart: seamless white, square 2200×2200 JPEG, at most 5 MB',
    params: {
      'background.color': 'FFFFFF',
      // No fill rule: a narrow margin keeps the white border seamless around the product.
      padding: 0.05,
      scaling: 'fit',
      ignorePaddingAndSnapOnCroppedSides: false,
      // 2200×2200 recommended, 1:1.
      outputSize: '2200x2200',
      'export.format': 'jpeg',
    },
    checks: {
      background: { figure: { color: 'FFFFFF', purity: 0.99 }, source: WALMART, note: PURITY_NOTE },
      minShortestSide: { figure: 1500, source: WALMART, note: '1500×1500 for zoom; 2200×2200 recommended' },
      aspect: { figure: 1, source: WALMART, note: '1:1' },
      formats: { figure: ['jpeg', 'png', 'bmp'], source: WALMART },
      colorSpace: { figure: 'rgb', source: WALMART, note: 'RGB, 8 bits a channel' },
      bitDepth: { figure: 8, source: WALMART, note: 'RGB, 8 bits a channel' },
      maxBytes: { figure: 5_000_000, source: WALMART, note: '5 MB, read as 5,000,000 bytes (the stricter reading)' },
    },
  },
  {
    name: 'shopify',
    description: 'Shopify: square 2048×2048, under 20 MB and 20 MP',
    params: {
      // 2048×2048 recommended for square images.
      outputSize: '2048x2048',
      scaling: 'fit',
    },
    checks: {
      maxLongestSide: {
        figure: 4472,
        source: SHOPIFY,
        note: 'sources disagree (some say 5000×5000); the stricter figure',
      },
      maxPixels: {
        figure: 20_000_000,
        source: SHOPIFY,
        note: 'sources disagree (some say 25 MP); the stricter figure',
      },
      formats: { figure: ['png', 'gif', 'jpeg'], source: SHOPIFY },
      maxBytes: { figure: 20_000_000, source: SHOPIFY, note: 'under 20 MB' },
    },
  },
  {
    name: 'ebay',
    description: 'eBay: 1600×1600 JPEG, no text',
    params: {
      // Longest side ≥ 500, 1600 recommended.
      outputSize: '1600x1600',
      scaling: 'fit',
      'export.format': 'jpeg',
    },
    checks: {
      minLongestSide: { figure: 500, source: EBAY, note: '1600 px recommended' },
      noText: { figure: true, source: EBAY, note: 'no borders, text or watermarks' },
      noBorder: { figure: true, source: EBAY, note: 'no borders, text or watermarks' },
    },
  },
  {
    name: 'google',
    description: 'Google Merchant Center: product fills 75–90%, 1500×1500, no promotional text',
    params: {
      // Fill from 0.75 to 0.9 needs padding from 0.05 to 0.125; 0.08 gives 84%, inside both ends.
      padding: 0.08,
      scaling: 'fit',
      ignorePaddingAndSnapOnCroppedSides: false,
      // ≥ 1500×1500 recommended.
      outputSize: '1500x1500',
    },
    checks: {
      minFill: { figure: 0.75, source: GOOGLE, note: '75–90% of the frame recommended', advisory: true },
      maxFill: { figure: 0.9, source: GOOGLE, note: '75–90% of the frame recommended', advisory: true },
      minShortestSide: {
        figure: 100,
        source: GOOGLE,
        note: '250×250 for apparel; 1500×1500 recommended',
      },
      maxPixels: { figure: 64_000_000, source: GOOGLE },
      formats: { figure: ['jpeg', 'webp', 'png', 'gif', 'bmp', 'tiff'], source: GOOGLE },
      maxBytes: { figure: 16_000_000, source: GOOGLE, note: '16 MB, read as 16,000,000 bytes (the stricter reading)' },
      noText: { figure: true, source: GOOGLE, note: 'no watermarks, promotional text or borders' },
      noBorder: { figure: true, source: GOOGLE, note: 'no watermarks, promotional text or borders' },
    },
  },
  {
    name: 'etsy',
    description: 'Etsy: 2000×2000, JPEG',
    params: {
      // 2000 px recommended.
      outputSize: '2000x2000',
      scaling: 'fit',
      'export.format': 'jpeg',
    },
    checks: {
      minShortestSide: { figure: 635, source: `${ETSY} (third-party figures)`, note: '2000 px recommended' },
      formats: { figure: ['jpeg', 'png', 'gif'], source: ETSY },
    },
  },
];

export function builtInPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
