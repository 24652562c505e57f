/**
 * The completion scripts, run by the shells themselves: bash through COMP_WORDS and
 * COMP_CWORD as readline would call it, fish through `complete -C`, zsh loaded by compinit.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flagOf, paramsFor } from '../../src/params/table.js';
import { runCli, tempDir } from './harness.js';

let root: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  root = await tempDir();
  await mkdir(path.join(root, 'products'));
  await writeFile(path.join(root, 'promo shot.jpg'), 'x');
  await writeFile(path.join(root, 'other.png'), 'x');
  for (const shell of ['bash', 'zsh', 'fish']) {
    const { code, stdout, stderr } = await runCli(['completion', shell]);
    expect(code, stderr).toBe(0);
    scripts[shell] = path.join(root, `completion.${shell}`);
    await writeFile(scripts[shell], stdout);
  }
});

function run(shell: string, script: string): string {
  const result = spawnSync(shell, ['-c', script], { cwd: root, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** What bash offers for the command line `words`, the last word being completed. */
function bashComplete(...words: string[]): string[] {
  const quoted = words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
  const output = run('bash', `source ${scripts.bash}; COMP_WORDS=(photoroom ${quoted}); COMP_CWORD=${words.length}; _photoroom; printf '%s\\n' "\${COMPREPLY[@]}"`);
  return output.split('\n').filter(Boolean).sort();
}

describe('bash completion', () => {
  it('completes commands, and flags by prefix', () => {
    expect(bashComplete('e')).toEqual(['edit', 'emulator']);
    expect(bashComplete('edit', '--shadow.m')).toEqual(['--shadow.mode']);
    expect(bashComplete('segment', '--de')).toEqual(['--despill']);
  });

  it('offers every flag of the parameter table, aliases included, and the command\'s own', () => {
    const offered = bashComplete('edit', '-');
    const fromTable = paramsFor('edit').flatMap((spec) => {
      const flag = flagOf(spec);
      return flag === null || spec.kind === 'layers' ? [] : [flag, ...(spec.aliases ?? [])].map((name) => `--${name}`);
    });
    expect(fromTable.filter((flag) => !offered.includes(flag))).toEqual([]);
    expect(offered).toEqual(expect.arrayContaining(['-o', '--out', '--config', '--from-file', '--no-progress', '-h', '--help']));
  });

  it('completes the values of a flag that takes a list, as --flag value or --flag=value', () => {
    expect(bashComplete('edit', '--shadow.mode', 'ai.')).toEqual(['ai.floating', 'ai.hard', 'ai.soft']);
    expect(bashComplete('edit', '--shadow', 'ai.s')).toEqual(['ai.soft']);
    expect(bashComplete('edit', '--export.format', '=', 'w')).toEqual(['webp']);
    expect(bashComplete('edit', '--removeBackground', '')).toEqual(['false', 'true']);
    expect(bashComplete('params', '--endpoint', '')).toEqual(['edit', 'segment']);
    expect(bashComplete('completion', '')).toEqual(['bash', 'fish', 'zsh']);
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

describe('fish completion', () => {
  const fishComplete = (line: string) =>
    run('fish', `source ${scripts.fish}; complete -C '${line}'`)
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.split('\t')[0])
      .sort();

  it('completes flags, list values and paths', () => {
    expect(fishComplete('photoroom edit --shadow.m')).toEqual(['--shadow.mode']);
    expect(fishComplete('photoroom edit --shadow.mode ai.')).toEqual(['ai.floating', 'ai.hard', 'ai.soft']);
    expect(fishComplete('photoroom edit pro')).toEqual(['products/', 'promo shot.jpg']);
  });
});

describe('zsh completion', () => {
  it('parses, and registers its function for photoroom when sourced', () => {
    run('zsh', `zsh -n ${scripts.zsh}`);
    expect(run('zsh', `autoload -U compinit && compinit -u -D && source ${scripts.zsh} && print -r -- $_comps[photoroom]`)).toBe('_photoroom\n');
  });
});
