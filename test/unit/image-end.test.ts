import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageEndCheck, type Wholeness } from '../../src/inputs/image-end.js';

/** The verdict on `bytes` fed in pieces of `piece` bytes. */
function judge(bytes: Buffer, piece = 7): Wholeness {
  const check = new ImageEndCheck();
  for (let at = 0; at < bytes.length; at += piece) check.push(bytes.subarray(at, at + piece));
  return check.verdict();
}

/** The offsets of the top-level boxes of an ISO-BMFF file, by type. */
function boxOffsets(file: Buffer): Map<string, number> {
  const offsets = new Map<string, number>();
  for (let at = 0; at < file.length; at += file.readUInt32BE(at))
    offsets.set(file.toString('latin1', at + 4, at + 8), at);
  return offsets;
}

const images: Record<string, Buffer> = {};

beforeAll(async () => {
  // Noise, so that JPEG's entropy-coded data holds stuffed FF 00 bytes.
  const noise = sharp(randomBytes(40 * 30 * 4), { raw: { width: 40, height: 30, channels: 4 } });
  images.png = await noise.clone().png().toBuffer();
  images.jpeg = await noise.clone().jpeg().toBuffer();
  images['progressive jpeg with exif'] = await noise
    .clone()
    .jpeg({ progressive: true })
    .withExif({ IFD0: { Copyright: 'photoroom' } })
    .toBuffer();
  images['lossy webp with alpha'] = await noise.clone().webp().toBuffer();
  images['lossless webp'] = await noise.clone().webp({ lossless: true }).toBuffer();
  images.gif = await noise.clone().gif().toBuffer();
  images.avif = await noise.clone().avif().toBuffer();
});

const FORMAT_NAMES: Record<string, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  'progressive jpeg with exif': 'JPEG',
  'lossy webp with alpha': 'WebP',
  'lossless webp': 'WebP',
  gif: 'GIF',
  avif: 'AVIF',
};

describe("a whole image, told by walking its format's structure", () => {
  for (const [name, format] of Object.entries(FORMAT_NAMES)) {
    it(`${name}: whole in any pieces, and not whole cut anywhere short of its end`, () => {
      const image = images[name]!;
      for (const piece of [1, 5, 64, image.length])
        expect(judge(image, piece), `in pieces of ${piece}`).toEqual({ format, problem: null });
      for (let cut = 1; cut < image.length; cut++) {
        const verdict = judge(image.subarray(0, cut));
        expect(verdict.problem, `cut at ${cut} of ${image.length}`).not.toBeNull();
      }
    });
  }

  it('says what a cut image lacks', () => {
    const half = (name: string) => judge(images[name]!.subarray(0, images[name]!.length >> 1)).problem;
    expect(half('png')).toBe('it ends before IEND');
    expect(half('jpeg')).toBe('it ends before its end-of-image marker (FF D9)');
    expect(half('lossless webp')).toBe(
      `it ends before the ${images['lossless webp']!.length} bytes its RIFF header announces`,
    );
    expect(half('gif')).toBe('it ends before its trailer');
  });

  it('follows chunk lengths: a PNG cut inside IDAT and then given a whole IEND is not whole', () => {
    const png = images.png!;
    const idat = png.indexOf('IDAT') - 4;
    const iend = png.subarray(-12);
    const mended = Buffer.concat([png.subarray(0, idat + 20), Buffer.from('junk'), iend]);
    expect(judge(mended).problem).toBe('it ends before IEND');
  });

  it('refuses bytes after the end, but not the zero padding or the further images a JPEG may carry', () => {
    const junk = Buffer.from('<html>proxy error</html>');
    expect(judge(Buffer.concat([images.png!, junk])).problem).toBe('bytes follow its IEND chunk');
    expect(judge(Buffer.concat([images['lossy webp with alpha']!, junk])).problem).toMatch(
      /^it goes on past the \d+ bytes its RIFF header announces$/,
    );
    expect(judge(Buffer.concat([images.gif!, junk])).problem).toBe('bytes follow its trailer');
    expect(judge(Buffer.concat([images.avif!, junk])).problem).not.toBeNull();
    expect(judge(Buffer.concat([images.jpeg!, junk])).problem).toBe(
      'bytes after its end-of-image marker do not end with another',
    );
    expect(judge(Buffer.concat([images.jpeg!, Buffer.alloc(6)])).problem).toBeNull();
    expect(judge(Buffer.concat([images.jpeg!, images['progressive jpeg with exif']!])).problem).toBeNull();
  });

  it('walks past a JPEG thumbnail inside APP1: cut right after the thumbnail, the JPEG is not whole', () => {
    const thumbnail = images.jpeg!;
    const length = Buffer.alloc(2);
    length.writeUInt16BE(thumbnail.length + 2);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), length, thumbnail]);
    const photo = Buffer.concat([images.jpeg!.subarray(0, 2), app1, images.jpeg!.subarray(2)]);
    expect(judge(photo).problem).toBeNull();
    expect(judge(photo.subarray(0, 2 + app1.length)).problem).not.toBeNull();
  });

  it('takes the ISO-BMFF size forms: a last box of size 0 runs to the end, size 1 has a 64-bit size', () => {
    const avif = images.avif!;
    const mdat = boxOffsets(avif).get('mdat')!;
    expect(mdat + avif.readUInt32BE(mdat)).toBe(avif.length);
    const toTheEnd = Buffer.from(avif);
    toTheEnd.writeUInt32BE(0, mdat);
    expect(judge(toTheEnd)).toEqual({ format: 'AVIF', problem: null });
    expect(judge(toTheEnd.subarray(0, -1)).problem).toMatch(
      /^it ends before the \d+ bytes of image data its meta box locates$/,
    );

    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('free', 4, 'latin1');
    large.writeBigUInt64BE(20n, 8);
    const withLarge = Buffer.concat([avif, large, Buffer.from('four')]);
    expect(judge(withLarge).problem).toBeNull();
    expect(judge(withLarge.subarray(0, -1)).problem).toBe('it ends inside a box');

    const heif = Buffer.from(avif);
    heif.write('heic', 8, 'latin1');
    expect(judge(heif)).toEqual({ format: 'HEIF', problem: null });
  });

  it('counts formats it cannot tell (TIFF, SVG) as whole, and a few bytes as too short to tell', () => {
    expect(judge(Buffer.from('II*\0 some tiff bytes'))).toEqual({ format: null, problem: null });
    expect(judge(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ format: null, problem: null });
    expect(judge(Buffer.from('<svg'))).toEqual({ format: null, problem: 'it is too short to tell what it is' });
    expect(judge(Buffer.alloc(0)).problem).not.toBeNull();
  });
});

describe('a check that is decided before the end', () => {
  it('is decided at once for bytes of no format it tells, and for bytes after the end', () => {
    const tiff = new ImageEndCheck();
    tiff.push(Buffer.from('II*\0........................'));
    expect(tiff.decided).toBe(true);
    const trailing = new ImageEndCheck();
    trailing.push(Buffer.concat([images.png!, Buffer.from('junk')]));
    expect(trailing.decided).toBe(true);
    expect(trailing.verdict().problem).not.toBeNull();
  });

  it('is not decided while a whole image is still coming', () => {
    const check = new ImageEndCheck();
    check.push(images.png!.subarray(0, images.png!.length - 1));
    expect(check.decided).toBe(false);
    check.push(images.png!.subarray(images.png!.length - 1));
    expect(check.verdict().problem).toBeNull();
  });
});

describe("an input's bytes after its end (a motion photo's video, a maker's trailer)", () => {
  it.each(['png', 'jpeg', 'gif'])(
    '%s: refused in an answer, allowed in an input; a cut one refused in both',
    (name) => {
      const image = images[name]!;
      const trailing = Buffer.concat([image, Buffer.from('....ftypmp42'), randomBytes(3000)]);
      const check = new ImageEndCheck();
      check.push(trailing);
      expect(check.verdict().problem).not.toBeNull();
      expect(check.verdict('allowed')).toEqual({ format: FORMAT_NAMES[name], problem: null });
      const cut = new ImageEndCheck();
      cut.push(image.subarray(0, image.length - 10));
      expect(cut.verdict('allowed').problem).not.toBeNull();
    },
  );
});
