/**
 * The help texts as a new user meets them: they fit the terminal, the short help names the
 * common flags and every other group, and every flag of the two tables is still in a help
 * text or in `photoroom params`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runOptionFlag } from '../../src/cli/option-flags.js';
import { RUN_OPTIONS } from '../../src/config/options.js';
import { flagOf, PARAMS } from '../../src/params/table.js';
import { runInProcess } from '../support/in-process.js';
import { runInTerminal, tempDir } from './harness.js';

/** The commands `photoroom --help` lists (but commander's own `help`): a new command's help is checked too. */
async function listedCommands(): Promise<string[]> {
  const { stdout } = await runInProcess(['--help']);
  const section = stdout.slice(stdout.indexOf('\nCommands:\n'));
  return [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1] ?? '').filter((name) => name !== 'help');
}

const COMMANDS = await listedCommands();

const TEXTS: readonly (readonly string[])[] = [
  ['--help'],
  ...COMMANDS.map((command) => [command, '--help']),
  ['edit', '--help-all'],
  ['segment', '--help-all'],
  ['params'],
];

const rendered = new Map<string, string>();

beforeAll(async () => {
  for (const args of TEXTS) {
    const { code, stdout } = await runInProcess(args);
    expect(code, args.join(' ')).toBe(0);
    rendered.set(args.join(' '), stdout);
  }
});

function linesOf(key: string): string[] {
  return (rendered.get(key) ?? '').split('\n');
}

/** `text` names `flag` as a whole word: `--bg` is not found in `--bg-color`. */
function mentions(text: string, flag: string): boolean {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,(\`])${escaped}(?=$|[\\s,)\`=<\\[])`, 'm').test(text);
}

describe('help at 80 columns (not a terminal)', () => {
  it('reads every command the program lists', () => {
    expect(COMMANDS).toEqual(
      expect.arrayContaining([
        'edit',
        'segment',
        'account',
        'params',
        'presets',
        'check',
        'emulator',
        'report',
        'completion',
      ]),
    );
  });

  it.each(TEXTS.map((args) => args.join(' ')))('photoroom %s has no line over 80 characters', (key) => {
    const long = linesOf(key).filter((line) => line.length > 80);
    expect(long).toEqual([]);
  });

  it('keeps the short help of edit short, with the common flags and their aliases side by side', () => {
    const short = rendered.get('edit --help') ?? '';
    expect(linesOf('edit --help').length).toBeLessThan(70);
    expect(short).toMatch(/^ {2}--bg, --background\.color <colour> +Background colour/m);
    for (const flag of [
      '-o, --out',
      '--padding',
      '--outputSize',
      '--shadow.mode',
      '--export.format',
      '--dry-run',
      '--emulator',
      '-y, --yes',
      '--json',
    ]) {
      expect(short).toContain(flag);
    }
    expect(mentions(short, '--scaling')).toBe(false);
  });

  it('names every other group in the short help and points at --help-all', () => {
    const short = (rendered.get('edit --help') ?? '').replace(/\s+/g, ' ');
    for (const group of [
      'Background',
      'AI background',
      'Layout',
      'Export',
      'AI features',
      'Template',
      'Connection',
      'Inputs and outputs',
      'Run',
      'What is printed',
    ]) {
      expect(short).toMatch(new RegExp(`[:,] ${group} \\(\\d+\\)`));
    }
    expect(short).toContain('photoroom edit --help-all');
  });

  it('lists every flag of both tables in a help text or in photoroom params', () => {
    const everything = [...rendered.values()].join('\n');
    const paramFlags = PARAMS.flatMap((spec) => [flagOf(spec), ...(spec.aliases ?? [])]).filter(
      (flag) => flag !== null,
    );
    const runFlags = Object.values(RUN_OPTIONS).flatMap((spec) => {
      const option = runOptionFlag(spec);
      return [option.short, option.long].filter((flag) => flag !== undefined);
    });
    const missing = [...paramFlags.map((flag) => `--${flag}`), ...runFlags].filter(
      (flag) => !mentions(everything, flag),
    );
    expect(missing).toEqual([]);
    expect(paramFlags.length + runFlags.length).toBeGreaterThan(80);
  });

  it('shows aliases and endpoints in photoroom params, with no internal names', () => {
    const table = rendered.get('params') ?? '';
    expect(table).toMatch(/^FLAG +ENDPOINT +DESCRIPTION$/m);
    expect(table).toMatch(/^--bg, --background\.color +edit +Background colour/m);
    expect(table).toMatch(/^--bg_color, --bg, --bg-color +segment +Background colour/m);
    expect(table).toContain('text.content, text.font');
    expect(table).not.toContain('LAYER_FIELDS');
  });
});

describe('help on a terminal', () => {
  it('wraps to the terminal width', async () => {
    const cwd = await tempDir();
    const wide = await runInTerminal(['edit', '--help-all'], {}, cwd, '', 120);
    const narrow = await runInTerminal(['edit', '--help-all'], {}, cwd, '', 80);
    const lines = (text: string) => text.replaceAll('\r', '').split('\n');
    expect(Math.max(...lines(wide.stdout).map((line) => line.length))).toBeGreaterThan(100);
    expect(lines(wide.stdout).filter((line) => line.length > 120)).toEqual([]);
    expect(lines(wide.stdout).length).toBeLessThan(lines(narrow.stdout).length);
  });
});
