/**
 * A run against the emulator told to answer as the API documents its rate limit
 * (`--rate-limit 3/2s --no-retry-after`: 429s with no Retry-After): the user sees the rate
 * the run found, with --verbose as each change and in the summary, and in NDJSON as events.
 * The figures depend on the way the rate is found and on this machine's pace: only their
 * presence and shape are asserted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, it } from 'vitest';
import { startEmulatorCommand } from '../support/emulator-command.js';
import { runInProcess } from '../support/in-process.js';
import { tempDir } from './harness.js';

/** 6 images against 3 a window of 2 s: the first 3 go at once, the rest meet 429s. */
async function runAgainstBareLimit(flags: readonly string[]) {
  const root = await tempDir();
  await mkdir(path.join(root, 'in'));
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#406080' } })
    .png()
    .toBuffer();
  for (let i = 0; i < 6; i++) await writeFile(path.join(root, 'in', `p${i}.png`), png);
  const emulator = await startEmulatorCommand(['--rate-limit', '3/2s', '--no-retry-after', '--echo'], root);
  try {
    const args = ['edit', 'in', '-o', 'out', '--yes', '--concurrency', '2', '--retries', '8', ...flags];
    return await runInProcess(args, {
      cwd: root,
      env: { PHOTOROOM_BASE_URL: emulator.url, PHOTOROOM_API_KEY: 'sk_test_rate' },
    });
  } finally {
    await emulator.stop();
  }
}

// Each test has its emulator: they wait out their limits at once.
describe.concurrent('a rate limit the service does not announce (429 without Retry-After)', () => {
  it('is shown as it is found with --verbose, and the summary suggests --rate for next time', async ({ expect }) => {
    const { code, stderr } = await runAgainstBareLimit(['--verbose', '--no-progress']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^rate {4}limited by the service \(429 without Retry-After\): holding ~\d+\/min$/m);
    const settled = /^rate-limited: settled at ~(\d+)\/min; next time `--rate (\d+)` avoids the probing$/m.exec(stderr);
    expect(settled).not.toBeNull();
    expect(settled![1]).toBe(settled![2]);
  });

  it('is a `rate` event in NDJSON at each change, and the settled rate is in the summary', async ({ expect }) => {
    const { code, stdout } = await runAgainstBareLimit(['--json']);
    expect(code).toBe(0);
    const records = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [field: string]: unknown });
    const rates = records.filter((record) => record.type === 'rate');
    expect(rates[0]?.cause).toBe('limited');
    for (const rate of rates) {
      expect(Object.keys(rate)).toEqual(['type', 'perMinute', 'cause']);
      expect(Number.isInteger(rate.perMinute) && Number(rate.perMinute) > 0).toBe(true);
      expect(['limited', 'lowered', 'raised']).toContain(rate.cause);
    }
    const summary = records.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', ok: 6 });
    const { perMinute, suggestedRate } = summary.settledRate as { perMinute: number; suggestedRate: number };
    expect(suggestedRate).toBe(perMinute);
    expect(Number.isInteger(perMinute) && perMinute > 0).toBe(true);
  });
});
