/**
 * Every option that takes a value is given once. Commander keeps the last value of an option
 * given twice, so `--shard 1/3 --shard 2/3` would silently run shard 2/3; here it is refused
 * (exit 2, nothing sent), whatever the spelling (`-o`, `--out x`, `--out=x`, `-ox`).
 * Exempt: repeatable options, whose values are all kept, and the parameter flags, whose
 * repeats preparseArgv refuses across spellings (`--bg` and `--background.color`).
 */
import type { Command, Option } from 'commander';

const mayRepeat = new WeakSet<Option>();

/** Marks an option whose repeats are not this module's to refuse. */
export function allowRepeats<T extends Option>(option: T): T {
  mayRepeat.add(option);
  return option;
}

const collect = (value: string, list: string[] = []) => [...list, value];

/** A repeatable option: each value is kept, in order (`--include a --include b`). */
export function repeatable<T extends Option>(option: T): T {
  return allowRepeats(option.argParser(collect));
}

/** The option as the user may have typed it: `-o/--out`. */
function spellings(option: Option): string {
  return [option.short, option.long].filter(Boolean).join('/');
}

/**
 * Counts the values each option of `command` is given while commander parses it; the
 * returned function lists, once parsing is done, every option given more than once.
 */
export function watchRepeats(command: Command): () => string[] {
  const given = new Map<Option, string[]>();
  for (const option of command.options) {
    if ((!option.required && !option.optional) || mayRepeat.has(option)) continue;
    // Commander emits this for every occurrence, with the value as typed.
    command.on(`option:${option.name()}`, (value: string | undefined) =>
      given.set(option, [...(given.get(option) ?? []), value ?? '']),
    );
  }
  return () =>
    [...given]
      .filter(([, values]) => values.length > 1)
      .map(
        ([option, values]) =>
          `${spellings(option)} is given ${values.length} times (${values.map((value) => JSON.stringify(value)).join(', ')}); give it once`,
      );
}
