/**
 * `photoroom check` end to end, in-process: images drawn to break each rule of a preset fail
 * with that rule and its figure, compliant but unusual ones pass, and the exit code, --json
 * and the summary say so. Nothing is sent: no emulator runs here.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/in-process.js';
import { tempDir } from './harness.js';

let root: string;

/** A white `size`² picture with a dark box of `width`×`height` in the middle, drawn as SVG. */
function productOn(size: number, width: number, height: number, backdrop = '#ffffff'): Sharp {
  const [left, top] = [(size - width) / 2, (size - height) / 2];
  return sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
        `<rect width="${size}" height="${size}" fill="${backdrop}"/>` +
        `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="#283040"/></svg>`,
    ),
  );
}

/** An SVG drawing of `width`×`height` holding `shapes`. */
function svg(width: number, height: number, shapes: string): Sharp {
  return sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}</svg>`),
  );
}

async function save(name: string, image: Sharp): Promise<void> {
  await image.toFile(path.join(root, name));
}

async function check(args: string[], options: { cwd?: string } = {}) {
  return runInProcess(['check', ...args], { cwd: options.cwd ?? root });
}

beforeAll(async () => {
  root = await tempDir();
  await Promise.all([
    save('ok.jpg', productOn(2000, 1800, 1500).jpeg()),
    save('grey.jpg', productOn(2000, 1800, 1500, '#eeeeee').jpeg()),
    save('small-fill.jpg', productOn(2000, 1200, 900).jpeg()),
    save('tiny.jpg', productOn(400, 360, 300).jpeg()),
    save('tall-thin.png', productOn(2000, 100, 1800).png()),
    // Compression noise at the product's edge, and nowhere on a pure white border.
    save('noisy.jpg', productOn(2000, 1780, 1700).jpeg({ quality: 40 })),
    // A white product on white: a body of FA–F0 darkening to C8 at its outline, as a curved
    // surface does where it turns away from the light and the camera.
    save(
      'white-on-white.png',
      svg(
        2000,
        2000,
        '<defs><radialGradient id="lit">' +
          '<stop offset="0" stop-color="#fafafa"/><stop offset="0.85" stop-color="#f0f0f0"/>' +
          '<stop offset="1" stop-color="#c8c8c8"/></radialGradient></defs>' +
          '<rect width="2000" height="2000" fill="#ffffff"/>' +
          '<ellipse cx="1000" cy="1000" rx="720" ry="880" fill="url(#lit)"/>',
      ).png(),
    ),
    // JPEG noise reaching into the border ring: a cable running off the top edge, at quality 30.
    save(
      'noisy-border.jpg',
      svg(
        2000,
        2000,
        '<rect width="2000" height="2000" fill="#ffffff"/>' +
          '<rect x="150" y="150" width="1700" height="1700" rx="80" fill="#3a4150"/>' +
          '<rect x="990" y="0" width="12" height="150" fill="#3a4150"/>',
      ).jpeg({ quality: 30 }),
    ),
    // A photograph-like picture in a 20 px black frame.
    save(
      'framed.png',
      svg(
        1600,
        1600,
        '<defs><linearGradient id="sky" x2="0" y2="1"><stop offset="0" stop-color="#8ab4e8"/>' +
          '<stop offset="1" stop-color="#e8d8b0"/></linearGradient></defs>' +
          '<rect width="1600" height="1600" fill="#000000"/>' +
          '<rect x="20" y="20" width="1560" height="1560" fill="url(#sky)"/>' +
          '<circle cx="800" cy="900" r="400" fill="#a0522d"/>',
      ).png(),
    ),
    save(
      'animated.gif',
      sharp(Buffer.concat([0, 1, 2].map((frame) => Buffer.alloc(600 * 600 * 3, 255 - frame * 80))), {
        raw: { width: 600, height: 1800, channels: 3, pageHeight: 600 },
      }).gif(),
    ),
  ]);
}, 60_000);

/** The lines saying an image failed, without the path's folder. */
const refusals = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('refused '));

describe('photoroom check', () => {
  it.each([
    ['grey.jpg', 'refused grey.jpg: background: 100% of the border is not pure white; amazon wants at most 1%'],
    ['small-fill.jpg', 'refused small-fill.jpg: product fills 60% of the frame; amazon wants 85% or more'],
    ['tiny.jpg', 'refused tiny.jpg: 400×400: amazon wants the longest side 500 px or more'],
    ['framed.png', 'refused framed.png: a 20 px border (#000000) is drawn around the picture: ebay wants none', 'ebay'],
  ])('refuses %s with the rule and its figure, exit 5', async (file, line, preset = 'amazon') => {
    const result = await check([file, '--preset', preset]);
    expect(refusals(result.stderr)).toEqual([line]);
    expect(result.stderr).toContain(`${preset}: 1 image checked in`);
    expect(result.code).toBe(5);
  });

  it('refuses an animated GIF, whose every frame is otherwise fine to its rules', async () => {
    const result = await check(['animated.gif', '--preset', 'amazon', '--json']);
    const [line] = result.stdout.split('\n').map((text) => JSON.parse(text || 'null') as Record<string, unknown>);
    expect(line).toMatchObject({ status: 'refused', measured: { frames: 3, format: 'gif' } });
    expect(refusals(result.stderr)).toEqual([]); // --json: results on stdout, problems of the run alone on stderr
    expect(JSON.stringify(line)).toContain('animated GIF of 3 frames: amazon wants a still image');
  });

  it('passes compliant but unusual images: tall and thin, white on white, JPEG noise at the product and on the border, exit 0', async () => {
    const files = ['ok.jpg', 'tall-thin.png', 'white-on-white.png', 'noisy.jpg', 'noisy-border.jpg'];
    const result = await check([...files, '--preset', 'amazon']);
    expect(result.stderr).toContain(files.map((file) => `pass    ${file}\n`).join(''));
    expect(result.stderr).toMatch(/amazon: 5 images checked in .*: 5 pass\n/);
    expect(result.stderr).toContain("not judged on disk: amazon wants no text; only the API's answer tells");
    expect(result.code).toBe(0);
  });

  it("tells a recommendation missed without refusing: google's 75–90% fill, exit 0", async () => {
    const result = await check(['small-fill.jpg', '--preset', 'google']);
    expect(result.stderr).toContain(
      'pass    small-fill.jpg\nadvice  small-fill.jpg: product fills 60% of the frame; google recommends 75% or more\n',
    );
    expect(result.stderr).toContain(
      '  1 image missed a recommendation (not refused for it):\n    1 image missed: product fills 75% of the frame or more (recommended)\n',
    );
    expect(result.code).toBe(0);
  });

  it('gives one JSON line per image, in the order named, and a summary counting each rule', async () => {
    const result = await check(['ok.jpg', 'small-fill.jpg', 'tiny.jpg', '--preset', 'amazon', '--json']);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.type, line.input, line.status])).toEqual([
      ['result', 'ok.jpg', 'pass'],
      ['result', 'small-fill.jpg', 'refused'],
      ['result', 'tiny.jpg', 'refused'],
      ['summary', undefined, undefined],
    ]);
    expect(lines[1]).toMatchObject({
      preset: 'amazon',
      failures: [{ check: 'minFill', measured: 0.6, wants: 0.85 }],
      measured: { width: 2000, height: 2000, format: 'jpeg', fill: 0.6, borderPurity: 1 },
    });
    expect(lines[3]).toMatchObject({
      total: 3,
      passed: 1,
      refused: 2,
      unreadable: 0,
      byRule: { minFill: 1, minLongestSide: 1 },
      unjudged: ['noText'],
      exitCode: 5,
    });
    expect(result.code).toBe(5);
  });

  it('walks a folder as edit does, leaving out sidecars and the review page, and fails an unreadable image, exit 1', async () => {
    const folder = await tempDir();
    await productOn(2000, 1800, 1500).jpeg().toFile(path.join(folder, 'a.jpg'));
    await writeFile(path.join(folder, 'a.jpg.json'), '{}');
    await writeFile(path.join(folder, 'photoroom-report.html'), '<html></html>');
    await writeFile(path.join(folder, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    const result = await check(['.', '--preset', 'amazon'], { cwd: folder });
    expect(result.stderr).toContain('pass    a.jpg\n');
    expect(result.stderr).toMatch(/^failed {2}broken\.jpg: .+$/m);
    expect(result.stderr).toMatch(
      /amazon: 2 images checked in .*: 1 pass, 1 could not be read \(ignored: 2 not images; --verbose names them\)\n/,
    );
    expect(result.code).toBe(1);
  });

  it('warns when what was named holds no image, and exits 0 as it found nothing to refuse', async () => {
    const empty = await tempDir();
    const result = await check(['.', '--preset', 'amazon'], { cwd: empty });
    expect(result.stderr).toContain('warning: no images to check in what was named');
    expect(result.code).toBe(0);
  });

  it('refuses to run without a preset, or with one it does not know, exit 2', async () => {
    const none = await check(['ok.jpg']);
    expect(none.stderr).toContain('photoroom: check needs a preset: --preset NAME');
    expect(none.code).toBe(2);
    const unknown = await check(['ok.jpg', '--preset', 'amazn']);
    expect(unknown.stderr).toContain('--preset "amazn": unknown preset; did you mean "amazon"?');
    expect(unknown.code).toBe(2);
    const nothing = await check(['--preset', 'amazon']);
    expect(nothing.stderr).toContain('name the images to check');
    expect(nothing.code).toBe(2);
  });

  it("judges against a config file's own preset, and takes the preset from PHOTOROOM_PRESET", async () => {
    const folder = await tempDir();
    await productOn(2000, 1800, 1500).png().toFile(path.join(folder, 'a.png'));
    await writeFile(
      path.join(folder, '.photoroomrc'),
      JSON.stringify({ presets: { jpegonly: { extends: 'amazon', checks: { formats: ['jpeg'], maxBytes: 1000 } } } }),
    );
    const result = await runInProcess(['check', 'a.png'], { cwd: folder, env: { PHOTOROOM_PRESET: 'jpegonly' } });
    expect(refusals(result.stderr)).toEqual([
      'refused a.png: PNG: jpegonly wants JPEG',
      expect.stringMatching(/^refused a\.png: \d+ kB \([\d,]+ bytes\): jpegonly wants 1 kB or less$/),
    ]);
    expect(result.code).toBe(5);
  });
});
