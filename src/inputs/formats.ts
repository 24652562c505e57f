import type { Endpoint } from '../params/types.js';

/** File extensions each endpoint takes (HEIC only on /v1/segment), lower-case, no dot. */
export const IMAGE_EXTENSIONS: Readonly<Record<Endpoint, readonly string[]>> = {
  edit: ['jpg', 'jpeg', 'png', 'webp'],
  segment: ['jpg', 'jpeg', 'png', 'webp', 'heic', 'heif'],
};
