import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileErrorReason, fileSystemCode } from '../../src/inputs/access.js';
import { ENDPOINT_LIMITS, IMAGE_EXTENSIONS } from '../../src/inputs/formats.js';
import { checkInputFile, type CheckOptions } from '../../src/inputs/sniff.js';

const MB = 1024 * 1024;
const EDIT: CheckOptions = { endpoint: 'edit' };
const SEGMENT: CheckOptions = { endpoint: 'segment' };
/** Vitest's matcher, typed as what it is to the checked code: a value to compare. */
const anyNumber: unknown = expect.any(Number);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photoroom-sniff-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, bytes);
  return target;
}

function blank(width: number, height: number): Sharp {
  return sharp({ create: { width, height, channels: 3, background: '#808080' } });
}

/** `size` bytes that start like no known format, the same on every run. */
function noise(size: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < size; i++) blocks.push(createHash('sha256').update(`noise ${i}`).digest());
  return Buffer.concat(blocks).subarray(0, size);
}

/** A minimal ISO-BMFF `ftyp` box: all file-type and image-size look at to tell HEIC/AVIF. */
function ftyp(brand: string): Buffer {
  return Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from(`ftyp${brand}`),
    Buffer.alloc(4),
    Buffer.from(`mif1${brand}`),
  ]);
}

/** The JPEG with `total` bytes of APP2 segments (as ICC profiles are stored) before its frame header. */
function withAppSegments(jpeg: Buffer, total: number): Buffer {
  const segments: Buffer[] = [];
  for (let left = total; left > 0; left -= 60_000) {
    const payload = Math.min(left, 60_000);
    const header = Buffer.from([0xff, 0xe2, 0, 0]);
    header.writeUInt16BE(payload + 2, 2);
    segments.push(header, Buffer.alloc(payload, 0x20));
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** The PNG with a `size`-byte chunk of `type` after IHDR (CRC left blank: nothing here checks it). */
function withChunk(png: Buffer, type: string, size: number): Buffer {
  const chunk = Buffer.alloc(12 + size, 0x41);
  chunk.writeUInt32BE(size, 0);
  chunk.write(type, 4, 'latin1');
  const afterIhdr = 8 + 25;
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

/** A PNG header followed by a hole, so a large file costs neither time nor disk. */
async function sparsePng(name: string, bytes: number): Promise<string> {
  const target = await file(name, await blank(8, 8).png().toBuffer());
  await truncate(target, bytes);
  return target;
}

describe('checkInputFile: the file itself', () => {
  it('takes a PNG, a JPEG and a WebP on /v2/edit, with their type and size', async () => {
    const png = await blank(20, 10).png().toBuffer();
    await expect(checkInputFile(await file('a.png', png), EDIT)).resolves.toEqual({
      ok: true,
      type: 'png',
      bytes: png.length,
      mtimeMs: anyNumber,
    });
    const jpeg = await blank(20, 10).jpeg().toBuffer();
    await expect(checkInputFile(await file('a.jpg', jpeg), EDIT)).resolves.toEqual({
      ok: true,
      type: 'jpeg',
      bytes: jpeg.length,
      mtimeMs: anyNumber,
    });
    const webp = await blank(20, 10).webp().toBuffer();
    await expect(checkInputFile(await file('a.webp', webp), EDIT)).resolves.toEqual({
      ok: true,
      type: 'webp',
      bytes: webp.length,
      mtimeMs: anyNumber,
    });
  });

  it('reports a missing file', async () => {
    await expect(checkInputFile(path.join(dir, 'nothing-here.jpg'), EDIT)).resolves.toEqual({
      ok: false,
      reason: 'no such file',
    });
  });

  it('tells a broken symbolic link from a missing file', async () => {
    const link = path.join(dir, 'broken.jpg');
    await symlink(path.join(dir, 'gone.jpg'), link);
    await expect(checkInputFile(link, EDIT)).resolves.toEqual({ ok: false, reason: 'broken symbolic link' });
  });

  it('reports a symbolic link loop', async () => {
    await symlink(path.join(dir, 'loop-b.jpg'), path.join(dir, 'loop-a.jpg'));
    await symlink(path.join(dir, 'loop-a.jpg'), path.join(dir, 'loop-b.jpg'));
    await expect(checkInputFile(path.join(dir, 'loop-a.jpg'), EDIT)).resolves.toEqual({
      ok: false,
      reason: 'symbolic link loop',
    });
  });

  it('follows a working symbolic link to the image', async () => {
    const target = await file('target.png', await blank(4, 4).png().toBuffer());
    const link = path.join(dir, 'link.png');
    await symlink(target, link);
    await expect(checkInputFile(link, EDIT)).resolves.toMatchObject({ ok: true, type: 'png' });
  });

  it('refuses a directory and a named pipe (without blocking on the pipe)', async () => {
    const folder = path.join(dir, 'folder.jpg');
    await mkdir(folder);
    await expect(checkInputFile(folder, EDIT)).resolves.toEqual({ ok: false, reason: 'not a regular file' });
    const fifo = path.join(dir, 'pipe.jpg');
    execFileSync('mkfifo', [fifo]);
    await expect(checkInputFile(fifo, EDIT)).resolves.toEqual({ ok: false, reason: 'not a regular file' });
  });

  it('refuses an empty file', async () => {
    await expect(checkInputFile(await file('empty.jpg', ''), EDIT)).resolves.toEqual({
      ok: false,
      reason: 'empty file (0 bytes)',
    });
  });
});

describe('checkInputFile: byte limits', () => {
  it('refuses 31.2 MB on /v2/edit, naming the endpoint, and takes it on /v1/segment', async () => {
    const big = await sparsePng('big.png', Math.round(31.2 * MB));
    await expect(checkInputFile(big, EDIT)).resolves.toEqual({
      ok: false,
      reason: '31.2 MB is over the 30 MB limit of /v2/edit',
      fix: { kind: 'fit', maxBytes: 30 * MB },
    });
    await expect(checkInputFile(big, SEGMENT)).resolves.toMatchObject({ ok: true, type: 'png', width: 8, height: 8 });
    await rm(big);
  });

  it('takes exactly 30 MB on /v2/edit and gives the byte count when one byte over', async () => {
    const exact = await sparsePng('exact.png', 30 * MB);
    await expect(checkInputFile(exact, EDIT)).resolves.toMatchObject({ ok: true, bytes: 30 * MB });
    await truncate(exact, 30 * MB + 1);
    await expect(checkInputFile(exact, EDIT)).resolves.toEqual({
      ok: false,
      reason: '30.0 MB (31457281 bytes) is over the 30 MB limit of /v2/edit',
      fix: { kind: 'fit', maxBytes: 30 * MB },
    });
    await rm(exact);
  });

  it('refuses over 50 MB on /v1/segment', async () => {
    const huge = await sparsePng('huge.png', 51 * MB);
    await expect(checkInputFile(huge, SEGMENT)).resolves.toEqual({
      ok: false,
      reason: '51.0 MB is over the 50 MB limit of /v1/segment',
      fix: { kind: 'fit', maxBytes: 50 * MB },
    });
    await rm(huge);
  });
});

describe('checkInputFile: what the bytes are', () => {
  it('names a known non-image type', async () => {
    const pdf = await file(
      'doc.jpg',
      '%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
    );
    await expect(checkInputFile(pdf, EDIT)).resolves.toEqual({
      ok: false,
      reason: 'not an image: the bytes are a PDF file (application/pdf)',
    });
    const mp4 = await file('clip.jpg', Buffer.concat([ftyp('isom'), Buffer.alloc(64)]));
    await expect(checkInputFile(mp4, EDIT)).resolves.toEqual({
      ok: false,
      reason: 'not an image: the bytes are an MP4 video (video/mp4)',
    });
  });

  it('refuses bytes it does not recognise', async () => {
    await expect(checkInputFile(await file('noise.png', noise(64 * 1024)), EDIT)).resolves.toEqual({
      ok: false,
      reason: 'not an image: unrecognised bytes',
    });
    await expect(checkInputFile(await file('text.jpg', 'just some text\n'), SEGMENT)).resolves.toEqual({
      ok: false,
      reason: 'not an image: unrecognised bytes',
    });
  });

  it('refuses a GIF, named as the API would see it', async () => {
    const gif = await blank(10, 10).gif().toBuffer();
    await expect(checkInputFile(await file('anim.png', gif), EDIT)).resolves.toEqual({
      ok: false,
      reason: 'GIF images are not accepted by /v2/edit',
      fix: { kind: 'convert', from: 'GIF' },
    });
    await expect(checkInputFile(await file('anim.jpg', gif), SEGMENT)).resolves.toEqual({
      ok: false,
      reason: 'GIF images are not accepted by /v1/segment',
      fix: { kind: 'convert', from: 'GIF' },
    });
  });

  it('refuses HEIC on /v2/edit with a way out, and takes it on /v1/segment without its size', async () => {
    const heic = await file('photo.heic', ftyp('heic'));
    await expect(checkInputFile(heic, EDIT)).resolves.toEqual({
      ok: false,
      reason: 'HEIC images are not accepted by /v2/edit (use photoroom segment, or convert to JPEG/PNG/WebP)',
    });
    // The header holds no image properties: the pixel check is skipped, the file is not refused.
    await expect(checkInputFile(heic, SEGMENT)).resolves.toEqual({
      ok: true,
      type: 'heic',
      bytes: 24,
      mtimeMs: anyNumber,
    });
  });

  it('refuses AVIF, which shares HEIC’s container', async () => {
    const avif = await file('photo.avif', ftyp('avif'));
    await expect(checkInputFile(avif, SEGMENT)).resolves.toEqual({
      ok: false,
      reason: 'AVIF images are not accepted by /v1/segment',
      fix: { kind: 'convert', from: 'AVIF' },
    });
  });

  it('goes by the bytes, not the name', async () => {
    const jpegNamedPng = await file('really-a-jpeg.png', await blank(10, 10).jpeg().toBuffer());
    await expect(checkInputFile(jpegNamedPng, EDIT)).resolves.toMatchObject({ ok: true, type: 'jpeg' });
    const pngNamedJpg = await file('really-a-png.jpg', await blank(10, 10).png().toBuffer());
    await expect(checkInputFile(pngNamedJpg, EDIT)).resolves.toMatchObject({ ok: true, type: 'png' });
  });

  it('knows a PNG whose first image data is past the sniffed prefix', async () => {
    const png = withChunk(await blank(10, 10).png().toBuffer(), 'tEXt', 20_000);
    await expect(checkInputFile(await file('long-text.png', png), SEGMENT)).resolves.toMatchObject({
      ok: true,
      type: 'png',
      width: 10,
      height: 10,
    });
  });

  it('takes an animated PNG as a PNG', async () => {
    const apng = withChunk(await blank(10, 10).png().toBuffer(), 'acTL', 8);
    await expect(checkInputFile(await file('anim.png', apng), EDIT)).resolves.toMatchObject({ ok: true, type: 'png' });
  });
});

describe('checkInputFile: what is converted before sending', () => {
  it('says which refused images converting would cure: TIFF, SVG, 16-bit PNG, CMYK JPEG', async () => {
    const base = blank(40, 30);
    const cases: [string, Buffer, string][] = [
      ['scan.tif', await base.clone().tiff().toBuffer(), 'TIFF'],
      [
        'logo.svg',
        Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'),
        'SVG',
      ],
      ['deep.png', await base.clone().toColourspace('rgb16').png().toBuffer(), '16-bit PNG'],
      ['print.jpg', await base.clone().toColourspace('cmyk').jpeg().toBuffer(), 'CMYK JPEG'],
    ];
    for (const [name, bytes, from] of cases) {
      await expect(checkInputFile(await file(name, bytes), EDIT), name).resolves.toEqual({
        ok: false,
        reason: `${from} images are not accepted by /v2/edit`,
        fix: { kind: 'convert', from },
      });
    }
  });

  it('takes the 8-bit RGB variants as they are', async () => {
    await expect(
      checkInputFile(await file('plain.png', await blank(40, 30).png().toBuffer()), EDIT),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      checkInputFile(await file('plain.jpg', await blank(40, 30).jpeg().toBuffer()), EDIT),
    ).resolves.toMatchObject({ ok: true });
  });
});

describe('checkInputFile: pixel limits', () => {
  it('refuses over 6000 px wide on /v1/segment; /v2/edit has no cap and reads no size', async () => {
    const wide = await file('wide.png', await blank(6200, 10).png().toBuffer());
    await expect(checkInputFile(wide, SEGMENT)).resolves.toEqual({
      ok: false,
      reason: '6200x10 px is over the 6000 px limit of /v1/segment',
      fix: { kind: 'fit', maxBytes: 50 * MB, maxWidth: 6000, maxHeight: 6000 },
    });
    await expect(checkInputFile(wide, EDIT)).resolves.toEqual({
      ok: true,
      type: 'png',
      bytes: anyNumber,
      mtimeMs: anyNumber,
    });
  });

  it('takes exactly 6000 px on /v1/segment, and reports the size', async () => {
    const edge = await file('edge.webp', await blank(10, 6000).webp().toBuffer());
    await expect(checkInputFile(edge, SEGMENT)).resolves.toMatchObject({
      ok: true,
      type: 'webp',
      width: 10,
      height: 6000,
    });
  });

  it('reports the size as displayed, after EXIF orientation', async () => {
    const turned = await blank(10, 6200).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    await expect(checkInputFile(await file('turned.jpg', turned), SEGMENT)).resolves.toEqual({
      ok: false,
      reason: '6200x10 px is over the 6000 px limit of /v1/segment',
      fix: { kind: 'fit', maxBytes: 50 * MB, maxWidth: 6000, maxHeight: 6000 },
    });
    const upright = await blank(600, 400).jpeg().withMetadata({ orientation: 8 }).toBuffer();
    await expect(checkInputFile(await file('upright.jpg', upright), SEGMENT)).resolves.toMatchObject({
      ok: true,
      width: 400,
      height: 600,
    });
  });

  it('reads a JPEG frame header behind 200 KB of metadata', async () => {
    const jpeg = withAppSegments(await blank(6200, 10).jpeg().toBuffer(), 200_000);
    await expect(checkInputFile(await file('tagged.jpg', jpeg), SEGMENT)).resolves.toEqual({
      ok: false,
      reason: '6200x10 px is over the 6000 px limit of /v1/segment',
      fix: { kind: 'fit', maxBytes: 50 * MB, maxWidth: 6000, maxHeight: 6000 },
    });
  });

  it('skips the pixel check, not the file, when the header is past what it reads', async () => {
    const jpeg = withAppSegments(await blank(6200, 10).jpeg().toBuffer(), 600_000);
    await expect(checkInputFile(await file('overtagged.jpg', jpeg), SEGMENT)).resolves.toEqual({
      ok: true,
      type: 'jpeg',
      bytes: jpeg.length,
      mtimeMs: anyNumber,
    });
  });

  it('holds upscale.mode to its pixel count (ai.fast 1,000,000, ai.slow 262,144), not to a square', async () => {
    const fast = { endpoint: 'edit', upscale: { mode: 'ai.fast' } } as const;
    const slow = { endpoint: 'edit', upscale: { mode: 'ai.slow' } } as const;
    const large = await file('large.jpg', await blank(1200, 900).jpeg().toBuffer());
    await expect(checkInputFile(large, fast)).resolves.toEqual({
      ok: false,
      reason: 'upscale.mode ai.fast takes images of at most 1,000,000 pixels; this one is 1200x900 (1,080,000)',
      fix: { kind: 'fit', maxBytes: 30 * MB, maxPixels: 1_000_000 },
    });
    // Wider than 1000 (or 512) px, within the pixel count: the API takes them.
    const banner = await file('banner.png', await blank(2000, 400).png().toBuffer());
    await expect(checkInputFile(banner, fast)).resolves.toMatchObject({ ok: true, width: 2000, height: 400 });
    const strip = await file('strip.png', await blank(1000, 250).png().toBuffer());
    await expect(checkInputFile(strip, slow)).resolves.toMatchObject({ ok: true, width: 1000, height: 250 });
    const medium = await file('medium.png', await blank(600, 600).png().toBuffer());
    await expect(checkInputFile(medium, slow)).resolves.toEqual({
      ok: false,
      reason: 'upscale.mode ai.slow takes images of at most 262,144 pixels; this one is 600x600 (360,000)',
      fix: { kind: 'fit', maxBytes: 30 * MB, maxPixels: 262_144 },
    });
    const square = await file('square.webp', await blank(512, 512).webp().toBuffer());
    await expect(checkInputFile(square, slow)).resolves.toMatchObject({ ok: true, width: 512, height: 512 });
  });

  it('leaves an oversized input to upscale.downscaleIfNeeded always and skipUpscaleIfNotNeeded, and refuses it with never', async () => {
    const large = await file('large.jpg', await blank(1200, 900).jpeg().toBuffer());
    const upscale = (downscaleIfNeeded: 'never' | 'always' | 'skipUpscaleIfNotNeeded') =>
      checkInputFile(large, { endpoint: 'edit', upscale: { mode: 'ai.fast', downscaleIfNeeded } });
    await expect(upscale('always')).resolves.toMatchObject({ ok: true });
    await expect(upscale('skipUpscaleIfNotNeeded')).resolves.toMatchObject({ ok: true });
    await expect(upscale('never')).resolves.toMatchObject({ ok: false, fix: { maxPixels: 1_000_000 } });
  });
});

describe('file-system errors', () => {
  it('maps error codes to reasons', () => {
    expect(fileErrorReason('EACCES')).toBe('cannot read the file (permission denied)');
    expect(fileErrorReason('EPERM')).toBe('cannot read the file (permission denied)');
    expect(fileErrorReason('ENOENT')).toBe('no such file');
    expect(fileErrorReason('ENOTDIR')).toBe('no such file');
    expect(fileErrorReason('ELOOP')).toBe('symbolic link loop');
    expect(fileErrorReason('EIO')).toBe('cannot read the file (EIO)');
  });

  it('takes the code from a file-system error and throws anything else on', () => {
    expect(fileSystemCode(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }))).toBe(
      'EACCES',
    );
    const bug = new TypeError('x is undefined');
    expect(() => fileSystemCode(bug)).toThrow(bug);
  });
});

describe('limits table', () => {
  it('keeps the extensions the batch engine discovers', () => {
    // What the endpoints take, then what is converted before sending.
    expect(IMAGE_EXTENSIONS).toEqual([
      'jpg',
      'jpeg',
      'png',
      'webp',
      'heic',
      'heif',
      'tif',
      'tiff',
      'gif',
      'avif',
      'svg',
    ]);
  });

  it('holds the documented limits', () => {
    expect(ENDPOINT_LIMITS.edit).toMatchObject({ path: '/v2/edit', maxBytes: 30 * MB });
    expect(ENDPOINT_LIMITS.edit.maxSide).toBeUndefined();
    expect(ENDPOINT_LIMITS.segment).toMatchObject({ path: '/v1/segment', maxBytes: 50 * MB, maxSide: 6000 });
  });
});

describe('reading small inputs once', () => {
  it('returns the whole file when it fits keepUpTo, and only then', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-keep-'));
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const file = path.join(folder, 'small.png');
    await writeFile(file, png);
    const kept = await checkInputFile(file, { endpoint: 'edit', keepUpTo: png.length });
    expect(kept.ok && kept.content).toEqual(png);
    const streamed = await checkInputFile(file, { endpoint: 'edit', keepUpTo: png.length - 1 });
    expect(streamed.ok && streamed.content).toBeUndefined();
  });
});
