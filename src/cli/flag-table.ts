/**
 * The flags of a command that has no settings file behind it (`emulator`, `report`,
 * `params`): one typed row per flag, read from the command line alone. A row gives the flag,
 * what its value is called, its description, its default and bounds, and the reader that
 * turns what was typed into the value; the commander option, `--help`, completion, the
 * given-once check and the reading all come from the row.
 */
import { Option, type Command } from 'commander';
import { UserError } from '../errors.js';

export interface FlagRow<Value> {
  /** The long flag, as typed: `--port`. */
  readonly flag: `--${string}`;
  /** What the flag's value is called in `--help`: `<port>`. A switch takes none. */
  readonly placeholder?: `<${string}>`;
  readonly description: string;
  /** The value when the flag is not given, shown in `--help`; the command reads it from the row. */
  readonly default?: Value;
  readonly minimum?: number;
  readonly maximum?: number;
  /** The only values it takes: commander refuses any other, and completion offers these. */
  readonly choices?: readonly string[];
  /**
   * Reads what commander holds (`true` for a switch, the text typed otherwise) into the
   * value; throws a UserError naming the flag and quoting what it got.
   */
  readonly read: (given: string | true, row: FlagRow<Value>) => Value;
}

/** A command's flags, one row per field of the values they give. */
export type FlagTable<Values> = { readonly [Key in keyof Values]-?: FlagRow<NonNullable<Values[Key]>> };

/** A switch: on when given. */
export const isOn = (given: string | true): boolean => given === true;

/** A text value as typed (an empty one is refused before, see main.ts). */
export const asText = (given: string | true): string => String(given);

/** A value from `choices`, the row's own (commander refuses any other first). */
export function oneOf<Choice extends string>(
  choices: readonly Choice[],
): (given: string | true, row: FlagRow<Choice>) => Choice {
  return (given, row) => {
    const choice = choices.find((candidate) => candidate === given);
    if (choice === undefined)
      throw new UserError(`${row.flag} takes one of ${choices.join(', ')}, got ${JSON.stringify(given)}`);
    return choice;
  };
}

/** The commander option of a row. It has no commander default: reading applies the row's. */
export function flagOption<Value>(row: FlagRow<Value>): Option {
  const byDefault = row.default === undefined || row.default === false ? '' : ` (default ${String(row.default)})`;
  const option = new Option(
    row.placeholder ? `${row.flag} ${row.placeholder}` : row.flag,
    `${row.description}${byDefault}`,
  );
  return row.choices ? option.choices(row.choices) : option;
}

export interface FlagReading<Values> {
  /** Each flag given, read. */
  values: Partial<Values>;
  /** Every flag that could not be read, each in one line. */
  problems: string[];
}

/**
 * What a row's flag gives once typed: `true` for a switch, the text typed otherwise; undefined
 * when not typed. Commander holds a `--no-` switch as false once typed, true before.
 */
function givenValue(command: Command, option: Option): string | true | undefined {
  const name = option.attributeName();
  if (option.negate) return command.getOptionValueSource(name) === 'cli' ? true : undefined;
  const value: unknown = command.getOptionValue(name);
  return value === true || typeof value === 'string' ? value : undefined;
}

/** Adds a command's table as options; the returned function reads them once commander has parsed. */
export function addFlagTable<Values>(command: Command, table: FlagTable<Values>): () => FlagReading<Values> {
  const options = new Map<string, Option>();
  for (const key in table) {
    const option = flagOption(table[key]);
    options.set(key, option);
    command.addOption(option);
  }
  return () => {
    const values: Partial<Values> = {};
    const problems: string[] = [];
    for (const key in table) {
      const row = table[key];
      const given = givenValue(command, options.get(key)!);
      if (given === undefined) continue;
      try {
        values[key] = row.read(given, row);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        problems.push(...error.problems);
      }
    }
    return { values, problems };
  };
}
