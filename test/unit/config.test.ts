import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSourceLine, loadConfig, NO_CONFIG } from '../../src/config/load.js';
import { configParams, resolveRunOptions, unknownConfigKeys } from '../../src/config/resolve.js';
import { resolveCommandSettings } from '../../src/config/settings.js';
import { UserError } from '../../src/errors.js';
import { RUN_OPTIONS } from '../../src/config/options.js';
import { runOptionFlag } from '../../src/cli/option-flags.js';

const config = (values: Record<string, unknown>) => ({ path: '/project/.photoroomrc', values });
const searchFrom = (cwd: string, home?: string) => ({ cwd, home });

describe('run option precedence: flags > environment > config file > defaults', () => {
  const env = { PHOTOROOM_CONCURRENCY: '4', PHOTOROOM_API_KEY: 'env_key' };
  const file = config({ concurrency: 2, apiKey: 'file_key', timeout: 30, out: 'results' });

  it('takes the flag over everything', () => {
    expect(resolveRunOptions('edit', { concurrency: '16' }, env, file).settings.concurrency).toBe(16);
  });

  it('takes the environment over the config file', () => {
    const { settings } = resolveRunOptions('edit', {}, env, file);
    expect(settings.concurrency).toBe(4);
    expect(settings.apiKey).toBe('env_key');
  });

  it('takes the config file over the default, resolving its paths from the file', () => {
    const { settings } = resolveRunOptions('edit', {}, {}, file);
    expect(settings.timeout).toBe(30);
    expect(settings.out).toBe('/project/results');
  });

  it('falls back to the defaults', () => {
    const { settings } = resolveRunOptions('edit', {}, {}, NO_CONFIG);
    expect(settings).toEqual({
      out: 'photoroom-out',
      concurrency: 8,
      retries: 4,
      giveUpAfter: 120,
      confirmOver: 50,
      timeout: 120,
      maxAnswerSize: 500,
      allowInsecureHttp: false,
      null: false,
      include: [],
      exclude: [],
      convert: true,
      fitInputs: false,
      watch: false,
      watchSettle: 1000,
      overwrite: false,
      dryRun: false,
      yes: false,
      report: false,
      json: false,
      quiet: false,
      verbose: false,
      progress: true,
    });
  });

  it("gives whole settings: a value that cannot be read, and another command's setting, keep their defaults", () => {
    const unread = resolveRunOptions('edit', { concurrency: 'many' }, {}, NO_CONFIG);
    expect(unread.problems).toEqual(['--concurrency: invalid value "many"; expected a whole number from 1 to 256']);
    expect(unread.settings.concurrency).toBe(8);
    const account = resolveRunOptions('account', {}, {}, NO_CONFIG).settings;
    expect(account).toEqual(resolveRunOptions('edit', {}, {}, NO_CONFIG).settings);
  });

  it('reads every run option from the config file too, lists and switches included', () => {
    const config = {
      path: '/p/.photoroomrc',
      values: { maxImages: 5, yes: 'yes', include: ['*.jpg'], exclude: '**/raw/**', progress: false },
    };
    const { settings, problems } = resolveRunOptions('edit', {}, {}, config);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      maxImages: 5,
      yes: true,
      include: ['*.jpg'],
      exclude: ['**/raw/**'],
      progress: false,
    });
    expect(resolveRunOptions('edit', { maxImages: '2' }, {}, config).settings.maxImages).toBe(2);
  });

  it('gives every row a flag whose commander name is its setting key', () => {
    for (const [key, spec] of Object.entries(RUN_OPTIONS))
      expect(runOptionFlag(spec).attributeName(), spec.flag).toBe(key);
  });

  it('ignores an empty environment variable', () => {
    expect(resolveRunOptions('edit', {}, { PHOTOROOM_CONCURRENCY: '' }, file).settings.concurrency).toBe(2);
  });

  it('validates every source the same way, naming it', () => {
    expect(resolveRunOptions('edit', {}, { PHOTOROOM_CONCURRENCY: 'lots' }, NO_CONFIG).problems).toEqual([
      'PHOTOROOM_CONCURRENCY: invalid value "lots"; expected a whole number from 1 to 256',
    ]);
    expect(resolveRunOptions('edit', {}, {}, config({ baseUrl: 'ftp://x' })).problems).toEqual([
      '.photoroomrc: baseUrl: invalid value "ftp://x"; expected an http:// or https:// URL',
    ]);
  });

  it('reads counts and seconds as finite decimal numbers', () => {
    for (const concurrency of ['0x10', '1e309', 'Infinity']) {
      expect(resolveRunOptions('edit', { concurrency }, {}, NO_CONFIG).problems).toEqual([
        `--concurrency: invalid value ${JSON.stringify(concurrency)}; expected a whole number from 1 to 256`,
      ]);
    }
    expect(resolveRunOptions('edit', {}, {}, config({ timeout: Infinity })).problems).toHaveLength(1);
  });

  it('reads switches with the boolean spellings', () => {
    expect(resolveRunOptions('edit', {}, {}, config({ allowInsecureHttp: 'yes' })).settings.allowInsecureHttp).toBe(
      true,
    );
    expect(resolveRunOptions('edit', {}, {}, config({ allowInsecureHttp: 'off' })).settings.allowInsecureHttp).toBe(
      false,
    );
    expect(resolveRunOptions('edit', {}, {}, config({ allowInsecureHttp: 'maybe' })).problems).toEqual([
      '.photoroomrc: allowInsecureHttp: invalid value "maybe"; expected true or false (or yes/no, on/off, 1/0)',
    ]);
  });

  it('never echoes an invalid key back', () => {
    const { problems } = resolveRunOptions('account', { apiKey: '  ' }, {}, NO_CONFIG);
    expect(problems).toEqual(['--api-key: invalid value; expected a non-empty value']);
  });

  it('normalises base URLs without a trailing slash', () => {
    expect(resolveRunOptions('edit', { baseUrl: 'http://127.0.0.1:9000/' }, {}, NO_CONFIG).settings.baseUrl).toBe(
      'http://127.0.0.1:9000',
    );
  });
});

describe('parameters from the config file', () => {
  it('reads nested and dotted keys alike', () => {
    const { params } = configParams(
      'edit',
      config({ edit: { background: { color: 'white' }, 'export.format': 'webp' } }),
    );
    expect(params.map((p) => [p.name, p.value, p.source])).toEqual([
      ['background.color', 'white', '.photoroomrc: edit.background.color'],
      ['export.format', 'webp', '.photoroomrc: edit.export.format'],
    ]);
  });

  it('refuses a parameter given twice in one section, nested and dotted', () => {
    const twice = config({ edit: { background: { color: 'white' }, 'background.color': 'red' } });
    expect(configParams('edit', twice).problems).toEqual([
      '.photoroomrc: edit.background.color "white" and .photoroomrc: edit.background.color "red" both set background.color; give it once',
    ]);
    const modeTwice = config({
      edit: { 'background.expandPrompt': 'never', background: { expandPrompt: { mode: 'ai.auto' } } },
    });
    expect(configParams('edit', modeTwice).problems).toHaveLength(1);
  });

  it('resolves file parameters from the config file folder', () => {
    const { params } = configParams('edit', config({ edit: { background: { imageFile: 'bg.jpg' } } }));
    expect(params[0]?.value).toBe('/project/bg.jpg');
  });

  it('suggests the key meant, or the section a parameter belongs to', () => {
    const problems = unknownConfigKeys(
      config({
        concurrancy: 3,
        'dry-run': true,
        padding: '10%',
        background: { color: 'white' },
        bg_color: 'red',
        format: 'png',
        zzz: 1,
      }),
    );
    expect(problems).toEqual([
      '.photoroomrc: concurrancy: unknown setting; did you mean "concurrency"?',
      '.photoroomrc: dry-run: unknown setting; did you mean "dryRun"?',
      '.photoroomrc: padding: an API parameter: put it under edit:',
      '.photoroomrc: background: an API parameter: put it under edit:',
      '.photoroomrc: bg_color: an API parameter: put it under segment:',
      '.photoroomrc: format: an API parameter: put it under edit: or segment:',
      '.photoroomrc: zzz: unknown setting; `photoroom params --config-example` lists every key',
    ]);
  });

  it('explains a section key that is not one of its parameters', () => {
    const { params, problems } = configParams(
      'edit',
      config({ edit: { paddin: 0.1, bg: 'white', concurrency: 2, 'shadow.mode': 'ai.soft' } }),
    );
    expect(problems).toEqual([
      '.photoroomrc: edit.paddin: unknown parameter; did you mean "padding"?',
      '.photoroomrc: edit.bg: --bg is the flag; in a config file the key is background.color',
      '.photoroomrc: edit.concurrency: a run option, not an API parameter: put it at the top level, outside edit:',
    ]);
    expect(params.map((param) => param.name)).toEqual(['shadow.mode']);
  });

  it('refuses unknown top-level keys and lists values', () => {
    expect(unknownConfigKeys(config({ concurrancy: 3 }))[0]).toMatch(/^\.photoroomrc: concurrancy: unknown setting/);
    expect(configParams('edit', config({ edit: { padding: [1] } })).problems).toEqual([
      '.photoroomrc: edit.padding: expected a string, number or boolean',
    ]);
  });

  it('lets flags override the config file and validates both', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-config-'));
    await writeFile(path.join(folder, '.photoroomrc'), 'edit:\n  padding: 0.2\n  background:\n    color: white\n');
    const settings = await resolveCommandSettings(
      {
        command: 'edit',
        flags: {},
        flagParams: [{ name: 'padding', value: '10%', source: '--padding' }],
        env: {},
        cwd: folder,
        contexts: [{ method: 'POST', hasInputImage: true }],
      },
      'edit',
    );
    expect(settings.params.get('padding')).toBe('10%');
    expect(settings.params.get('background.color')).toBe('white');

    await writeFile(path.join(folder, '.photoroomrc'), '{ "edit": { "padding": 0.7 } }');
    await expect(
      resolveCommandSettings(
        { command: 'edit', flags: {}, flagParams: [], env: {}, cwd: folder, contexts: [{ hasInputImage: true }] },
        'edit',
      ),
    ).rejects.toThrow(UserError);
  });
});

describe('finding the config file', () => {
  it('reads .photoroomrc as YAML, photoroom.config.mjs, and package.json#photoroom', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-config-'));
    await writeFile(path.join(folder, 'package.json'), JSON.stringify({ name: 'x', photoroom: { concurrency: 3 } }));
    expect((await loadConfig(undefined, searchFrom(folder))).values).toEqual({ concurrency: 3 });
    await writeFile(path.join(folder, 'photoroom.config.mjs'), 'export default { concurrency: 5 };');
    expect((await loadConfig(undefined, searchFrom(folder))).values).toEqual({ concurrency: 5 });
    await writeFile(path.join(folder, '.photoroomrc'), 'concurrency: 6\n');
    const found = await loadConfig(undefined, searchFrom(folder));
    expect(found.values).toEqual({ concurrency: 6 });
    expect(found.path).toBe(path.join(folder, '.photoroomrc'));
  });

  it('says the file, the line and the reason of a file that does not parse', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-config-'));
    const cases: [name: string, text: string, problem: string][] = [
      ['.photoroomrc', 'edit:\n  padding: 10%\n   background: white\n', 'line 3: bad indentation of a mapping entry'],
      [
        '.photoroomrc',
        'edit:\n  padding: 0.1\n  margin: 0\n  padding: 0.2\n',
        'line 4: "padding" is given twice; give each key once',
      ],
      [
        '.photoroomrc',
        '{ "concurrency": 2, "concurrency": 3 }',
        'line 1: "concurrency" is given twice; give each key once',
      ],
      ['ci.json', '{\n  "concurrency": 2\n  "retries": 1\n}', "line 3: Expected ',' or '}' after property value"],
      ['cut.json', '{\n  "concurrency": ', 'line 2: Unexpected end of JSON input'],
    ];
    for (const [name, text, problem] of cases) {
      const file = path.join(folder, name);
      await writeFile(file, text);
      await expect(loadConfig(file, searchFrom(folder))).rejects.toThrow(`config file ${file}, ${problem}`);
    }
  });

  it('reads exactly --config and explains a missing file', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-config-'));
    await writeFile(path.join(folder, 'ci.json'), '{ "concurrency": 3 }');
    expect((await loadConfig('ci.json', searchFrom(folder))).values).toEqual({ concurrency: 3 });
    await expect(loadConfig('nope.json', searchFrom(folder))).rejects.toThrow(
      /^config file nope\.json could not be read: ENOENT/,
    );
  });
});

/** A new temporary folder holding these files (a name ending in / is a folder); returns its path. */
async function tree(files: readonly string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'photoroom-tree-'));
  for (const name of files) {
    const target = path.join(root, name);
    if (name.endsWith('/')) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, name.endsWith('package.json') ? '{}' : `out: ${JSON.stringify(name)}\n`);
  }
  return root;
}

/** Which file the search from `cwd` reads, relative to the tree, or null. */
async function foundFrom(root: string, cwd: string, home?: string): Promise<string | null> {
  const found = await loadConfig(undefined, searchFrom(path.join(root, cwd), home && path.join(root, home)));
  return found.path && path.relative(root, found.path);
}

describe('where the config file search stops', () => {
  it.each(['.git/', '.git', 'package.json'])(
    'reads the project root holding %s, never a folder above it',
    async (marker) => {
      const root = await tree([
        'home/above/.photoroomrc',
        `home/above/project/${marker}`,
        'home/above/project/src/deep/',
      ]);
      expect(await foundFrom(root, 'home/above/project/src/deep', 'home')).toBeNull();
      await writeFile(path.join(root, 'home/above/project/.photoroomrc'), 'concurrency: 2\n');
      expect(await foundFrom(root, 'home/above/project/src/deep', 'home')).toBe('home/above/project/.photoroomrc');
    },
  );

  it('reads the home folder, never a folder above it', async () => {
    const root = await tree(['.photoroomrc', 'home/work/shots/']);
    expect(await foundFrom(root, 'home/work/shots', 'home')).toBeNull();
    await writeFile(path.join(root, 'home/.photoroomrc'), 'concurrency: 2\n');
    expect(await foundFrom(root, 'home/work/shots', 'home')).toBe('home/.photoroomrc');
  });

  it('recognises a home folder named through a symbolic link', async () => {
    const root = await tree(['real-home/.photoroomrc', 'real-home/work/']);
    await symlink(path.join(root, 'real-home'), path.join(root, 'home'));
    expect(await foundFrom(root, 'real-home/work', 'home')).toBe('real-home/.photoroomrc');
  });

  it('searches the working folder alone outside home with no project root above', async () => {
    const root = await tree(['outside/.photoroomrc', 'outside/shots/', 'home/']);
    expect(await foundFrom(root, 'outside/shots', 'home')).toBeNull();
    expect(await foundFrom(root, 'outside/shots')).toBeNull();
    expect(await foundFrom(root, 'outside', 'home')).toBe('outside/.photoroomrc');
  });

  it('never searches a parent folder others can write to, even one that looks like a project root', async () => {
    const root = await tree(['shared/.git/', 'shared/.photoroomrc', 'shared/project/']);
    await chmod(path.join(root, 'shared'), 0o777);
    expect(await foundFrom(root, 'shared/project')).toBeNull();
    await chmod(path.join(root, 'shared'), 0o755);
    expect(await foundFrom(root, 'shared/project')).toBe('shared/.photoroomrc');
  });

  it('says which file was read, or which folders were searched', async () => {
    const root = await tree(['home/project/.git/', 'home/project/src/']);
    const search = searchFrom(path.join(root, 'home/project/src'), path.join(root, 'home'));
    expect(configSourceLine(await loadConfig(undefined, search))).toBe(
      `config: none found from ${path.join(root, 'home/project/src')} up to ${path.join(root, 'home/project')}`,
    );
    await writeFile(path.join(root, 'home/project/.photoroomrc'), 'concurrency: 2\n');
    expect(configSourceLine(await loadConfig(undefined, search))).toBe(
      `config: ${path.join(root, 'home/project/.photoroomrc')}`,
    );
    expect(configSourceLine(await loadConfig(undefined, searchFrom(path.join(root, 'home'))))).toBe(
      `config: none found in ${path.join(root, 'home')}`,
    );
  });
});
