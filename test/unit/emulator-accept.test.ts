import { describe, expect, it } from 'vitest';
import { prefersJson } from '../../src/emulator/accept.js';

describe('/v1/segment content negotiation', () => {
  it.each([
    'application/json',
    'application/json, image/*;q=0.5',
    'image/*;q=0.2, application/json;q=0.9',
    'application/*',
    'application/json, */*;q=0.1',
    'image/png;q=0, application/json;q=0.1',
    'APPLICATION/JSON ; Q=0.8, image/*; q=0.3',
  ])('%s: JSON', (accept) => {
    expect(prefersJson(accept, 'image/png')).toBe(true);
  });

  it.each([
    // What the CLI sends: images first, JSON as a fallback.
    'image/*, application/json;q=0.5',
    'application/json, image/*',
    'application/json;q=0.5, image/png;q=0.5',
    'image/png',
    '*/*',
    'text/html',
    'application/json;q=0',
    'application/json;q=abc',
    '',
    undefined,
  ])('%s: the image', (accept) => {
    expect(prefersJson(accept, 'image/png')).toBe(false);
  });

  it('weighs the image type it would answer, by its most specific range', () => {
    const accept = 'image/webp;q=0.9, image/*;q=0.1, application/json;q=0.5';
    expect(prefersJson(accept, 'image/webp')).toBe(false);
    expect(prefersJson(accept, 'image/png')).toBe(true);
  });
});
