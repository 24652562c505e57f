/**
 * `edit --preset`: each output checked as soon as it is whole. The sidecar keeps the verdict,
 * the result lines, NDJSON and summary count the outputs the marketplace would refuse, exit 5
 * says "every call succeeded, some outputs would be refused"; a rerun sends nothing for an
 * output that failed a check, and judges again only when the preset's checks changed.
 */
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { runInProcess } from '../support/in-process.js';
import { emulatorEnv, FIXTURES, recordingEmulator, tempDir } from './harness.js';

/** A fingerprint of the checks: 16 hex digits. */
const FINGERPRINT: unknown = expect.stringMatching(/^[0-9a-f]{16}$/);

let emulator: RunningEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await recordingEmulator();
  env = emulatorEnv(emulator);
});

afterAll(async () => {
  await emulator.close();
});

/** A project of mug.jpg and sneaker.jpg with a config file defining `tight`: amazon with a byte limit of `maxBytes`. */
async function project(maxBytes: number): Promise<string> {
  const root = await tempDir();
  for (const name of ['mug.jpg', 'sneaker.jpg']) await copyFile(path.join(FIXTURES, name), path.join(root, name));
  await setLimit(root, maxBytes);
  return root;
}

async function setLimit(root: string, maxBytes: number): Promise<void> {
  await writeFile(
    path.join(root, '.photoroomrc'),
    // At 600×600 (amazon's minimum is 500 px) the emulator renders a tenth of 2000×2000's pixels.
    JSON.stringify({
      presets: { tight: { extends: 'amazon', params: { outputSize: '600x600' }, checks: { maxBytes } } },
    }),
  );
}

async function edit(root: string, args: string[] = []) {
  const before = emulator.requests.length;
  const result = await runInProcess(['edit', 'mug.jpg', 'sneaker.jpg', '-o', 'out', '--yes', ...args], {
    cwd: root,
    env,
  });
  return { ...result, requests: emulator.requests.length - before };
}

async function sidecarVerdicts(root: string): Promise<Record<string, { pass: boolean; failures: unknown[] }>> {
  const names = (await readdir(path.join(root, 'out'))).filter((name) => name.endsWith('.jpg.json'));
  const entries = await Promise.all(
    names.map(async (name) => {
      const sidecar = JSON.parse(await readFile(path.join(root, 'out', name), 'utf8')) as {
        compliance: { pass: boolean; failures: unknown[] };
      };
      return [name, sidecar.compliance] as const;
    }),
  );
  return Object.fromEntries(entries);
}

describe('edit --preset checks each output as it is made', () => {
  it('records a passing verdict in the sidecar, says all pass, and exits 0', async () => {
    const root = await project(10_000_000);
    const result = await edit(root, ['--preset', 'amazon']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('amazon: all 2 outputs pass its checks');
    expect(await sidecarVerdicts(root)).toEqual({
      'mug.jpg.json': { preset: 'amazon', checks: FINGERPRINT, pass: true, failures: [] },
      'sneaker.jpg.json': {
        preset: 'amazon',
        checks: FINGERPRINT,
        pass: true,
        failures: [],
      },
    });
  });

  it('names each output the marketplace would refuse, with its rule and figure, counts them, and exits 5', async () => {
    const root = await project(5_000);
    const result = await edit(root, ['--preset', 'tight', '--no-progress']);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(/^refused out\/mug\.jpg: \d+ kB \([\d,]+ bytes\): tight wants 5 kB or less$/m);
    expect(result.stderr).toMatch(/^refused out\/sneaker\.jpg: .*tight wants 5 kB or less$/m);
    expect(result.stderr).toContain(
      'tight: 2 of 2 outputs would be refused:\n  2 outputs failed: 5,000 bytes or less\n',
    );
    const verdicts = await sidecarVerdicts(root);
    expect(verdicts['mug.jpg.json']).toMatchObject({
      preset: 'tight',
      pass: false,
      failures: [{ check: 'maxBytes', wants: 5_000, measured: expect.any(Number) as unknown }],
    });
  });

  it('gives the verdict in each --json result and the counts in the summary', async () => {
    const root = await project(5_000);
    const result = await edit(root, ['--preset', 'tight', '--json']);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const results = lines.filter((line) => line.type === 'result');
    expect(results.map((line) => line.compliance)).toEqual([
      expect.objectContaining({ preset: 'tight', pass: false }),
      expect.objectContaining({ preset: 'tight', pass: false }),
    ]);
    expect(lines.at(-1)).toMatchObject({
      type: 'summary',
      ok: 2,
      failed: 0,
      compliance: { preset: 'tight', checked: 2, refused: 2, byRule: { maxBytes: 2 } },
      exitCode: 5,
    });
  });

  it('sends nothing again for outputs that failed a check, and judges again only when the checks change', async () => {
    const root = await project(5_000);
    const first = await edit(root, ['--preset', 'tight']);
    expect([first.code, first.requests]).toEqual([5, 2]);

    // The same checks: the verdicts as recorded, nothing sent, the same exit code.
    const again = await edit(root, ['--preset', 'tight', '--no-progress']);
    expect([again.code, again.requests]).toEqual([5, 0]);
    expect(again.stderr).toContain('tight: 2 of 2 outputs would be refused');

    // Looser checks: judged again on the files already made, nothing sent, the sidecars updated.
    await setLimit(root, 10_000_000);
    const loosened = await edit(root, ['--preset', 'tight', '--no-progress']);
    expect([loosened.code, loosened.requests]).toEqual([0, 0]);
    expect(loosened.stderr).toContain('tight: all 2 outputs pass its checks');
    expect(Object.values(await sidecarVerdicts(root)).map((verdict) => verdict.pass)).toEqual([true, true]);
  });

  it('checks nothing without a preset: no verdict in the sidecar, none in the summary', async () => {
    const root = await project(5_000);
    const result = await edit(root, ['--bg', 'white', '--json']);
    expect(result.code).toBe(0);
    const sidecar = JSON.parse(await readFile(path.join(root, 'out', 'mug.png.json'), 'utf8')) as object;
    expect(sidecar).not.toHaveProperty('compliance');
    expect(result.stdout).not.toContain('"compliance"');
  });
});
