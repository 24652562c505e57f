/**
 * What a shell needs to complete `photoroom`, read from the commander program itself: every
 * command, every flag with all its spellings (hidden aliases included), and what follows a
 * flag or stands as an operand. Allowed values come from commander's choices or, for an API
 * parameter, from its row in the parameter table (its values, or the words of its kind); a
 * run option's from its kind. A file or folder completes as a path; a number, a URL or other
 * text of the user's own completes as nothing, never as file names.
 */
import type { Argument, Command, Option } from 'commander';
import { COMMAND_LINE_OPTIONS, RUN_OPTIONS, type OptionSpec } from '../../config/options.js';
import { COLOR_NAMES } from '../../params/color.js';
import { flagOf, paramsFor } from '../../params/table.js';
import type { ParamSpec } from '../../params/types.js';
import { OUTPUT_SIZE_WORDS } from '../../params/values.js';
import { runOptionFlag } from '../option-flags.js';

/** What a word stands for: one of a list of values, a file or folder path, or text of the user's own (nothing offered). */
export type CompletedValue = { choices: readonly string[] } | 'path' | 'text';

export interface CompletionFlag {
  /** `--long` or `-s`. */
  name: string;
  description: string;
  /** What follows the flag; absent for a switch. */
  value?: CompletedValue;
  /** The value may be left out (`--crop` alone means true). */
  optionalValue: boolean;
}

export interface CompletionCommand {
  name: string;
  description: string;
  flags: CompletionFlag[];
  /** What its operands are; absent when it takes none. */
  operands?: CompletedValue;
}

export interface CompletionTree {
  program: string;
  /** The program's own flags (`--version`, `--help`). */
  flags: CompletionFlag[];
  commands: CompletionCommand[];
}

const BOOLEAN_WORDS = ['true', 'false'] as const;

/** A parameter's values: its own list, or the known words of its kind (`outputSize` also takes `WIDTHxHEIGHT`, a colour a hex code). */
function valueOfSpec(spec: ParamSpec): CompletedValue {
  if (spec.kind === 'boolean') return { choices: spec.enum ?? BOOLEAN_WORDS };
  if (spec.enum) return { choices: spec.enum };
  if (spec.kind === 'outputSize') return { choices: OUTPUT_SIZE_WORDS };
  if (spec.kind === 'color') return { choices: COLOR_NAMES };
  return spec.kind === 'file' ? 'path' : 'text';
}

/** A run option's value by its kind: a path, the globs of --include and --exclude, or text of the user's own. */
function valueOfRunOption(spec: OptionSpec): CompletedValue {
  return spec.kind === 'path' || spec.kind === 'list' ? 'path' : 'text';
}

/** The run options and command-line-only options, by their long flag. */
const RUN_OPTION_FLAGS: ReadonlyMap<string, OptionSpec> = new Map(
  [...Object.values(RUN_OPTIONS), ...Object.values(COMMAND_LINE_OPTIONS)].flatMap((spec) => {
    const long = runOptionFlag(spec).long;
    return long ? [[long, spec] as const] : [];
  }),
);

/** The parameter behind a flag of an image command, by its flag or one of its aliases. */
function specsByFlag(command: Command): Map<string, ParamSpec> {
  const name = command.name();
  if (name !== 'edit' && name !== 'segment') return new Map();
  return new Map(
    paramsFor(name).flatMap((spec) =>
      [flagOf(spec), ...(spec.aliases ?? [])].flatMap((flag) => (flag ? [[`--${flag}`, spec] as const] : [])),
    ),
  );
}

function valueOfOption(option: Option, spec: ParamSpec | undefined): CompletedValue | undefined {
  if (!option.required && !option.optional) return undefined;
  if (option.argChoices) return { choices: option.argChoices };
  if (spec) return valueOfSpec(spec);
  const runOption = option.long ? RUN_OPTION_FLAGS.get(option.long) : undefined;
  // The tables of emulator, report, params and presets: a value there may be a path (report --state-dir).
  return runOption ? valueOfRunOption(runOption) : 'path';
}

function flagsOf(command: Command): CompletionFlag[] {
  const specs = specsByFlag(command);
  // command.options holds hidden aliases too; the help option is only among the visible ones.
  const help = command
    .createHelp()
    .visibleOptions(command)
    .filter((option) => !command.options.includes(option));
  return [...command.options, ...help].flatMap((option) => {
    const value = valueOfOption(option, option.long ? specs.get(option.long) : undefined);
    const names = [option.short, option.long].filter((name): name is string => name !== undefined);
    return names.map((name) => ({ name, description: option.description, value, optionalValue: option.optional }));
  });
}

function operandsOf(command: Command): CompletedValue | undefined {
  const argument: Argument | undefined = command.registeredArguments[0];
  if (!argument) return undefined;
  return argument.argChoices ? { choices: argument.argChoices } : 'path';
}

export function completionTree(program: Command): CompletionTree {
  return {
    program: program.name(),
    flags: flagsOf(program),
    commands: program.commands.map((command) => ({
      name: command.name(),
      description: command.description(),
      flags: flagsOf(command),
      operands: operandsOf(command),
    })),
  };
}
