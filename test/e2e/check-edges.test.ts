/**
 * `photoroom check` at its edges, each case a defect a review found (issue 20): pixel bombs
 * and images past sharp's limit, BMP, an interrupted summary, its help, files left out,
 * figures rounded to their bound, palette PNGs, a reader of --json that goes away.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { noneIgnored } from '../../src/inputs/discover.js';
import { judge } from '../../src/check/judge.js';
import { checkSummaryLines } from '../../src/cli/reporters/check.js';
import { createStyle } from '../../src/cli/reporters/style.js';
import { builtInPreset } from '../../src/presets/table.js';
import type { Preset } from '../../src/presets/types.js';
import { runInProcess } from '../support/in-process.js';
import { factsOf, pixelsOf } from '../support/measures.js';
import { BIN, ROOT, tempDir, type CliResult } from './harness.js';

let root: string;

function preset(name: string): Preset {
  const found = builtInPreset(name);
  if (!found) throw new Error(`no preset ${name}`);
  return found;
}

/** A `size`² picture on `backdrop` with a dark `box`² square in the middle, drawn as SVG. */
function productOn(size: number, box: number, backdrop = '#ffffff'): Sharp {
  const at = (size - box) / 2;
  return sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
        `<rect width="${size}" height="${size}" fill="${backdrop}"/>` +
        `<rect x="${at}" y="${at}" width="${box}" height="${box}" fill="#283040"/>` +
        `<circle cx="${size / 2}" cy="${size / 2}" r="${box / 3}" fill="#e0b040"/></svg>`,
    ),
  );
}

/** An uncompressed 24-bit BMP (BITMAPINFOHEADER, bottom-up): white, with a dark `box`² square in the middle. */
function bmpProduct(size: number, box: number): Buffer {
  const row = Math.ceil((size * 3) / 4) * 4;
  const image = Buffer.alloc(54 + row * size, 0xff);
  image.write('BM', 0, 'latin1');
  image.writeUInt32LE(image.length, 2);
  image.fill(0, 6, 54);
  image.writeUInt32LE(54, 10);
  image.writeUInt32LE(40, 14);
  image.writeInt32LE(size, 18);
  image.writeInt32LE(size, 22);
  image.writeUInt16LE(1, 26);
  image.writeUInt16LE(24, 28);
  image.writeUInt32LE(row * size, 34);
  const from = (size - box) / 2;
  for (let y = from; y < from + box; y++)
    for (let x = from; x < from + box; x++) image.set([0x40, 0x30, 0x28], 54 + y * row + x * 3);
  return image;
}

const resultLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  root = await tempDir('photoroom-check-review-');
}, 60_000);

// First in the file: it reads the process's peak memory, which the other tests would raise.
describe('an image over the decode budget is sampled, never decoded whole', () => {
  it('measures a 5200×5200 PNG on every second pixel, the process growing by far less than a whole decode', async () => {
    const folder = path.join(root, 'large');
    await mkdir(folder);
    // Drawn by sharp itself, not as SVG: rasterising 27 MP of SVG would cost seconds.
    const product = { create: { width: 4680, height: 4680, channels: 3, background: '#283040' } } as const;
    await sharp({ create: { width: 5200, height: 5200, channels: 3, background: '#ffffff' } })
      .composite([{ input: product, left: 260, top: 260 }])
      .png({ compressionLevel: 1 })
      .toFile(path.join(folder, 'large.png'));
    const before = process.resourceUsage().maxRSS; // KB
    const result = await runInProcess(['check', 'large.png', '--preset', 'amazon', '--json'], { cwd: folder });
    const grown = process.resourceUsage().maxRSS - before;
    // 27 MP as 8-bit RGB is 81 MB whole; every second pixel of every second row, 20 MB.
    expect(resultLines(result.stdout)[0]).toMatchObject({
      status: 'pass',
      measured: { width: 5200, sampledEvery: 2, fill: 0.9 },
    });
    expect(grown).toBeLessThan(75 * 1024);
  }, 60_000);
});

describe('a folder or glob walk leaves out BMP, which walmart and google take', () => {
  it('checks the .bmp files of a folder', async () => {
    const folder = path.join(root, 'bmps');
    await mkdir(folder);
    await writeFile(path.join(folder, 'product.bmp'), bmpProduct(1000, 800));
    const result = await runInProcess(['check', '.', '--preset', 'google', '--json'], { cwd: folder });
    const lines = resultLines(result.stdout);
    expect(lines.filter((line) => line.type === 'result').map((line) => line.input)).toEqual(['product.bmp']);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', total: 1 });
  });
});

describe('an image whose pixels were not measured is not "would be refused"', () => {
  it('passes a compliant BMP for google: its pixels are decoded though sharp cannot', async () => {
    await writeFile(path.join(root, 'ok.bmp'), bmpProduct(1000, 800)); // fill 80%: google wants 75–90%
    const result = await runInProcess(['check', 'ok.bmp', '--preset', 'google', '--json'], { cwd: root });
    const [line] = resultLines(result.stdout);
    expect(JSON.stringify(line)).not.toContain('not measured');
    expect(line).not.toMatchObject({ status: 'refused' });
    expect(result.code).not.toBe(5);
  });
});

/**
 * A real PNG whose header claims `width`×`height`: its IHDR rewritten (and its CRC), its pixels
 * those of a far smaller picture, so that they run out: a header that reads, pixels that do not.
 */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await productOn(200, 180).png().toBuffer();
  // Signature (8), IHDR's length and type (8), then its width and height; its CRC after 13 bytes of data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('an image cut short, undecodable or past 1,000 MP could not be read, whatever the preset: never passed or refused on its header', () => {
  const PHOTOS = path.join(ROOT, 'fixtures/photos');
  const reasons = {
    'cut.jpg': /^truncated or corrupt: it ends before its end-of-image marker \(FF D9\)$/,
    'cut.png': /^truncated or corrupt: it ends /,
    // Whole by its structure, its data far short of what it claims: never decoded.
    'bomb.png': /^pixels not measured \(1600 MP, past the 1000 MP this check decodes\): no rule judged$/,
    'headonly.png': /^pixels not measured \(its pixels do not decode: .+\): no rule judged$/,
  };
  let folder: string;

  beforeAll(async () => {
    folder = path.join(root, 'not-whole');
    await mkdir(folder);
    const jpeg = await readFile(path.join(PHOTOS, 'astronaut.jpg'));
    const png = await readFile(path.join(PHOTOS, 'brick.png'));
    await writeFile(path.join(folder, 'cut.jpg'), jpeg.subarray(0, 20_000));
    await writeFile(path.join(folder, 'cut.png'), png.subarray(0, png.length - 20));
    await writeFile(path.join(folder, 'bomb.png'), await pngClaiming(40_000, 40_000));
    await writeFile(path.join(folder, 'headonly.png'), await pngClaiming(2000, 2000));
  });

  it.each(['etsy', 'shopify', 'amazon'])('%s: each is unreadable (exit 1), with its reason', async (name) => {
    const files = Object.keys(reasons);
    const json = await runInProcess(['check', ...files, '--preset', name, '--json'], { cwd: folder });
    const lines = resultLines(json.stdout);
    expect(lines.filter((line) => line.type === 'result')).toEqual(
      Object.entries(reasons).map(([input, reason]): unknown =>
        expect.objectContaining({ input, status: 'unreadable', error: expect.stringMatching(reason) as unknown }),
      ),
    );
    expect(lines.at(-1)).toMatchObject({ type: 'summary', passed: 0, refused: 0, unreadable: 4, exitCode: 1 });
    expect(json.code).toBe(1);

    const plain = await runInProcess(['check', ...files, '--preset', name], { cwd: folder });
    for (const [input, reason] of Object.entries(reasons)) {
      const line = plain.stderr.split('\n').find((shown) => shown.startsWith(`failed  ${input}: `));
      expect(line?.slice(`failed  ${input}: `.length)).toMatch(reason);
    }
    expect(plain.stderr).toMatch(new RegExp(`${name}: 4 images checked in .*: 0 pass, 4 could not be read`));
    expect(plain.code).toBe(1);
  });

  it('says a small JPEG and a BMP cut short are cut, not refused for their size', async () => {
    const whole = await productOn(300, 270).jpeg().toBuffer();
    await writeFile(path.join(folder, 'small-cut.jpg'), whole.subarray(0, whole.length / 2));
    const bmp = bmpProduct(300, 270);
    await writeFile(path.join(folder, 'small-cut.bmp'), bmp.subarray(0, bmp.length / 2));
    const jpeg = await runInProcess(['check', 'small-cut.jpg', '--preset', 'amazon'], { cwd: folder });
    expect(jpeg.stderr).toMatch(/^failed {2}small-cut\.jpg: truncated or corrupt: it ends before /m);
    expect(jpeg.stderr).not.toContain('300×300');
    expect(jpeg.code).toBe(1);
    const walmart = await runInProcess(['check', 'small-cut.bmp', '--preset', 'walmart'], { cwd: folder });
    expect(walmart.stderr).toMatch(
      /^failed {2}small-cut\.bmp: pixels not measured \(a truncated BMP\): no rule judged$/m,
    );
    expect(walmart.stderr).not.toContain('300×300');
    expect(walmart.code).toBe(1);
  });
});

describe('an interrupted run does not say it checked what it never measured', () => {
  it('does not say "40 images checked" when 30 were not', () => {
    const [first] = checkSummaryLines(
      {
        preset: 'amazon',
        total: 40,
        passed: 0,
        refused: 10,
        unreadable: 0,
        notChecked: 30,
        ignored: noneIgnored(),
        byRule: { background: 10 },
        advised: 0,
        adviceByRule: {},
        unjudged: ['noText'],
        durationMs: 1500,
        interrupted: true,
      },
      preset('amazon'),
      createStyle(false),
    );
    expect(first).toMatch(/^amazon: 10 of 40 images checked in /);
    expect(first).toContain('30 not checked');
  });
});

describe('the check summary points at --verbose', () => {
  it('only when the files it left out were not named', () => {
    const summary = {
      preset: 'amazon',
      total: 1,
      passed: 1,
      refused: 0,
      unreadable: 0,
      notChecked: 0,
      ignored: { ...noneIgnored(), 'not-an-image': 2 },
      byRule: {},
      advised: 0,
      adviceByRule: {},
      unjudged: [],
      durationMs: 1500,
      interrupted: false,
    };
    const [quiet] = checkSummaryLines(summary, preset('amazon'), createStyle(false));
    expect(quiet).toMatch(/\(ignored: 2 not images; --verbose names them\)$/);
    const [verbose] = checkSummaryLines(summary, preset('amazon'), createStyle(false), true);
    expect(verbose).toMatch(/\(ignored: 2 not images\)$/);
  });
});

describe('check --help', () => {
  it('has no line over 80 columns', async () => {
    const { stdout } = await runInProcess(['check', '--help']);
    expect(stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  it('gives a jq example that prints only the inputs that did not pass (not "null" for the summary line)', async () => {
    const { stdout } = await runInProcess(['check', '--help']);
    const program = /jq -r '([^']+)'/.exec(stdout)?.[1];
    // `select(.status != "pass")` also selects the summary (and warning) lines, which have no
    // status, and prints their `.input`: null.
    expect(program).toContain('.type == "result"');
  });
});

describe('files left out are told as edit tells them', () => {
  it('counts the hidden and non-image files it left out, and names them by their shown path with --verbose', async () => {
    const folder = path.join(root, 'left-out');
    await mkdir(folder);
    await productOn(1000, 900).jpeg().toFile(path.join(folder, 'a.jpg'));
    await copyFile(path.join(folder, 'a.jpg'), path.join(folder, '.hidden.jpg'));
    await writeFile(path.join(folder, 'notes.txt'), 'hi\n');
    // edit . --dry-run says: "planning 1 image (dry run: ...; ignored: 1 not an image, 1 hidden file)"
    const plain = await runInProcess(['check', '.', '--preset', 'amazon'], { cwd: folder });
    expect(plain.stderr).toContain('ignored: 1 not an image, 1 hidden file');
    // edit --verbose: "ignored .hidden.jpg (hidden)"; check printed the absolute path
    const verbose = await runInProcess(['check', '.', '--preset', 'amazon', '--verbose'], { cwd: folder });
    expect(verbose.stderr).toMatch(/^ignored \.hidden\.jpg \(hidden\)$/m);
  });
});

describe('a figure rounded to the bound does not contradict the verdict', () => {
  it('does not say "(20 MP): shopify wants 20 MP or less"', () => {
    const verdict = judge(preset('shopify'), {
      facts: factsOf({ width: 4472, height: 4473 }),
      pixels: pixelsOf(),
    });
    const reason = verdict.failures.find((failure) => failure.check === 'maxPixels')?.reason;
    expect(reason).toBeDefined();
    expect(reason).not.toMatch(/\(20 MP\): shopify wants 20 MP or less/);
  });

  it('does not say "5 MB (...): walmart wants 5 MB or less"', () => {
    const verdict = judge(preset('walmart'), {
      facts: factsOf({ bytes: 5_040_000 }),
      pixels: pixelsOf(),
    });
    const reason = verdict.failures.find((failure) => failure.check === 'maxBytes')?.reason;
    expect(reason).toBeDefined();
    expect(reason).not.toMatch(/^5 MB .*walmart wants 5 MB or less$/);
  });
});

describe('an indexed PNG is judged by its colours, not by its index width', () => {
  it('gives a 16-colour and a 256-colour palette PNG the same walmart verdict, never "4 bits a channel"', async () => {
    const image = productOn(1600, 1500);
    await image.clone().png({ palette: true, colours: 16 }).toFile(path.join(root, 'pal16.png'));
    await image.clone().png({ palette: true, colours: 256 }).toFile(path.join(root, 'pal256.png'));
    const result = await runInProcess(['check', 'pal16.png', 'pal256.png', '--preset', 'walmart', '--json'], {
      cwd: root,
    });
    const [sixteen, full] = resultLines(result.stdout);
    expect(JSON.stringify(sixteen)).not.toContain('4 bits a channel');
    expect(sixteen!.status).toBe(full!.status);
  });
});

/** `photoroom ...args` spawned with its stdout read until the first line, then closed (`| head -1`). */
function runUntilFirstLine(args: readonly string[], cwd: string): Promise<CliResult & { firstLine: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let read = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    read += chunk.toString();
    if (read.includes('\n')) child.stdout.destroy();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: read, stderr, firstLine: read.slice(0, read.indexOf('\n')) }));
  });
}

describe('a reader of --json that goes away stops the run, as it stops edit', () => {
  it('`check --json | head -1` starts no new image, says so, and exits 1', async () => {
    const folder = path.join(root, 'many');
    await mkdir(folder);
    await productOn(2000, 1200).jpeg().toFile(path.join(folder, 'p00.jpg'));
    for (let index = 1; index < 40; index++)
      await copyFile(path.join(folder, 'p00.jpg'), path.join(folder, `p${String(index).padStart(2, '0')}.jpg`));
    const result = await runUntilFirstLine(['check', '.', '--preset', 'amazon', '--json'], folder);
    expect(JSON.parse(result.firstLine)).toMatchObject({ type: 'result', input: 'p00.jpg' });
    expect(result.stderr).toContain('standard output was closed');
    expect(result.code).toBe(1);
  }, 60_000);
});
