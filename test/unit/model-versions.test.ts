/**
 * The model-version request headers are run options: each flag or config key sends its header,
 * in-process against the emulator, which records the headers it received.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { memoryIo } from '../support/memory-io.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ record: true });
});

afterAll(() => emulator.close());

async function headersSent(argv: string[], config?: string): Promise<Record<string, string | string[] | undefined>> {
  const work = await mkdtemp(path.join(tmpdir(), 'photoroom-versions-'));
  await writeFile(
    path.join(work, 'shoe.png'),
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
      .png()
      .toBuffer(),
  );
  if (config) await writeFile(path.join(work, '.photoroomrc'), config);
  const io = memoryIo({ env: { PHOTOROOM_API_KEY: 'sk_test_versions', PHOTOROOM_BASE_URL: emulator.url }, cwd: work });
  const before = emulator.requests.length;
  expect(await main(['edit', 'shoe.png', '-o', 'out', '--yes', '--no-progress', ...argv], io), io.err()).toBe(0);
  const sent = emulator.requests.slice(before).filter((request) => request.method === 'POST');
  expect(sent).toHaveLength(1);
  return sent[0]!.headers;
}

describe('model-version request headers', () => {
  it('sends each model version given as a flag as its pr-*-model-version header', async () => {
    const headers = await headersSent([
      '--ai-shadows-model-version',
      '2026-04-15',
      '--ai-background-model-version',
      '3',
      '--background-removal-model-version',
      '2',
    ]);
    expect(headers).toMatchObject({
      'pr-ai-shadows-model-version': '2026-04-15',
      'pr-ai-background-model-version': '3',
      'pr-background-removal-model-version': '2',
    });
  });

  it('reads an unquoted YAML date in the config file as the date written, not a refusal', async () => {
    const headers = await headersSent([], 'aiShadowsModelVersion: 2026-04-15\n');
    expect(headers['pr-ai-shadows-model-version']).toBe('2026-04-15');
  });

  it('refuses a shadow.mode the chosen AI Shadows model does not take, from a flag or the config file, before sending', async () => {
    const refused = async (argv: string[], config?: string) => {
      const work = await mkdtemp(path.join(tmpdir(), 'photoroom-versions-'));
      if (config) await writeFile(path.join(work, '.photoroomrc'), config);
      const io = memoryIo({
        env: { PHOTOROOM_API_KEY: 'sk_test_versions', PHOTOROOM_BASE_URL: emulator.url },
        cwd: work,
      });
      const before = emulator.requests.length;
      expect(await main(['edit', 'https://example.com/shoe.png', '--yes', ...argv], io)).toBe(2);
      expect(emulator.requests.length).toBe(before);
      return io.err();
    };
    expect(await refused(['--ai-shadows-model-version', '2026-04-15', '--shadow.mode', 'ai.soft'])).toContain(
      '--shadow.mode ai.soft does not work with the 2026-04-15 AI Shadows model, which --ai-shadows-model-version 2026-04-15 chooses',
    );
    expect(await refused(['--shadow.mode', 'ai.preset-hard'], 'aiShadowsModelVersion: "2"\n')).toContain(
      '--shadow.mode ai.preset-hard works only with the 2026-04-15 AI Shadows model; .photoroomrc: aiShadowsModelVersion 2 chooses another',
    );
  });

  it('sends no model-version header unless asked', async () => {
    const headers = await headersSent([]);
    expect(Object.keys(headers).filter((name) => name.endsWith('-model-version'))).toEqual([]);
  });
});
