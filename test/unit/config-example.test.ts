import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { configExample } from '../../src/config/example.js';
import { RUN_OPTIONS } from '../../src/config/options.js';
import { loadConfig } from '../../src/config/load.js';
import { configParams, resolveRunOptions, unknownConfigKeys } from '../../src/config/resolve.js';
import { buildParamSet } from '../../src/params/paramset.js';
import { KEY, paramsFor } from '../../src/params/table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Keys that are another way to set another key (`shards` for `shard`): a file gives one of the two. */
const ALTERNATIVES = new Set(
  Object.entries(RUN_OPTIONS)
    .filter(([, spec]) => spec.alternativeTo)
    .map(([key]) => key),
);

/** The example with every setting line uncommented, as a user enabling everything would. */
function uncommented(text: string): string {
  return text
    .split('\n')
    .filter((line) => /^# +[\w.]+:/.test(line) && !ALTERNATIVES.has(/^# (\w+):/.exec(line)?.[1] ?? ''))
    .map((line) => line.replace(/^# /, ''))
    .join('\n');
}

describe('.photoroomrc.example', () => {
  it('is the generated template, so it cannot drift from the tables', async () => {
    expect(await readFile('.photoroomrc.example', 'utf8')).toBe(configExample());
  });

  it('names every parameter of both endpoints', () => {
    const text = configExample();
    for (const spec of [...paramsFor('edit'), ...paramsFor('segment')]) {
      if (spec.kind === 'image') continue;
      expect(text).toContain(spec.kind === 'layers' ? '#   layers:' : `#   ${spec.name.replace(KEY, 'front')}: `);
    }
  });

  it('holds only keys and values the CLI accepts, once uncommented', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-example-'));
    await writeFile(path.join(folder, '.photoroomrc'), uncommented(configExample()));
    const config = await loadConfig(undefined, { cwd: folder, home: undefined });
    expect(Object.keys(config.values)).toContain('edit');
    expect(unknownConfigKeys(config)).toEqual([]);
    expect(resolveRunOptions('edit', {}, {}, config).problems).toEqual([]);
    for (const endpoint of ['edit', 'segment'] as const) {
      const { params, problems } = configParams(endpoint, config);
      expect(problems).toEqual([]);
      // Each value alone: all of them at once would break the mutual-exclusion rules.
      for (const raw of params) {
        const alone = buildParamSet(endpoint, [raw], { method: 'POST', hasInputImage: true });
        expect(alone.problems.filter((p) => p.includes('invalid value') || p.includes('unknown'))).toEqual([]);
      }
    }
  });
});

describe('the README', () => {
  it('lists every run option with its flag, environment variable and config key', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    for (const [key, spec] of Object.entries(RUN_OPTIONS)) {
      const row = readme.split('\n').find((line) => line.startsWith('| ') && line.includes(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      expect(row, key).toContain(
        spec.flag.replace(/^--/, spec.kind === 'switch' && spec.default === true ? '--no-' : '--'),
      );
      if (spec.env) expect(row, key).toContain(spec.env);
    }
  });
});
