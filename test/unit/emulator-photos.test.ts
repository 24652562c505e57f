/**
 * Every real photograph in fixtures/photos/ through the emulator's renderer: no answer is
 * blank, and each says how sure its stand-in cutout is and how it was made.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { contentShare, isBlank } from '../../src/emulator/blank.js';
import { renderEdit, renderSegment } from '../../src/emulator/render.js';
import { PHOTO_CUTOUTS } from '../support/photos.js';
import { decode, params } from '../support/rendered.js';

const photo = (name: string) => readFile(new URL(`../../fixtures/photos/${name}`, import.meta.url));

describe.each(Object.entries(PHOTO_CUTOUTS))('%s', (name, method) => {
  it('is a real, non-blank photograph', async () => {
    expect(isBlank(await decode(await photo(name)))).toBe(false);
  });

  it.each([
    ['edit, transparent', () => photo(name).then((input) => renderEdit(input, params()))],
    ['edit on white', () => photo(name).then((input) => renderEdit(input, params({ 'background.color': 'FFFFFF' })))],
    ['segment', () => photo(name).then((input) => renderSegment(input, params()))],
  ])(`%s: not blank, cut by ${method}, with an uncertainty score`, async (_, render) => {
    const { body, headers } = await render();
    const output = await decode(body);
    expect(contentShare(output), 'share of the pixels with content').toBeGreaterThanOrEqual(0.01);
    expect(isBlank(output)).toBe(false);
    expect(headers['x-uncertainty-score']).toMatch(/^[01]\.\d\d$/);
    expect(headers['x-emulator-cutout']).toBe(
      method === 'whole-frame'
        ? "whole-frame (no subject found, so the whole frame is the subject; emulator stand-in, not Photoroom's model)"
        : `${method} (emulator stand-in, not Photoroom's model)`,
    );
    if (method === 'whole-frame') expect(headers['x-uncertainty-score']).toBe('1.00');
  });
});

it('a photograph with its own alpha channel is its own cutout with keepExistingAlphaChannel=auto', async () => {
  const { body, headers } = await renderSegment(await photo('retina-cutout.png'), params());
  const auto = await renderEdit(await photo('retina-cutout.png'), params({ keepExistingAlphaChannel: 'auto' }));
  expect(headers['x-emulator-cutout']).toMatch(/^border-key /);
  expect(auto.headers['x-emulator-cutout']).toMatch(/^image-alpha /);
  expect(isBlank(await decode(body))).toBe(false);
  expect(isBlank(await decode(auto.body))).toBe(false);
});
