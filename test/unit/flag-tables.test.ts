/**
 * Every flag of every command comes from a table: the run options, the command-line-only
 * options, the parameter table, and the tables of `emulator`, `report`, `params` and `presets`. What
 * follows from the tables is checked against them, in-process (`main(argv, io)`): the
 * completion scripts, `--help`, the given-once check, unknown flags, the config example, and
 * the emulator's reading of its flags.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_OPTIONS, type EmulatorFlags } from '../../src/cli/commands/emulator-options.js';
import { PARAMS_OPTIONS } from '../../src/cli/commands/params.js';
import { PRESETS_OPTIONS } from '../../src/cli/commands/presets.js';
import { REPORT_OPTIONS } from '../../src/cli/commands/report.js';
import { addFlagTable } from '../../src/cli/flag-table.js';
import { main } from '../../src/cli/main.js';
import { runOptionFlag } from '../../src/cli/option-flags.js';
import { paramFlagBindings } from '../../src/cli/param-flags.js';
import { configExample } from '../../src/config/example.js';
import { COMMAND_LINE_OPTIONS, RUN_OPTIONS, type CommandName, type OptionSpec } from '../../src/config/options.js';
import { COLOR_NAMES } from '../../src/params/color.js';
import type { ParamSpec } from '../../src/params/types.js';
import { memoryIo } from '../support/memory-io.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'photoroom-flag-tables-'));
});

async function run(argv: string[], io = memoryIo({ cwd: work })) {
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** The spellings of a run option or command-line-only row, as commander registers them (`-o`, `--out`, `--no-progress`). */
function spellingsOfSpec(spec: OptionSpec): string[] {
  const option = runOptionFlag(spec);
  return [option.short, option.long].filter((flag) => flag !== undefined);
}

function optionRows(command: CommandName): OptionSpec[] {
  return [...Object.values(RUN_OPTIONS), ...Object.values(COMMAND_LINE_OPTIONS)].filter((spec) =>
    spec.commands.includes(command),
  );
}

/** The flags of a command's own table. */
const tableFlags = (table: Readonly<Record<string, { flag: string }>>): string[] =>
  Object.values(table).map((row) => row.flag);

const HELP = ['-h', '--help'];

/** The commands with a table of their own. */
const OWN_TABLES: Readonly<Record<string, Readonly<Record<string, { flag: string; placeholder?: string }>>>> = {
  params: PARAMS_OPTIONS,
  emulator: EMULATOR_OPTIONS,
  report: REPORT_OPTIONS,
  presets: PRESETS_OPTIONS,
};

/** Every flag each command takes, from the tables alone. */
const FLAGS_BY_TABLE: Readonly<Record<string, readonly string[]>> = {
  '': ['-v', '--version', ...HELP],
  ...Object.fromEntries(
    (['edit', 'segment'] as const).map((endpoint) => [
      endpoint,
      [
        ...paramFlagBindings(endpoint).map((binding) => binding.flag),
        ...optionRows(endpoint).flatMap(spellingsOfSpec),
        '--help-all',
        ...HELP,
      ],
    ]),
  ),
  account: [...optionRows('account').flatMap(spellingsOfSpec), ...HELP],
  check: [...optionRows('check').flatMap(spellingsOfSpec), ...HELP],
  ...Object.fromEntries(
    Object.entries(OWN_TABLES).map(([command, table]) => [command, [...tableFlags(table), ...HELP]]),
  ),
  completion: HELP,
};

/** The flags a completion script offers, by command ('' for the program itself). */
type Offered = Map<string, string[]>;

function add(offered: Offered, command: string, flag: string): void {
  offered.set(command, [...(offered.get(command) ?? []), flag]);
}

/** Each line of a bash or zsh script with the command whose `case` arm (indented by `indent`) holds it. */
function linesByCommand(script: string, indent: number): [string, string][] {
  const armPattern = new RegExp(`^ {${indent}}'([^']*)'\\)$`);
  let command = '';
  return script.split('\n').map((line) => {
    command = armPattern.exec(line)?.[1] ?? command;
    return [command, line];
  });
}

const BASH_ARM = 4;
const ZSH_ARM = 8;

function bashFlags(script: string): Offered {
  const offered: Offered = new Map();
  for (const [command, line] of linesByCommand(script, BASH_ARM)) {
    const flags = /^ {6}flags=\((.*)\)$/.exec(line);
    if (flags) for (const word of flags[1]?.match(/'[^']*'/g) ?? []) add(offered, command, word.slice(1, -1));
  }
  return offered;
}

function zshFlags(script: string): Offered {
  const offered: Offered = new Map();
  for (const [command, line] of linesByCommand(script, ZSH_ARM)) {
    const flag = /^ +'\*(-[^=[+]+)[=+]?\[/.exec(line);
    if (flag?.[1]) add(offered, command, flag[1]);
  }
  return offered;
}

function fishFlags(script: string): Offered {
  const offered: Offered = new Map();
  for (const line of script.split('\n')) {
    const match = /^complete -c photoroom -n '([^']*)' -([ls]) '([^']*)'/.exec(line);
    if (!match) continue;
    const command = /^__fish_seen_subcommand_from (\S+)$/.exec(match[1] ?? '')?.[1] ?? '';
    add(offered, command, `${match[2] === 'l' ? '--' : '-'}${match[3]}`);
  }
  return offered;
}

const PARSERS = { bash: bashFlags, zsh: zshFlags, fish: fishFlags } as const;

describe('shell completion', () => {
  it.each(Object.keys(PARSERS) as (keyof typeof PARSERS)[])(
    '%s offers every flag of every command, each from a table, and no other',
    async (shell) => {
      const { code, stdout } = await run(['completion', shell]);
      expect(code).toBe(0);
      const offered = PARSERS[shell](stdout);
      expect([...offered.keys()].sort()).toEqual(Object.keys(FLAGS_BY_TABLE).sort());
      for (const [command, flags] of Object.entries(FLAGS_BY_TABLE)) {
        expect([...(offered.get(command) ?? [])].sort(), `${shell}: photoroom ${command}`).toEqual([...flags].sort());
      }
    },
  );
});

/** What a completion script offers after a flag: a path, nothing (a value of the user's own), or a list of values. */
type ValueOffer = 'path' | 'nothing' | readonly string[];

/** What each flag that takes a value is followed by, by command and flag. */
type OfferedValues = Map<string, Map<string, ValueOffer>>;

function addValue(offered: OfferedValues, command: string, flag: string, value: ValueOffer): void {
  const flags = offered.get(command) ?? new Map<string, ValueOffer>();
  flags.set(flag, typeof value === 'string' ? value : [...value].sort());
  offered.set(command, flags);
}

/** `'a' 'b'` as its words. */
const bashWords = (text: string): string[] => (text.match(/'[^']*'/g) ?? []).map((word) => word.slice(1, -1));

function bashValues(script: string): OfferedValues {
  const offered: OfferedValues = new Map();
  for (const [command, line] of linesByCommand(script, BASH_ARM)) {
    const value = /^ {8}(.+?)\) kind=(\w+)(?: choices=\((.*)\))?(?: optional=1)? ;;$/.exec(line);
    if (!value) continue;
    const offer: ValueOffer =
      value[2] === 'choices' ? bashWords(value[3] ?? '') : value[2] === 'path' ? 'path' : 'nothing';
    for (const flag of bashWords(value[1] ?? '')) addValue(offered, command, flag, offer);
  }
  return offered;
}

function zshValues(script: string): OfferedValues {
  const offered: OfferedValues = new Map();
  for (const [command, line] of linesByCommand(script, ZSH_ARM)) {
    const word = /^ +'(\*-.*)' \\$/.exec(line)?.[1]?.replaceAll(`'\\''`, "'");
    const spec = word && /^\*(-[^=[+]+)[=+]?\[.*\]:?:value:(.*)$/.exec(word);
    if (!spec) continue;
    const action = spec[2] ?? '';
    const offer: ValueOffer =
      action === '_files'
        ? 'path'
        : action === ' '
          ? 'nothing'
          : action
              .slice(1, -1)
              .split(/(?<!\\) /)
              .map((value) => value.replace(/\\(.)/g, '$1'));
    addValue(offered, command, spec[1] ?? '', offer);
  }
  return offered;
}

function fishValues(script: string): OfferedValues {
  const offered: OfferedValues = new Map();
  for (const line of script.split('\n')) {
    const match = /^complete -c photoroom -n '([^']*)' -([ls]) '([^']*)'(.*?) -d '/.exec(line);
    if (!match) continue;
    const command = /^__fish_seen_subcommand_from (\S+)$/.exec(match[1] ?? '')?.[1] ?? '';
    const flag = `${match[2] === 'l' ? '--' : '-'}${match[3]}`;
    const options = match[4] ?? '';
    const list = / -a '([^']*)'/.exec(options)?.[1];
    if (list !== undefined) addValue(offered, command, flag, list.split(' '));
    else if (options.includes(' -r -F')) addValue(offered, command, flag, 'path');
    else if (options === ' -x') addValue(offered, command, flag, 'nothing');
  }
  return offered;
}

const VALUE_PARSERS = { bash: bashValues, zsh: zshValues, fish: fishValues } as const;

/** What a parameter's value completes to, by its row: its values, the words of its kind, a path for a file, else nothing. */
function expectedOffer(spec: ParamSpec): ValueOffer {
  if (spec.kind === 'boolean') return [...(spec.enum ?? ['true', 'false'])].sort();
  if (spec.enum) return [...spec.enum].sort();
  if (spec.kind === 'outputSize') return ['auto', 'croppedSubject', 'originalImage'];
  if (spec.kind === 'color') return [...COLOR_NAMES].sort();
  return spec.kind === 'file' ? 'path' : 'nothing';
}

describe('shell completion of values', () => {
  it.each(Object.keys(VALUE_PARSERS) as (keyof typeof VALUE_PARSERS)[])(
    '%s completes each parameter by its row, and each run option by its kind',
    async (shell) => {
      const { stdout } = await run(['completion', shell]);
      const offered = VALUE_PARSERS[shell](stdout);
      for (const endpoint of ['edit', 'segment'] as const) {
        const flags = offered.get(endpoint);
        for (const { flag, spec } of paramFlagBindings(endpoint))
          expect(flags?.get(flag), `${shell}: photoroom ${endpoint} ${flag}`).toEqual(expectedOffer(spec));
        for (const spec of optionRows(endpoint).filter((row) => row.placeholder))
          expect(flags?.get(spec.flag), `${shell}: photoroom ${endpoint} ${spec.flag}`).toEqual(
            spec.kind === 'path' || spec.kind === 'list' ? 'path' : 'nothing',
          );
      }
      // The words a new user reaches for, by name: the issue's own example and its alias.
      expect(offered.get('edit')?.get('--outputSize')).toEqual(['auto', 'croppedSubject', 'originalImage']);
      expect(offered.get('edit')?.get('--size')).toEqual(['auto', 'croppedSubject', 'originalImage']);
      expect(offered.get('edit')?.get('--concurrency')).toBe('nothing');
      expect(offered.get('edit')?.get('--out')).toBe('path');
    },
  );
});

/** `text` names `flag` as a whole word: `--bg` is not found in `--bg-color`. */
function mentions(text: string, flag: string): boolean {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,(\`])${escaped}(?=$|[\\s,)\`=<\\[])`, 'm').test(text);
}

describe('--help', () => {
  it.each(Object.keys(FLAGS_BY_TABLE).filter((command) => command !== ''))(
    'photoroom %s shows every flag of its tables',
    async (command) => {
      const helpAll = command === 'edit' || command === 'segment' ? '--help-all' : '--help';
      const { code, stdout } = await run([command, helpAll]);
      expect(code).toBe(0);
      // Parameter aliases are shown beside their flag; hidden alias options are not listed apart.
      expect((FLAGS_BY_TABLE[command] ?? []).filter((flag) => !mentions(stdout, flag))).toEqual([]);
    },
  );

  it("shows a row's default beside its description", async () => {
    const { stdout } = await run(['emulator', '--help']);
    expect(stdout).toMatch(/--host <host> +address to listen on \(default 127\.0\.0\.1\)/);
    expect(stdout).toMatch(/--port <port> +port to listen on \(0: any free port\) \(default 0\)/);
  });
});

/** A value each flag that takes one accepts, so that only the repeat is wrong. */
function valueFor(flag: string): string {
  return flag === '--endpoint' ? 'edit' : '1';
}

describe('a flag that takes a value is given once', () => {
  const valueFlags: [string, string][] = [
    ...(['edit', 'segment', 'account'] as const).flatMap((command) =>
      optionRows(command)
        .filter((spec) => spec.placeholder && spec.kind !== 'list')
        .map((spec): [string, string] => [command, spec.flag]),
    ),
    ...Object.entries(OWN_TABLES).flatMap(([command, table]) =>
      Object.values(table)
        .filter((row) => row.placeholder)
        .map((row): [string, string] => [command, row.flag]),
    ),
  ];

  it.each(valueFlags)('photoroom %s %s, given twice, is refused before anything runs', async (command, flag) => {
    const { code, stderr, stdout } = await run([command, flag, valueFor(flag), `${flag}=${valueFor(flag)}`]);
    expect(stderr).toContain(` is given 2 times ("${valueFor(flag)}", "${valueFor(flag)}"); give it once\n`);
    expect(stderr).toContain(flag);
    expect([code, stdout]).toEqual([2, '']);
  });

  it('keeps every value of a repeatable row: --param', async () => {
    const { stderr } = await run(['edit', 'missing.png', '--dry-run', '--param', 'a.b=1', '--param', 'a.c=2']);
    expect(stderr).not.toContain('given 2 times');
    expect(stderr).toContain('warning: --param a.b: "a.b" is not a known /v2/edit parameter');
    expect(stderr).toContain('warning: --param a.c: "a.c" is not a known /v2/edit parameter');
  });
});

describe('an unknown flag', () => {
  it.each([
    ['emulator', '--prot', '--port'],
    ['report', '--state-dr', '--state-dir'],
    ['params', '--endpiont', '--endpoint'],
    ['presets', '--jsn', '--json'],
    ['check', '--presett', '--preset'],
    ['completion', '--hepl', '--help'],
    ['account', '--emulatr', '--emulator'],
    ['edit', '--confg', '--config'],
    ['edit', '--paddin', '--padding'],
    ['edit', '--siz', '--size'],
    ['segment', '--concurency', '--concurrency'],
  ])("photoroom %s %s is refused in the tool's words, suggesting the table's flag", async (command, typo, flag) => {
    const { code, stderr } = await run([command, typo]);
    expect(stderr).toBe(`photoroom: unknown option ${typo}; did you mean ${flag}?\n`);
    expect(code).toBe(2);
  });

  it('suggests nothing when no flag is near, and words a short flag the same way', async () => {
    expect((await run(['edit', '--zzzzzz'])).stderr).toBe('photoroom: unknown option --zzzzzz\n');
    expect((await run(['edit', '-Z'])).stderr).toBe('photoroom: unknown option -Z\n');
  });
});

describe("commander's other refusals", () => {
  it('word an unknown command as the tool does, with its suggestion, exit 2', async () => {
    const { code, stderr } = await run(['edti']);
    expect([code, stderr]).toEqual([2, 'photoroom: unknown command edti; did you mean edit?\n']);
  });

  it('word a value outside the choices as the tool does, exit 2', async () => {
    const { code, stderr } = await run(['completion', 'tcsh']);
    expect(stderr).toMatch(/^photoroom: .*'tcsh'.*bash, zsh, fish\.\n$/);
    expect(code).toBe(2);
  });
});

describe('a usage error', () => {
  it.each(['edit', 'segment'])('photoroom %s points at its own help, not a placeholder', async (command) => {
    const { code, stderr } = await run([command]);
    expect(stderr).toContain(`photoroom: nothing was sent. See \`photoroom ${command} --help\`.\n`);
    expect(stderr).not.toContain('<command>');
    expect(code).toBe(2);
  });

  it('of a command that never talks to the API does not say that nothing was sent', async () => {
    const { code, stderr } = await run(['check', 'x.jpg', '--preset', 'amazn']);
    expect(code).toBe(2);
    expect(stderr).toContain('photoroom: See `photoroom check --help`.\n');
    expect(stderr).not.toContain('nothing was sent');
  });
});

describe('the command-line-only options', () => {
  it('are no config keys: not in the example, refused in a config file', async () => {
    const example = configExample();
    for (const key of Object.keys(COMMAND_LINE_OPTIONS)) expect(example).not.toMatch(new RegExp(`^# ${key}:`, 'm'));
    const file = path.join(work, 'rc.yml');
    await writeFile(file, 'emulator: true\nconfig: other.yml\n');
    const { code, stderr } = await run(['account', '--config', file]);
    expect(stderr).toContain('rc.yml: emulator: unknown setting');
    expect(stderr).toContain('rc.yml: config: unknown setting');
    expect(code).toBe(2);
  });
});

describe('photoroom emulator reads its flags from its table', () => {
  it('reads every flag into its value', () => {
    const command = new Command('emulator').exitOverride();
    const read = addFlagTable<EmulatorFlags>(command, EMULATOR_OPTIONS);
    const argv = [
      '--seed',
      '9',
      '--latency',
      '10-20',
      '--fail-rate',
      '0.1',
      '--reset-rate',
      '0.2',
      '--rate-limit',
      '20/5s',
      '--no-retry-after',
      '--credits',
      '5',
    ];
    command.parse([...argv, '--port', '8787', '--host', '::1', '--api-key', 'k', '--echo', '--verbose'], {
      from: 'user',
    });
    expect(read()).toEqual({
      values: {
        seed: 9,
        latency: { min: 10, max: 20 },
        failRate: 0.1,
        resetRate: 0.2,
        rateLimit: { limit: 20, windowMs: 5000 },
        noRetryAfter: true,
        credits: 5,
        port: 8787,
        host: '::1',
        apiKey: 'k',
        echo: true,
        verbose: true,
      },
      problems: [],
    });
  });

  it('refuses every flag it cannot read at once, one line each, exit 2', async () => {
    const { code, stderr, stdout } = await run([
      'emulator',
      '--latency',
      'x',
      '--fail-rate',
      '2',
      '--credits',
      '-1',
      '--port',
      'abc',
    ]);
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      'photoroom: --port abc: a port is a number from 1 to 65535 (0: any free port)',
      'photoroom: --latency expects whole milliseconds as MS or MIN-MAX (e.g. 200 or 100-800), got "x"',
      'photoroom: --fail-rate expects a probability between 0 and 1 (e.g. 0.05), got "2"',
      'photoroom: --credits expects a whole number of at least 0, got "-1"',
    ]);
    expect([code, stdout]).toEqual([2, '']);
  });

  it('refuses flags that do not fit together', async () => {
    const { code, stderr } = await run(['emulator', '--fail-rate', '0.7', '--reset-rate', '0.5']);
    expect(stderr).toMatch(/^photoroom: --fail-rate \(0\.7\) and --reset-rate \(0\.5\).*must not exceed 1\n$/);
    expect(code).toBe(2);
  });

  it('refuses --no-retry-after without --rate-limit, whose 429s it changes', async () => {
    const { code, stderr } = await run(['emulator', '--no-retry-after']);
    expect(stderr).toBe('photoroom: --no-retry-after changes the 429s of --rate-limit: give both\n');
    expect(code).toBe(2);
  });

  it('starts with what it read, and stops on a signal', async () => {
    const io = memoryIo({ cwd: work });
    // The signal arrives as soon as the emulator waits for one.
    const stopped = { ...io, onSignal: (_signals: unknown, handler: () => void) => (setImmediate(handler), () => {}) };
    const code = await main(
      ['emulator', '--port', '0', '--rate-limit', '20/5s', '--credits', '3', '--seed', '4', '--echo'],
      stopped,
    );
    expect(io.out()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(io.err()).toContain('emulator stopped: 0 requests');
    expect(code).toBe(0);
  });
});
