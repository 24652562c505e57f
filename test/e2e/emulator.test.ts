import path from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { flagOf, KEY, paramsFor } from '../../src/params/table.js';
import type { Endpoint, ParamSpec } from '../../src/params/types.js';
import { invalidText, validText } from '../support/samples.js';
import { runInProcess } from '../support/in-process.js';
import { startEmulatorCommand } from '../support/emulator-command.js';
import { recordingEmulator, serveFolder, tempDir } from './harness.js';

let small: Buffer;
let files: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const folder = await tempDir();
  // A light backdrop with a dark subject, small so that every render is quick.
  small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f4f4f4' } })
    .composite([
      { input: { create: { width: 20, height: 16, channels: 3, background: '#a03020' } }, left: 22, top: 16 },
    ])
    .png()
    .toBuffer();
  await sharp(small).toFile(path.join(folder, 'small.png'));
  files = await serveFolder(folder);
});

afterAll(async () => {
  await files.close();
});

type Part = string | { bytes: Buffer; filename: string };

function form(fields: Record<string, Part>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([value.bytes], { type: 'image/png' }), value.filename);
  }
  return body;
}

async function post(
  emulator: RunningEmulator,
  route: string,
  fields: Record<string, Part>,
  headers: Record<string, string> = {},
) {
  return fetch(`${emulator.url}${route}`, {
    method: 'POST',
    body: form(fields),
    headers: { 'x-api-key': 'k', ...headers },
  });
}

const image = () => ({ bytes: small, filename: 'small.png' });

/** By name prefix, the fields a parameter needs beside it (the rules of the 2026-06-22 contract). */
const COMPANIONS: Record<string, Record<string, string>> = {
  'shadow.': { 'shadow.mode': 'ai.auto-with-overrides' },
  'upscale.downscaleIfNeeded': { 'upscale.mode': 'ai.fast' },
  'beautify.onSubjectMismatch': { 'beautify.mode': 'ai.food' },
  'flatLay.': { 'flatLay.mode': 'ai.auto' },
  'ghostMannequin.': { 'ghostMannequin.mode': 'ai.auto' },
  'virtualModel.': { 'virtualModel.mode': 'ai.auto' },
};

/** Fields that make a sample value of `spec` a complete, otherwise valid request. */
function requestFor(endpoint: Endpoint, spec: ParamSpec, text: string): Record<string, Part> {
  const fields: Record<string, Part> = { [endpoint === 'edit' ? 'imageFile' : 'image_file']: image() };
  const name = spec.name.replace(KEY, 'front');
  if (spec.kind === 'file') fields[name] = image();
  else if (spec.kind === 'url') fields[name] = `${files.url}/small.png`;
  else fields[name] = text;
  if (spec.name === 'background.scaling') fields['background.imageFile'] = image();
  // What the contract's prose rules make a parameter need beside it.
  const needs = Object.entries(COMPANIONS).find(
    ([prefix, companions]) => spec.name.startsWith(prefix) && !(spec.name in companions),
  );
  if (needs) Object.assign(fields, needs[1]);
  if (spec.name === 'maxWidth' || spec.name === 'maxHeight') fields.outputSize = 'originalImage';
  // Small enlargements and outputs keep the test quick.
  if (spec.name === 'outputSize' && /^\d+x\d+$/.test(text)) fields[spec.name] = '120x90';
  if (spec.kind === 'pixels') fields[spec.name] = '50';
  return fields;
}

describe('the emulator accepts and refuses every parameter as the spec says', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await recordingEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  for (const endpoint of ['edit', 'segment'] as const) {
    const route = endpoint === 'edit' ? '/v2/edit' : '/v1/segment';
    for (const spec of paramsFor(endpoint).filter((s) => flagOf(s) !== null && s.kind !== 'layers')) {
      it(`${route} ${spec.name}`, async () => {
        const [valid] = fc.sample(validText(spec), { numRuns: 1, seed: 7 });
        const accepted = await post(emulator, route, requestFor(endpoint, spec, valid!));
        if (spec.methods && !spec.methods.includes('POST')) {
          // A GET-only parameter (the contract's POST form lacks it) is refused on an upload.
          expect(accepted.status).toBe(400);
          expect(((await accepted.json()) as { error: { message: string } }).error.message).toContain(
            'is only accepted by GET /v2/edit',
          );
          return;
        }
        expect(accepted.status, await accepted.clone().text()).toBe(200);
        expect(accepted.headers.get('content-type')).toMatch(/^image\/(png|jpeg|webp|avif)$/);
        // Templates are the one thing the emulator cannot render; it says so like the API would.
        const unsupported =
          spec.name === 'templateId' ? 'Unsupported attributes: templateId (templates are not emulated)' : null;
        expect(accepted.headers.get('pr-unsupported-attributes')).toBe(unsupported);
        await accepted.arrayBuffer();

        const invalid = invalidText(spec);
        if (!invalid) return;
        const [bad] = fc.sample(invalid, { numRuns: 1, seed: 7 });
        const refused = await post(emulator, route, {
          [endpoint === 'edit' ? 'imageFile' : 'image_file']: image(),
          [spec.name]: bad!,
        });
        expect(refused.status).toBe(400);
        const body = (await refused.json()) as { error?: { message: string }; detail?: string };
        const message = endpoint === 'edit' ? body.error?.message : body.detail;
        expect(message).toContain(`${spec.name}: invalid value`);
      });
    }
  }
});

describe('the emulator speaks the API contract', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await recordingEmulator({ apiKey: 'sk_right' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('answers 403 with no body without the right x-api-key', async () => {
    for (const headers of [{}, { 'x-api-key': 'sk_wrong' }] as Record<string, string>[]) {
      const response = await fetch(`${emulator.url}/v2/account`, { headers });
      expect(response.status).toBe(403);
      expect(await response.text()).toBe('');
    }
  });

  it('answers v2 errors as {error:{message}} and v1 errors as {detail,status_code,type}', async () => {
    const v2 = await post(emulator, '/v2/edit', { imageFile: image(), padding: '0.9' }, { 'x-api-key': 'sk_right' });
    expect(v2.status).toBe(400);
    expect(await v2.json()).toEqual({
      error: {
        message:
          'padding: invalid value "0.9"; expected a ratio from 0 to 0.49, a percentage from "0%" to "49%", or pixels such as "100px"',
      },
    });
    const v1 = await post(emulator, '/v1/segment', { channels: 'rgb' }, { 'x-api-key': 'sk_right' });
    expect(v1.status).toBe(400);
    expect(await v1.json()).toEqual({
      detail:
        'image_file is required; channels: invalid value "rgb"; expected one of rgba, alpha; did you mean "rgba"?',
      status_code: 400,
      type: 'invalid_request_error',
    });
  });

  it('refuses the cross-field combinations the spec forbids', async () => {
    const response = await post(
      emulator,
      '/v2/edit',
      { imageFile: image(), removeBackground: 'false', referenceBox: 'originalImage' },
      { 'x-api-key': 'sk_right' },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'referenceBox cannot be used with removeBackground false (the background is kept)',
    );
  });

  it('refuses a shadow.mode the pr-ai-shadows-model-version header rules out, and takes the one it allows', async () => {
    const shadow = (mode: string) =>
      post(
        emulator,
        '/v2/edit',
        { imageFile: image(), 'shadow.mode': mode },
        { 'x-api-key': 'sk_right', 'pr-ai-shadows-model-version': '2026-04-15' },
      );
    const refused = await shadow('ai.soft');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'shadow.mode ai.soft does not work with the 2026-04-15 AI Shadows model, which pr-ai-shadows-model-version 2026-04-15 chooses',
    );
    expect((await shadow('ai.preset-soft')).status).toBe(200);
  });

  it('fills the padding with background.color when removeBackground is false (the 2026-06-22 contract)', async () => {
    const response = await post(
      emulator,
      '/v2/edit',
      { imageFile: image(), removeBackground: 'false', 'background.color': 'FF0000', outputSize: '128x48' },
      { 'x-api-key': 'sk_right' },
    );
    expect(response.status).toBe(200);
    const { data, info } = await sharp(Buffer.from(await response.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([128, 48]);
    // The photo (its light backdrop kept) in the middle, red padding at the sides.
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels).subarray(0, 3)];
    expect(pixel(2, 24)).toEqual([255, 0, 0]);
    expect(pixel(64, 2)).toEqual([244, 244, 244]);
  });

  it('reports unknown fields in pr-unsupported-attributes, as the API does', async () => {
    const response = await post(
      emulator,
      '/v2/edit',
      { imageFile: image(), 'background.inner': 'x' },
      { 'x-api-key': 'sk_right' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('pr-unsupported-attributes')).toBe('Unsupported attributes: background.inner');
  });

  it('fetches imageUrl for GET /v2/edit and adds pr-edit-further-url', async () => {
    const query = new URLSearchParams({
      imageUrl: `${files.url}/small.png`,
      'background.color': 'FF0000',
      'export.format': 'jpeg',
    });
    const response = await fetch(`${emulator.url}/v2/edit?${query.toString()}`, {
      headers: { 'x-api-key': 'sk_right' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('pr-edit-further-url')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/edit-further\/[0-9a-f]{16}$/,
    );
    const { info } = await sharp(Buffer.from(await response.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([64, 48]);
  });

  it('answers /v1/segment with { base64img } only when the client prefers JSON, the same image either way', async () => {
    const segment = (accept?: string) =>
      post(emulator, '/v1/segment', { image_file: image() }, { 'x-api-key': 'sk_right', ...(accept && { accept }) });
    const images: Buffer[] = [];
    for (const accept of [undefined, '*/*', 'image/*, application/json;q=0.5', 'application/json, image/png']) {
      const response = await segment(accept);
      expect(response.headers.get('content-type'), `Accept: ${accept}`).toBe('image/png');
      images.push(Buffer.from(await response.arrayBuffer()));
    }
    for (const accept of ['application/json', 'image/*;q=0.2, application/json']) {
      const response = await segment(accept);
      expect(response.headers.get('content-type'), `Accept: ${accept}`).toBe('application/json');
      expect(response.headers.get('x-uncertainty-score')).toMatch(/^[01]\.\d\d$/);
      const { base64img } = (await response.json()) as { base64img: string };
      images.push(Buffer.from(base64img, 'base64'));
    }
    expect((await sharp(images[0]).metadata()).format).toBe('png');
    for (const bytes of images) expect(bytes.equals(images[0]!)).toBe(true);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await fetch(`${emulator.url}/v3/edit`, { headers: { 'x-api-key': 'sk_right' } })).status).toBe(404);
    const wrongMethod = await fetch(`${emulator.url}/v1/segment`, { headers: { 'x-api-key': 'sk_right' } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('fault injection over HTTP', () => {
  async function statuses(emulator: RunningEmulator, count: number): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) {
      const response = await post(emulator, '/v2/edit', { imageFile: image() });
      seen.push(response.status);
      await response.arrayBuffer();
    }
    return seen;
  }

  it('fails the seeded share of requests with 500, 502 and 503 in the API shape', async () => {
    const emulator = await recordingEmulator({ echo: true, failRate: 0.3, seed: 11 });
    try {
      const seen = await statuses(emulator, 300);
      const failed = seen.filter((status) => status !== 200);
      expect(failed.length / seen.length).toBeGreaterThan(0.22);
      expect(failed.length / seen.length).toBeLessThan(0.38);
      expect(new Set(failed)).toEqual(new Set([500, 502, 503]));
      const again = await recordingEmulator({ echo: true, failRate: 0.3, seed: 11 });
      try {
        expect(await statuses(again, 50)).toEqual(seen.slice(0, 50));
      } finally {
        await again.close();
      }
      const failure = await fetch(`${emulator.url}/v2/account`, { headers: { 'x-api-key': 'k' } });
      if (failure.status !== 200) expect(await failure.json()).toHaveProperty('error.message');
    } finally {
      await emulator.close();
    }
  });

  it('drops connections mid-response at the reset rate', async () => {
    const emulator = await recordingEmulator({ echo: true, resetRate: 1 });
    try {
      const attempt = post(emulator, '/v2/edit', { imageFile: image() }).then((response) => response.arrayBuffer());
      await expect(attempt).rejects.toThrow();
      expect(emulator.stats().resets).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it('answers 429 with Retry-After beyond the rate limit', async () => {
    const emulator = await recordingEmulator({ echo: true, rateLimit: 5 });
    try {
      const seen = await statuses(emulator, 5);
      expect(seen).toEqual([200, 200, 200, 200, 200]);
      const limited = await post(emulator, '/v2/edit', { imageFile: image() });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(await limited.json()).toEqual({ error: { message: 'Too many requests' } });
    } finally {
      await emulator.close();
    }
  });

  it('answers 429 without Retry-After when asked to, as the API documents it', async () => {
    const emulator = await recordingEmulator({ echo: true, rateLimit: 1, retryAfter: false });
    try {
      expect(await statuses(emulator, 1)).toEqual([200]);
      const limited = await post(emulator, '/v2/edit', { imageFile: image() });
      expect(limited.status).toBe(429);
      expect(limited.headers.has('retry-after')).toBe(false);
    } finally {
      await emulator.close();
    }
  });

  it('runs out of credits at exactly N and shows what is left', async () => {
    const emulator = await recordingEmulator({ echo: true, credits: 3 });
    try {
      const account = async () =>
        (
          (await (await fetch(`${emulator.url}/v2/account`, { headers: { 'x-api-key': 'k' } })).json()) as {
            images: { available: number };
          }
        ).images.available;
      expect(await account()).toBe(3);
      // A refused request costs nothing.
      expect((await post(emulator, '/v2/edit', { imageFile: image(), padding: '2' })).status).toBe(400);
      expect(await statuses(emulator, 4)).toEqual([200, 200, 200, 402]);
      expect(await account()).toBe(0);
      const v1 = await post(emulator, '/v1/segment', { image_file: image() });
      expect(v1.status).toBe(402);
      expect(await v1.json()).toMatchObject({ status_code: 402, type: 'payment_required' });
      const v2 = await post(emulator, '/v2/edit', { imageFile: image() });
      expect(await v2.json()).toEqual({ error: { detail: 'Not enough credits to process this image' } });
    } finally {
      await emulator.close();
    }
  });

  it('waits the configured latency before answering', async () => {
    const emulator = await recordingEmulator({ echo: true, latency: { min: 200, max: 250 } });
    try {
      const started = performance.now();
      expect((await post(emulator, '/v2/edit', { imageFile: image() })).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    } finally {
      await emulator.close();
    }
  });

  it('echoes the upload unrendered with --echo', async () => {
    const emulator = await recordingEmulator({ echo: true });
    try {
      const response = await post(emulator, '/v2/edit', { imageFile: image(), 'export.format': 'webp' });
      expect(Buffer.from(await response.arrayBuffer())).toEqual(small);
      expect(response.headers.get('content-type')).toBe('image/png');
    } finally {
      await emulator.close();
    }
  });
});

describe('photoroom emulator (the command)', () => {
  // Its spawned run, Ctrl-C and all, is in smoke.test.ts.
  it('answers --rate-limit 1/5s --no-retry-after with a bare 429, as the API documents it', async () => {
    const emulator = await startEmulatorCommand(
      ['--rate-limit', '1/5s', '--no-retry-after', '--echo'],
      await tempDir(),
    );
    const send = () =>
      fetch(`${emulator.url}/v2/edit`, {
        method: 'POST',
        body: form({ imageFile: image() }),
        headers: { 'x-api-key': 'k' },
      });
    try {
      const admitted = await send();
      await admitted.arrayBuffer();
      const limited = await send();
      await limited.arrayBuffer();
      expect([admitted.status, limited.status]).toEqual([200, 429]);
      const headers = [...limited.headers.keys()];
      expect(headers).not.toContain('retry-after');
      expect(headers.filter((name) => /ratelimit/i.test(name))).toEqual([]);
    } finally {
      const { code, stderr } = await emulator.stop();
      expect(code).toBe(0);
      expect(stderr).toContain('1 rate-limited');
    }
  });

  it('refuses bad fault options with exit 2', async () => {
    const { code, stderr } = await runInProcess(['emulator', '--fail-rate', '1.5', '--latency', '9-3']);
    expect(code).toBe(2);
    expect(stderr).toContain('--fail-rate expects a probability between 0 and 1');
    expect(stderr).toContain('--latency "9-3": MIN (9) must not exceed MAX (3)');
  });
});
