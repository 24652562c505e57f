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

describe('each line of .photoroomrc.example', () => {
  const lines = configExample().split('\n');
  /** The value a `key: value  # comment` line shows, and its comment. */
  function shown(key: string, indent = ''): { value: string; comment: string } {
    const line = lines.find((candidate) => candidate.startsWith(`# ${indent}${key}: `));
    const match = line && /^# +[\w.]+: (.*?) +# (.*)$/.exec(line);
    if (!match) throw new Error(`no example line for ${key}`);
    return { value: match[1]!, comment: match[2]! };
  }

  // A switch's description says what its flag does (`--watch`, `--no-convert`): the line
  // must show the value that flag sets, or the comment describes the opposite of it.
  it('shows each switch at the value its description is written for: uncommented, it changes the setting', async () => {
    const switches = Object.entries(RUN_OPTIONS).filter(([, spec]) => spec.kind === 'switch');
    expect(switches.map(([key]) => key)).toEqual(expect.arrayContaining(['convert', 'progress', 'watch']));
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-example-'));
    for (const [key, spec] of switches) {
      const { value, comment } = shown(key);
      expect(comment, key).toContain(spec.description);
      await writeFile(path.join(folder, '.photoroomrc'), `${key}: ${value}\n`);
      const config = await loadConfig(undefined, { cwd: folder, home: undefined });
      const command = spec.commands.includes('edit') ? 'edit' : spec.commands[0]!;
      const { settings, problems } = resolveRunOptions(command, {}, {}, config);
      expect(problems, key).toEqual([]);
      expect(settings[key as keyof typeof settings], `${key}: ${value} would leave it at its default`).not.toBe(
        spec.default,
      );
    }
  });

  it('shows each boolean parameter at true, which its description says what it does', () => {
    for (const spec of [...paramsFor('edit'), ...paramsFor('segment')].filter((row) => row.kind === 'boolean')) {
      expect(shown(spec.name, '  ').value, spec.name).toBe('true');
    }
  });

  it("gives each prompt an example of its own: a negative prompt does not repeat its prompt's", () => {
    const prompts = [
      ...new Set([...paramsFor('edit'), ...paramsFor('segment')].filter((row) => row.kind === 'string')),
    ];
    expect(prompts.map((row) => row.name)).toEqual(
      expect.arrayContaining(['background.prompt', 'background.negativePrompt', 'segmentation.negativePrompt']),
    );
    const examples = prompts.map((row) => shown(row.name, '  ').value);
    expect(new Set(examples).size).toBe(examples.length);
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
