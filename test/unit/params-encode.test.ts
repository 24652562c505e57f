import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/emulator/requests.js';
import { encodeFields, toQueryString } from '../../src/params/encode.js';
import { buildParamSet } from '../../src/params/paramset.js';
import type { Endpoint } from '../../src/params/types.js';

function encode(endpoint: Endpoint, values: Record<string, string | number | boolean>) {
  const built = buildParamSet(
    endpoint,
    Object.entries(values).map(([name, value]) => ({ name, value, source: `--${name}` })),
    { method: 'POST', hasInputImage: true },
  );
  expect(built.problems).toEqual([]);
  return encodeFields(built.params, '/work/photos');
}

describe('encoding parameters as request fields', () => {
  it('sends edit colours as hex without # and names as given', () => {
    expect(encode('edit', { 'background.color': '#ff0000' })).toEqual([['background.color', 'FF0000']]);
    expect(encode('edit', { 'background.color': 'ff0000ee' })).toEqual([['background.color', 'FF0000EE']]);
    expect(encode('edit', { 'background.color': '#f00' })).toEqual([['background.color', 'FF0000']]);
    expect(encode('edit', { 'background.color': 'White' })).toEqual([['background.color', 'white']]);
  });

  it('sends segment colours as #RRGGBB', () => {
    expect(encode('segment', { bg_color: 'ff00ff' })).toEqual([['bg_color', '#FF00FF']]);
    expect(encode('segment', { bg_color: 'red' })).toEqual([['bg_color', 'red']]);
  });

  it('sends numbers, zero and false in their string forms', () => {
    expect(encode('edit', { padding: '0', removeBackground: false, 'export.dpi': '300' })).toEqual([
      ['padding', '0'],
      ['removeBackground', 'false'],
      ['export.dpi', '300'],
    ]);
    expect(encode('segment', { crop: 'TRUE', despill: false })).toEqual([
      ['crop', 'true'],
      ['despill', 'false'],
    ]);
  });

  it('sends a seed beyond 2^53 with every digit', () => {
    expect(
      encode('edit', { 'background.seed': '9007199254740993', 'imageFromPrompt.seed': '18446744073709551617' }),
    ).toEqual([
      ['background.seed', '9007199254740993'],
      ['imageFromPrompt.seed', '18446744073709551617'],
    ]);
  });

  it('reads a request carrying such a seed, as the emulator does, without losing a digit', () => {
    const { validation } = parseRequest('edit', 'POST', [
      ['background.prompt', 'x'],
      ['background.seed', '9007199254740993'],
    ]);
    expect(validation.problems).toEqual([]);
    expect(validation.params.get('background.seed')).toBe('9007199254740993');
  });

  it('sends lengths in the unit given', () => {
    expect(encode('edit', { padding: '10%', marginTop: '100px', marginLeft: '.25' })).toEqual([
      ['padding', '10%'],
      ['marginTop', '100px'],
      ['marginLeft', '0.25'],
    ]);
  });

  it('sends expandPrompt modes as the object field and legacy values as the plain field', () => {
    expect(encode('edit', { 'background.expandPrompt': 'ai.auto' })).toEqual([
      ['background.expandPrompt.mode', 'ai.auto'],
    ]);
    expect(encode('edit', { 'background.expandPrompt': 'never' })).toEqual([['background.expandPrompt', 'never']]);
    expect(encode('edit', { 'background.expandPrompt.mode': 'ai.never' })).toEqual([
      ['background.expandPrompt.mode', 'ai.never'],
    ]);
  });

  it("names local files instead of reading them, relative to the run's working folder", () => {
    expect(encode('edit', { 'background.imageFile': 'bg.jpg' })).toEqual([
      ['background.imageFile', { file: '/work/photos/bg.jpg' }],
    ]);
    expect(encode('edit', { 'background.imageFile': '/srv/bg.jpg' })).toEqual([
      ['background.imageFile', { file: '/srv/bg.jpg' }],
    ]);
  });

  it('canonicalises enum case to the API spelling', () => {
    expect(encode('edit', { 'export.format': 'WEBP', 'shadow.mode': 'AI.SOFT' })).toEqual([
      ['export.format', 'webp'],
      ['shadow.mode', 'ai.soft'],
    ]);
  });

  it('builds the GET query string with imageUrl first', () => {
    const fields = encode('edit', { 'background.color': 'white', padding: '10%' });
    expect(toQueryString('https://a.test/x y.png', fields)).toBe(
      'imageUrl=https%3A%2F%2Fa.test%2Fx+y.png&background.color=white&padding=10%25',
    );
  });
});
