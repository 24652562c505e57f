import { describe, expect, it } from 'vitest';
import { getTooLong, MAX_URL_BYTES } from '../../src/batch/request.js';

const EDIT = 'https://image-api.photoroom.com/v2/edit';

/** The query a GET carries for `url` with one field of `valueBytes` bytes. */
function requestBytes(url: string, valueBytes: number): number {
  return Buffer.byteLength(
    `${EDIT}?${new URLSearchParams({ imageUrl: url, 'background.prompt': 'a'.repeat(valueBytes) }).toString()}`,
  );
}

describe('the length of a GET request (a URL input)', () => {
  const url = 'https://example.com/p.jpg';
  const fits = MAX_URL_BYTES - requestBytes(url, 0);

  it('lets a request of exactly 8 KB through, and refuses one byte more with its length', () => {
    expect(getTooLong(EDIT, url, [['background.prompt', 'a'.repeat(fits)]])).toBeNull();
    expect(getTooLong(EDIT, url, [['background.prompt', 'a'.repeat(fits + 1)]])).toBe(
      `the GET request would be ${MAX_URL_BYTES + 1} bytes long, over the ~8 KB servers take; download the image and give the file instead (it is then uploaded by POST)`,
    );
  });

  it('leaves a file parameter to the cross-field rules, however long the rest', () => {
    expect(
      getTooLong(EDIT, url, [
        ['background.prompt', 'a'.repeat(2 * fits)],
        ['background.imageFile', { file: '/tmp/b.png' }],
      ]),
    ).toBeNull();
  });
});
