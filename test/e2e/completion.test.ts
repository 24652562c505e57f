/**
 * The completion scripts, run by the shells themselves: bash through COMP_WORDS and
 * COMP_CWORD as readline would call it, fish through `complete -C`, zsh loaded by compinit.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flagOf, isKeyed, paramsFor } from '../../src/params/table.js';
import { tempDir } from './harness.js';
import { runInProcess } from '../support/in-process.js';

let root: string;

/**
 * Names a shell could split or expand: a line break, glob characters next to the files they
 * would match (`glob[ab].png` matches globa.png and globb.png), quotes, `$`, a backslash, a
 * leading dash.
 */
const ODD_NAMES = [
  'line\nbreak.png',
  'glob[ab].png',
  'globa.png',
  'globb.png',
  'star*.png',
  'starry.png',
  'q?.png',
  'qx.png',
  '$HOME.png',
  "it's.png",
  '"dq".png',
  'back\\slash.png',
  '-dash.png',
  'promo shot.jpg',
];
const scripts: Record<string, string> = {};

beforeAll(async () => {
  root = await tempDir();
  await mkdir(path.join(root, 'products'));
  await writeFile(path.join(root, 'promo shot.jpg'), 'x');
  await writeFile(path.join(root, 'other.png'), 'x');
  await mkdir(path.join(root, 'names'));
  for (const name of ODD_NAMES) await writeFile(path.join(root, 'names', name), 'x');
  await writeFile(path.join(root, '-dash.png'), 'x');
  for (const shell of ['bash', 'zsh', 'fish']) {
    const { code, stdout, stderr } = await runInProcess(['completion', shell]);
    expect(code, stderr).toBe(0);
    scripts[shell] = path.join(root, `completion.${shell}`);
    await writeFile(scripts[shell], stdout);
  }
});

/**
 * The shell with a home of its own: fish reads the user's config.fish and zsh their .zshenv
 * even for `-c`, and either may print or change what completion offers.
 */
function run(shell: string, script: string): string {
  const { BASH_ENV: _sourcedByBash, ...inherited } = process.env;
  const env = { ...inherited, HOME: root, ZDOTDIR: root, XDG_CONFIG_HOME: path.join(root, '.config') };
  const result = spawnSync(shell, ['-c', script], { cwd: root, env, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** What bash offers for the command line `words`, the last word being completed. */
function bashComplete(...words: string[]): string[] {
  const quoted = words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
  const output = run(
    'bash',
    `source ${scripts.bash}; COMP_WORDS=(photoroom ${quoted}); COMP_CWORD=${words.length}; _photoroom; printf '%s\\0' "\${COMPREPLY[@]}"`,
  );
  return output.split('\0').filter(Boolean).sort();
}

describe('bash completion', () => {
  it('completes commands, and flags by prefix', () => {
    expect(bashComplete('e')).toEqual(['edit', 'emulator']);
    expect(bashComplete('edit', '--shadow.m')).toEqual(['--shadow.mode']);
    expect(bashComplete('segment', '--de')).toEqual(['--despill']);
  });

  it("offers every flag of the parameter table, aliases included, and the command's own", () => {
    const offered = bashComplete('edit', '-');
    const fromTable = paramsFor('edit').flatMap((spec) => {
      const flag = flagOf(spec);
      // Open-ended names (a layer id, an image key) are the user's to complete.
      return flag === null || spec.kind === 'layers' || isKeyed(spec)
        ? []
        : [flag, ...(spec.aliases ?? [])].map((name) => `--${name}`);
    });
    expect(fromTable.filter((flag) => !offered.includes(flag))).toEqual([]);
    expect(offered).toEqual(
      expect.arrayContaining(['-o', '--out', '--config', '--from-file', '--no-progress', '-h', '--help']),
    );
  });

  it('completes the values of a flag that takes a list, as --flag value or --flag=value', () => {
    expect(bashComplete('edit', '--shadow.mode', 'ai.p')).toEqual(['ai.preset-hard', 'ai.preset-soft']);
    expect(bashComplete('edit', '--shadow', 'ai.s')).toEqual(['ai.soft']);
    expect(bashComplete('edit', '--export.format', '=', 'w')).toEqual(['webp']);
    expect(bashComplete('edit', '--export.format', 'a')).toEqual(['avif']);
    expect(bashComplete('edit', '--removeBackground', '')).toEqual(['false', 'true']);
    expect(bashComplete('params', '--endpoint', '')).toEqual(['edit', 'segment']);
    expect(bashComplete('completion', '')).toEqual(['bash', 'fish', 'zsh']);
  });

  it('completes the known words of a value with a form (--outputSize, a colour), and no file names for a number', () => {
    expect(bashComplete('edit', '--outputSize', '')).toEqual(['auto', 'croppedSubject', 'originalImage']);
    expect(bashComplete('edit', '--size', 'o')).toEqual(['originalImage']);
    expect(bashComplete('edit', '--bg', 'whites')).toEqual(['whitesmoke']);
    expect(bashComplete('edit', '--padding', '')).toEqual([]);
    expect(bashComplete('edit', '--concurrency', 'pro')).toEqual([]);
  });

  it('completes paths for inputs, -o, --config, --from-file, and after a boolean when no value fits', () => {
    expect(bashComplete('edit', 'pro')).toEqual(['products', 'promo shot.jpg']);
    expect(bashComplete('edit', '--bg', 'white', 'o')).toEqual(['other.png']);
    expect(bashComplete('edit', '-o', 'prod')).toEqual(['products']);
    expect(bashComplete('segment', '--config', 'oth')).toEqual(['other.png']);
    expect(bashComplete('edit', '--from-file', 'pro')).toEqual(['products', 'promo shot.jpg']);
    expect(bashComplete('segment', '--crop', 'pro')).toEqual(['products', 'promo shot.jpg']);
    expect(bashComplete('report', 'prod')).toEqual(['products']);
  });
});

describe('completion candidates', () => {
  const inNames = (names: readonly string[]) => names.map((name) => `names/${name}`).sort();

  it('bash: each file name is one candidate, itself, never split at a line break nor expanded as a glob', () => {
    expect(bashComplete('edit', 'names/')).toEqual(inNames(ODD_NAMES));
    expect(bashComplete('edit', 'names/line')).toEqual(['names/line\nbreak.png']);
    expect(bashComplete('edit', 'names/glob[')).toEqual(['names/glob[ab].png']);
    expect(bashComplete('edit', 'names/glob')).toEqual(inNames(['glob[ab].png', 'globa.png', 'globb.png']));
    expect(bashComplete('edit', 'names/star*')).toEqual(['names/star*.png']);
    expect(bashComplete('edit', 'names/q?')).toEqual(['names/q?.png']);
    expect(bashComplete('segment', '-o', '-d')).toEqual(['-dash.png']);
    expect(bashComplete('edit', '--from-file', 'names/$')).toEqual(['names/$HOME.png']);
  });

  it('bash: the word typed so far is read with its quoting, as the shell will read it', () => {
    expect(bashComplete('edit', 'names/promo\\ s')).toEqual(['names/promo shot.jpg']);
    expect(bashComplete('edit', "'names/promo s")).toEqual(['names/promo shot.jpg']);
    expect(bashComplete('edit', '"names/promo s')).toEqual(['names/promo shot.jpg']);
    expect(bashComplete('edit', "names/it\\'")).toEqual(["names/it's.png"]);
    expect(bashComplete('edit', '"names/\\$H')).toEqual(['names/$HOME.png']);
    expect(bashComplete('edit', 'names/back\\\\')).toEqual(['names/back\\slash.png']);
    expect(bashComplete('edit', 'names/glob\\[')).toEqual(['names/glob[ab].png']);
  });

  it('bash: after --, a word with a leading dash is an input, not a flag', () => {
    expect(bashComplete('edit', '--', '-')).toEqual(['-dash.png']);
    expect(bashComplete('edit', '-')).not.toContain('-dash.png');
  });

  it('fish: each file name is one candidate, itself', () => {
    const escaped = run('fish', `source ${scripts.fish}; complete -C --escape 'photoroom edit names/'`)
      .split('\n')
      .filter(Boolean)
      .sort();
    const fishEscape = (name: string) =>
      name
        .replace(/[\\'"$*?[\] ]/g, (char) => `\\${char}`)
        .replace('\n', '\\n')
        .replace('\t', '\\t');
    expect(escaped).toEqual(inNames(ODD_NAMES.map(fishEscape)));
  });
});

describe('fish completion', () => {
  const fishComplete = (line: string) =>
    run('fish', `source ${scripts.fish}; complete -C '${line}'`)
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.split('\t')[0])
      .sort();

  it('completes flags, list values and paths', () => {
    expect(fishComplete('photoroom edit --shadow.m')).toEqual(['--shadow.mode']);
    expect(fishComplete('photoroom edit --shadow.mode ai.')).toEqual([
      'ai.auto-with-overrides',
      'ai.floating',
      'ai.hard',
      'ai.preset-hard',
      'ai.preset-soft',
      'ai.soft',
    ]);
    expect(fishComplete('photoroom edit pro')).toEqual(['products/', 'promo shot.jpg']);
  });

  it('completes --outputSize by its words, and offers no file names for a number', () => {
    expect(fishComplete('photoroom edit --outputSize ')).toEqual(['auto', 'croppedSubject', 'originalImage']);
    expect(fishComplete('photoroom edit --padding pro')).toEqual([]);
  });
});

describe('zsh completion', () => {
  it('parses, and registers its function for photoroom when sourced', () => {
    run('zsh', `zsh -n ${scripts.zsh}`);
    expect(
      run('zsh', `autoload -U compinit && compinit -u -D && source ${scripts.zsh} && print -r -- $_comps[photoroom]`),
    ).toBe('_photoroom\n');
  });
});
