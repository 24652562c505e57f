/**
 * The report in a real browser (headless Chromium), opened from disk as a user would: built
 * from a real batch against the emulator, from 10,000 synthetic results, and from a preset's
 * verdicts (edit --preset, check --report).
 */
import { writeFileSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { readSidecar, SIDECAR_SUFFIX, sidecarRecord } from '../../src/store/sidecar.js';
import { openBrowser, type Browser } from '../support/browser.js';
import { emulatorEnv, FIXTURES, recordingEmulator, tempDir } from './harness.js';
import { runInProcess } from '../support/in-process.js';

let browser: Browser;
beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a report, recording every URL the page asks for. */
async function openReport(file: string): Promise<{ page: Page; requested: string[] }> {
  const page = await browser.context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  await page
    .locator('#shown')
    .filter({ hasText: /results|images/ })
    .waitFor();
  return { page, requested };
}

// In-page code is given as text: this project's types are Node's, not the DOM's.

/**
 * Waits until `condition` (in-page code) holds, polled from here: the page's CSP refuses the
 * eval that waitForFunction polls with in the page (it passes only if the first look holds).
 */
function untilInPage(page: Page, condition: string): Promise<unknown> {
  return expect.poll(() => page.evaluate(condition)).toBe(true);
}

const ALL_IMAGES_LOADED = '[...document.images].every((image) => image.complete)';

/** Waits until every image on the screen has loaded (lazy ones below it are not asked for). */
function screenImagesLoaded(page: Page): Promise<unknown> {
  return untilInPage(
    page,
    '[...document.images].every((image) => image.getBoundingClientRect().top > innerHeight || image.complete)',
  );
}

const rowNames = (page: Page) => page.locator('.row .name').allTextContents();
const verdictHeads = (page: Page) => page.locator('.row .verdict .head').allTextContents();

/** The rows a written page embeds, in its order, and the page itself. */
async function writtenPage(file: string): Promise<{ html: string; rows: Record<string, unknown>[] }> {
  const html = await readFile(file, 'utf8');
  const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1];
  return { html, rows: (JSON.parse(json ?? 'null') as { rows: Record<string, unknown>[] }).rows };
}
const shownLine = (page: Page) => page.locator('#shown').textContent();

/** Uncertainty scores as the rows show them, in page order; null for a row without one. */
async function shownScores(page: Page): Promise<(number | null)[]> {
  const badges = await page.locator('.row .badges').allTextContents();
  return badges.map((text) => {
    if (text.includes('people present')) return -1;
    const score = /uncertainty (\d\.\d\d)/.exec(text)?.[1];
    return score === undefined ? null : Number(score);
  });
}

describe('the report of a real batch', () => {
  const HOSTILE = '<img src=x onerror="window.pwned=1">';
  let emulator: RunningEmulator;
  let root: string;
  let report: string;
  /** Each output's score, from its sidecar. */
  const scores = new Map<string, number>();

  beforeAll(async () => {
    emulator = await recordingEmulator();
    root = await tempDir();
    await cp(FIXTURES, path.join(root, 'products'), { recursive: true });
    await writeFile(path.join(root, 'products/broken.jpg'), 'this is not a JPEG');
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'products', `${HOSTILE}.jpg`));
    const env = emulatorEnv(emulator);
    const first = await runInProcess(['edit', 'products', '-o', 'out', '--bg', 'white'], { cwd: root, env });
    expect(first.code, first.stderr).toBe(1);
    // The latest run: one input redone with a parameter the API ignores.
    const second = await runInProcess(
      ['edit', 'products/mug.jpg', '-o', 'out', '--bg', 'white', '--param', 'unknown.thing=1'],
      { cwd: root, env },
    );
    expect(second.code, second.stderr).toBe(0);

    const written = await runInProcess(['report', 'out'], { cwd: root });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('out/photoroom-report.html\n');
    report = path.join(root, 'out/photoroom-report.html');
    for (const name of ['bottle.png', 'gift-box.png', 'mug.png', 'sneaker.png', `${HOSTILE}.png`]) {
      const sidecar = await readSidecar(`${path.join(root, 'out', name)}${SIDECAR_SUFFIX}`);
      scores.set(name, Number(sidecar?.response.headers['x-uncertainty-score']));
    }
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('shows every output beside its input, and every image loads from disk', async () => {
    const { page, requested } = await openReport(report);
    expect((await rowNames(page)).sort()).toEqual([
      `${HOSTILE}.png`,
      'bottle.png',
      'gift-box.png',
      'mug.png',
      'products/broken.jpg', // a failure left no output: its row is named by its input
      'sneaker.png',
    ]);
    await untilInPage(page, ALL_IMAGES_LOADED);
    const images = await page.evaluate<[string, number][]>(
      "[...document.querySelectorAll('.row img')].map((image) => [image.alt, image.naturalWidth])",
    );
    expect(images).toHaveLength(10); // five inputs and five outputs; broken.jpg shows its name
    for (const [alt, width] of images) expect(width, alt).toBeGreaterThan(0);
    expect(await page.locator('.row.failed .thumb.none').allTextContents()).toEqual(['broken.jpg', 'no output']);
    expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  });

  it('lists the failure first with its reason, then the least certain', async () => {
    const { page } = await openReport(report);
    expect((await rowNames(page))[0]).toBe('products/broken.jpg');
    expect(await page.locator('.row').first().locator('.error').textContent()).toMatch(/not an image/);
    const expected = [...scores].sort(([nameA, a], [nameB, b]) => b - a || (nameA < nameB ? -1 : 1));
    expect((await rowNames(page)).slice(1)).toEqual(expected.map(([name]) => name));
    expect((await shownScores(page)).slice(1)).toEqual(expected.map(([, score]) => score));
    await page.close();
  });

  it('shows the latest run, the ignored parameters, and names as text that never runs', async () => {
    const { page } = await openReport(report);
    const run = await page.locator('#run').textContent();
    expect(run).toContain('1 ok');
    expect(run).toContain('0 failed');
    expect(run).toContain('1 request');
    expect(run).toContain('1 credit used');
    const mug = page.locator('.row', { has: page.locator('.name', { hasText: /^mug\.png$/ }) });
    expect(await mug.locator('dd.ignored').textContent()).toBe('Unsupported attributes: unknown.thing');
    expect(await mug.locator('.meta code.sent').textContent()).toBe('unknown.thing=1 background.color=white');
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(
      await page
        .locator('.row .name')
        .filter({ hasText: `${HOSTILE}.png` })
        .count(),
    ).toBe(1);
    await page.close();
  });

  it('filters: failed only, uncertain above the threshold, ignored parameters, by name', async () => {
    const { page } = await openReport(report);
    await page.getByRole('button', { name: /^Failed/ }).click();
    expect(await rowNames(page)).toEqual(['products/broken.jpg']);

    await page.getByRole('button', { name: /^Ignored parameters/ }).click();
    expect(await rowNames(page)).toEqual(['mug.png']);

    // A threshold at the highest score, to the slider's hundredths, keeps some rows and not others.
    const threshold = Math.floor(Math.max(...scores.values()) * 100) / 100;
    const expected = [...scores].filter(([, score]) => score >= threshold).map(([name]) => name);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(scores.size);
    await page.getByLabel('Uncertainty threshold').fill(String(threshold));
    expect((await rowNames(page)).sort()).toEqual(expected.sort());
    expect(await page.getByRole('button', { name: /^Uncertain/ }).getAttribute('aria-pressed')).toBe('true');

    await page.getByRole('button', { name: /^All/ }).click();
    await page.getByLabel('Filter by file name').fill('SNEAK');
    expect(await rowNames(page)).toEqual(['sneaker.png']);
    expect(await shownLine(page)).toBe('1 of 6 results, least certain first');
    // Made without a preset: no compliance column, no "would be refused" filter.
    expect(await page.locator('.verdict').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Would be refused/ }).count()).toBe(0);
    await page.close();
  });
});

describe('the report of a folder that holds no run', () => {
  it('says there is nothing to report, writes nothing, and exits 2: an input folder', async () => {
    const root = await tempDir();
    await cp(FIXTURES, path.join(root, 'products'), { recursive: true });
    const before = await readdir(path.join(root, 'products'));
    const result = await runInProcess(['report', 'products'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      'photoroom: products: nothing to report: no results of a run there (no sidecars, no run log); give the output folder of a run (-o), and --state-dir if it kept its state elsewhere',
    );
    expect(await readdir(path.join(root, 'products'))).toEqual(before);
  });

  it('leaves the page photoroom check --report wrote there as it is', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'shots'));
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'shots/mug.jpg'));
    const check = await runInProcess(['check', 'shots', '--preset', 'amazon', '--report', '--no-progress'], {
      cwd: root,
    });
    expect(check.stderr).toContain('report: shots/photoroom-report.html\n');
    const page = await readFile(path.join(root, 'shots/photoroom-report.html'), 'utf8');
    const result = await runInProcess(['report', 'shots'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^photoroom: shots: nothing to report/);
    expect(await readFile(path.join(root, 'shots/photoroom-report.html'), 'utf8')).toBe(page);
  });

  it('refuses an empty folder, and a state folder without the state, naming it', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'out'));
    await mkdir(path.join(root, 'state'));
    expect((await runInProcess(['report', 'out'], { cwd: root })).code).toBe(2);
    const elsewhere = await runInProcess(['report', 'out', '--state-dir', 'state'], { cwd: root });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^photoroom: state \(--state-dir\): nothing to report/);
    expect(await readdir(path.join(root, 'out'))).toEqual([]);
  });
});

describe("the report's details: failures, formats browsers do not show, tiny images, a rerun", () => {
  let emulator: RunningEmulator;
  let root: string;
  let report: string;

  beforeAll(async () => {
    emulator = await recordingEmulator();
    root = await tempDir();
    const products = path.join(root, 'products');
    await mkdir(products);
    await sharp(path.join(FIXTURES, 'mug.jpg')).tiff().toFile(path.join(products, 'mug.tiff'));
    await sharp({ create: { width: 6, height: 4, channels: 3, background: '#5b3df5' } })
      .png()
      .toFile(path.join(products, 'tiny.png'));
    await writeFile(path.join(products, 'broken.jpg'), 'this is not a JPEG');
    const env = emulatorEnv(emulator);
    const args = ['edit', 'products', '-o', 'out', '--bg', 'white', '--no-progress'];
    const first = await runInProcess(args, { cwd: root, env });
    expect(first.code, first.stderr).toBe(1);
    // A rerun that changes nothing: both results are skipped, broken.jpg fails again.
    const rerun = await runInProcess([...args, '--report'], { cwd: root, env });
    expect(rerun.code, rerun.stderr).toBe(1);
    expect(rerun.stderr).toContain('report: out/photoroom-report.html\n');
    report = path.join(root, 'out/photoroom-report.html');
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('heads a failed input that left no output by the input, and says there is no output', async () => {
    const { rows } = await writtenPage(report);
    expect(rows[0]).toMatchObject({ input: 'products/broken.jpg', status: 'failed' });
    expect(rows[0]).not.toHaveProperty('output');
    const { page } = await openReport(report);
    const failed = page.locator('.row.failed');
    expect(await failed.locator('.title').textContent()).toBe('products/broken.jpgno output');
    expect(await failed.locator('.name').textContent()).toBe('products/broken.jpg');
    await page.close();
  });

  it('says why a TIFF input shows no picture, and links it', async () => {
    const { page } = await openReport(report);
    const row = page.locator('.row', { has: page.locator('.name', { hasText: /^mug\.png$/ }) });
    const input = row.locator('figure').first();
    expect(await input.locator('.thumb').textContent()).toBe('mug.tiffTIFF: browsers do not show it');
    expect(await input.locator('a.thumb').getAttribute('href')).toBe('../products/mug.tiff');
    await page.close();
  });

  it('draws a tiny image larger, its pixels sharp and its proportions kept', async () => {
    const { page } = await openReport(report);
    await untilInPage(page, ALL_IMAGES_LOADED);
    const row = page.locator('.row', { has: page.locator('.name', { hasText: /^tiny\.png$/ }) });
    const image = row.locator('figure').first().locator('img');
    const tiny = 'document.querySelector(\'.row img[alt="input"][src$="tiny.png"]\')';
    await expect.poll(() => page.evaluate(`${tiny}.classList.contains('enlarged')`)).toBe(true);
    const box = await image.boundingBox();
    expect(box).toMatchObject({ width: 108, height: 72 }); // 6×4, 18 times, in a 112 px box
    expect(await page.evaluate(`getComputedStyle(${tiny}).imageRendering`)).toBe('pixelated');
    await page.close();
  });

  it("shows what the folder holds apart from the latest run's facts", async () => {
    const { page } = await openReport(report);
    expect(await page.locator('#run .state').textContent()).toBe('This folder holds 2 results1 input failed');
    const latest = await page.locator('#run .latest').textContent();
    expect(latest).toContain('0 ok');
    expect(latest).toContain('2 skipped');
    expect(latest).toContain('1 failed');
    await page.close();
  });

  it('is titled by the folder relative to the working folder, however it was named', async () => {
    const titles = new Set<string>();
    for (const named of ['out', path.join(root, 'out'), './out/']) {
      const written = await runInProcess(['report', named], { cwd: root });
      expect(written.code, written.stderr).toBe(0);
      expect(written.stdout).toBe('out/photoroom-report.html\n');
      titles.add(/<title>(.*)<\/title>/.exec(await readFile(report, 'utf8'))?.[1] ?? '');
    }
    expect([...titles]).toEqual(['Photoroom report: out']);
  });
});

describe('the report of 10,000 results', () => {
  const COUNT = 10_000;
  let report: string;
  let expectedFailed: number;
  let expectedAbove: number;

  /** Deterministic results: a score for most, people for some, a failure and an ignored parameter now and then. */
  beforeAll(async () => {
    const root = await tempDir();
    const out = path.join(root, 'out');
    await mkdir(out);
    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#5b3df5' } })
      .png()
      .toBuffer();
    const log: string[] = [];
    expectedFailed = 0;
    expectedAbove = 0;
    for (let i = 0; i < COUNT; i++) {
      const name = `item-${String(i).padStart(5, '0')}.png`;
      const input = `products/item-${i}.jpg`;
      if (i % 997 === 0) {
        expectedFailed++;
        log.push(
          JSON.stringify({
            time: '2025-01-01T10:05:00.000Z',
            run: '2025-01-01T10:00:00.000Z',
            input,
            output: `out/${name}`,
            status: 'failed',
            error: 'HTTP 400: no',
            attempts: 1,
            ms: 5,
          }),
        );
        continue;
      }
      const score = i % 50 === 0 ? -1 : ((i * 7919) % 1000) / 1000;
      if (score === -1 || score >= 0.9) expectedAbove++;
      const headers: Record<string, string> = {
        'x-uncertainty-score': String(score),
        ...(i % 1000 === 1 && { 'pr-unsupported-attributes': 'Unsupported attributes: x' }),
      };
      const sidecar = sidecarRecord({
        input: { path: input, size: 1, mtimeMs: 1, sha256: 'x' },
        request: { endpoint: '/v2/edit', method: 'POST', fields: [] },
        status: 200,
        headers,
        attempts: 1,
        durationsMs: { total: 5, lastAttempt: 5 },
        output: { path: path.join(out, name), bytes: png.length, sha256: 'y' },
        cliVersion: '0.1.0',
        completedAt: new Date('2025-01-01T10:00:01Z'),
      });
      // Synchronous writes: for 20,000 small files several times quicker than fs/promises.
      writeFileSync(path.join(out, name), png);
      writeFileSync(`${path.join(out, name)}${SIDECAR_SUFFIX}`, JSON.stringify(sidecar));
      log.push(
        JSON.stringify({
          time: '2025-01-01T10:05:00.000Z',
          run: '2025-01-01T10:00:00.000Z',
          input,
          output: `out/${name}`,
          status: 'ok',
          attempts: 1,
          ms: 5,
        }),
      );
    }
    await writeFile(path.join(out, 'photoroom-run.jsonl'), `${log.join('\n')}\n`);
    const written = await runInProcess(['report', 'out'], { cwd: root });
    expect(written.code, written.stderr).toBe(0);
    report = path.join(out, 'photoroom-report.html');
    expect((await readFile(report)).length).toBeLessThan(5_000_000);
  }, 120_000);

  it('builds only the rows and loads only the thumbnails near the screen, more as it scrolls', async () => {
    const { page, requested } = await openReport(report);
    expect(await shownLine(page)).toBe('10,000 results, least certain first');
    // The failures come first and have no images: the first thumbnails are just below them.
    await page.locator('.row').nth(expectedFailed).scrollIntoViewIfNeeded();
    await screenImagesLoaded(page);
    const built = await page.locator('.row').count();
    expect(built).toBeGreaterThan(0);
    expect(built).toBeLessThanOrEqual(150);
    const thumbnails = requested.filter((url) => url.endsWith('.png'));
    expect(thumbnails.length).toBeGreaterThan(0);
    expect(thumbnails.length).toBeLessThan(60);

    await page.locator('.row').last().scrollIntoViewIfNeeded();
    await page.locator('.row').nth(built).waitFor();
    expect(await page.locator('.row').count()).toBeLessThan(COUNT);
    await page.close();
  });

  it('filters all 10,000 rows, failed first', async () => {
    const { page } = await openReport(report);
    expect(await page.locator('.row .badges').first().textContent()).toContain('failed');
    await page.getByRole('button', { name: /^Failed/ }).click();
    expect(await shownLine(page)).toBe(`${expectedFailed} of 10,000 results, least certain first`);
    await page.getByLabel('Uncertainty threshold').fill('0.9');
    expect(await shownLine(page)).toBe(
      `${expectedAbove.toLocaleString('en-US')} of 10,000 results, least certain first`,
    );
    expect((await shownScores(page)).slice(0, 3)).toEqual([-1, -1, -1]);
    await page.getByRole('button', { name: /^Ignored parameters/ }).click();
    expect(await shownLine(page)).toBe('10 of 10,000 results, least certain first');
    await page.close();
  });
});

describe("the report of edit --preset: each output's verdict", () => {
  const HOSTILE = '<img src=x onerror="window.pwned=1">';
  let report: string;

  beforeAll(async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'products'));
    for (const name of ['mug.jpg', 'sneaker.jpg', 'bottle.png'])
      await copyFile(path.join(FIXTURES, name), path.join(root, 'products', name));
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'products', `${HOSTILE}.jpg`));
    await writeFile(path.join(root, 'products/broken.jpg'), 'this is not a JPEG');
    // amazon with a byte limit the emulator's mug (95 kB) breaks and its sneaker (77 kB) and bottle (61 kB) keep.
    await writeFile(
      path.join(root, '.photoroomrc'),
      JSON.stringify({ presets: { tight: { extends: 'amazon', checks: { maxBytes: 80_000 } } } }),
    );
    const run = await runInProcess(
      ['edit', 'products', '--preset', 'tight', '--emulator', '-o', 'out', '--report', '--yes', '--no-progress'],
      { cwd: root },
    );
    expect(run.code, run.stderr).toBe(1); // broken.jpg failed; a failed input comes before a refusal
    expect(run.stderr).toContain('tight: 2 of 4 outputs would be refused');
    expect(run.stderr).toContain('report: out/photoroom-report.html\n');
    report = path.join(root, 'out/photoroom-report.html');
  });

  it('writes the verdicts into the page, refused outputs first, names only escaped', async () => {
    const { html, rows } = await writtenPage(report);
    expect(rows.map((row) => [row.output, (row.compliance as { verdict?: string } | undefined)?.verdict])).toEqual([
      [`${HOSTILE}.jpg`, 'refused'],
      ['mug.jpg', 'refused'],
      [undefined, undefined], // products/broken.jpg failed: no output
      ...rows.slice(3).map((row) => [row.output, 'pass']),
    ]);
    expect(rows[2]?.input).toBe('products/broken.jpg');
    expect(
      rows
        .slice(3)
        .map((row) => row.output)
        .sort(),
    ).toEqual(['bottle.jpg', 'sneaker.jpg']);
    expect(rows[1]?.compliance).toEqual({
      preset: 'tight',
      verdict: 'refused',
      reasons: [expect.stringMatching(/^95 kB \([\d,]+ bytes\): tight wants 80 kB or less$/)],
    });
    expect(html).toContain('<button type="button" data-view="refused">Would be refused<');
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it('shows a compliance column and filters the outputs the marketplace would refuse', async () => {
    const { page, requested } = await openReport(report);
    expect(await shownLine(page)).toBe('5 results, would-be-refused first, then least certain');
    expect((await rowNames(page)).slice(0, 3)).toEqual([`${HOSTILE}.jpg`, 'mug.jpg', 'products/broken.jpg']);
    expect(await verdictHeads(page)).toEqual([
      'tight: would be refused',
      'tight: would be refused',
      'not checked',
      'tight: passes',
      'tight: passes',
    ]);
    expect(await page.locator('.row').first().locator('.verdict li').textContent()).toMatch(
      /tight wants 80 kB or less$/,
    );
    await page.getByRole('button', { name: /^Would be refused/ }).click();
    expect(await rowNames(page)).toEqual([`${HOSTILE}.jpg`, 'mug.jpg']);
    expect(await shownLine(page)).toBe('2 of 5 results, would-be-refused first, then least certain');
    expect(await page.getByRole('button', { name: /^Would be refused/ }).textContent()).toBe('Would be refused2');
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  });
});

describe('the report of check --report: images that never went through the API', () => {
  const HOSTILE = '<svg onload="window.pwned=1">';
  let root: string;

  beforeAll(async () => {
    root = await tempDir();
    const shots = path.join(root, 'shots');
    await mkdir(shots);
    // A product filling 90% of a white square: what amazon takes.
    const compliant = sharp(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1200"><rect width="1200" height="1200" fill="#fff"/>' +
          '<rect x="60" y="150" width="1080" height="900" fill="#283040"/></svg>',
      ),
    ).jpeg();
    await compliant.toFile(path.join(shots, 'ok.jpg'));
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(shots, 'mug.jpg')); // a grey backdrop
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(shots, `${HOSTILE}.jpg`));
    await writeFile(path.join(shots, 'broken.jpg'), 'this is not a JPEG');
  });

  it('writes the page into the one folder checked: one row per image, refused first, names only escaped', async () => {
    const run = await runInProcess(['check', 'shots', '--preset', 'amazon', '--report', '--no-progress'], {
      cwd: root,
    });
    expect(run.code, run.stderr).toBe(1); // broken.jpg could not be read
    expect(run.stderr).toContain('report: shots/photoroom-report.html\n');
    const { html, rows } = await writtenPage(path.join(root, 'shots/photoroom-report.html'));
    expect(rows.map((row) => [row.kind, row.image, row.imageHref, row.status])).toEqual([
      ['image', `shots/${HOSTILE}.jpg`, encodeURIComponent(`${HOSTILE}.jpg`), 'ok'],
      ['image', 'shots/mug.jpg', 'mug.jpg', 'ok'],
      ['image', 'shots/broken.jpg', 'broken.jpg', 'failed'],
      ['image', 'shots/ok.jpg', 'ok.jpg', 'ok'],
    ]);
    expect(rows.map((row) => row.compliance)).toEqual([
      expect.objectContaining({ verdict: 'refused' }),
      {
        preset: 'amazon',
        verdict: 'refused',
        reasons: ['background: 100% of the border is not pure white; amazon wants at most 1%'],
      },
      { preset: 'amazon', verdict: 'unjudged', reasons: ['could not be read: not an image: unrecognised bytes'] },
      { preset: 'amazon', verdict: 'pass', reasons: [] },
    ]);
    expect(html).toContain('>Would be refused<');
    expect(html).not.toContain('<svg onload');
  });

  it('writes the page into the working folder when several inputs are named, linking each image from there', async () => {
    const run = await runInProcess(
      ['check', 'shots/ok.jpg', 'shots/mug.jpg', '--preset', 'amazon', '--report', '--json'],
      { cwd: root },
    );
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toBe('report: photoroom-report.html\n');
    const { rows } = await writtenPage(path.join(root, 'photoroom-report.html'));
    expect(rows.map((row) => [row.image, row.imageHref])).toEqual([
      ['shots/mug.jpg', 'shots/mug.jpg'],
      ['shots/ok.jpg', 'shots/ok.jpg'],
    ]);
  });

  it('shows each image and its verdict in the browser, and filters the refused and those not read', async () => {
    const { page, requested } = await openReport(path.join(root, 'shots/photoroom-report.html'));
    expect(await shownLine(page)).toBe('4 images, would-be-refused first');
    expect(await page.locator('#run').textContent()).toContain('Checked on disk against amazon');
    expect(await verdictHeads(page)).toEqual([
      'amazon: would be refused',
      'amazon: would be refused',
      'amazon: not judged',
      'amazon: passes',
    ]);
    await untilInPage(page, ALL_IMAGES_LOADED);
    const widths = await page.evaluate<number[]>(
      "[...document.querySelectorAll('.row img')].map((i) => i.naturalWidth)",
    );
    expect(widths).toHaveLength(3); // broken.jpg shows its name
    for (const width of widths) expect(width).toBeGreaterThan(0);
    expect(await page.getByLabel('Uncertainty threshold').count()).toBe(0);

    await page.getByRole('button', { name: /^Would be refused/ }).click();
    expect(await rowNames(page)).toEqual([`shots/${HOSTILE}.jpg`, 'shots/mug.jpg']);
    await page.getByRole('button', { name: /^Could not be read/ }).click();
    expect(await rowNames(page)).toEqual(['shots/broken.jpg']);
    expect(await shownLine(page)).toBe('1 of 4 images, would-be-refused first');
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  });
});

describe('the report of a run stopped by the credits running out', () => {
  it('counts the input it left unfinished as not processed, not as failed', async () => {
    const broke = await recordingEmulator({ credits: 1 });
    const root = await tempDir();
    await mkdir(path.join(root, 'products'));
    for (const name of ['bottle.png', 'mug.jpg', 'sneaker.jpg'])
      await copyFile(path.join(FIXTURES, name), path.join(root, 'products', name));
    const stopped = await runInProcess(['edit', 'products', '-o', 'out', '--concurrency', '1', '--yes', '--report'], {
      cwd: root,
      env: emulatorEnv(broke),
    }).finally(() => broke.close());
    expect(stopped.code, stopped.stderr).toBe(3);
    const { page } = await openReport(path.join(root, 'out/photoroom-report.html'));
    const state = await page.locator('#run .state').textContent();
    expect(state).toBe('This folder holds 1 result0 inputs failed1 not processed (a run stopped; a rerun does them)');
    expect(await page.locator('.badge.bad').allTextContents()).toEqual(['not processed']);
    await page.close();
  });
});
