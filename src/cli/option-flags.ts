/** The run options table and the command-line-only options as commander options: one per row, grouped for `--help`. */
import { Command, Option } from 'commander';
import { repeatable } from './given-once.js';
import { COMMON_OPTIONS } from './help.js';
import {
  commandLineOptionsFor,
  runOptionsFor,
  type CommandName,
  type OptionSpec,
  type RunOptionKey,
  type RunOptionSpec,
} from '../config/options.js';

/**
 * The commander option of a row. It has no commander default, so that precedence stays
 * ours (see config/resolve.ts); a switch that is on by default is typed as `--no-<name>`.
 */
export function runOptionFlag(spec: OptionSpec & Pick<RunOptionSpec, 'env'>): Option {
  const negated = spec.kind === 'switch' && spec.default === true;
  const long = negated ? spec.flag.replace(/^--/, '--no-') : spec.flag;
  const flags = [spec.short, long].filter(Boolean).join(', ') + (spec.placeholder ? ` ${spec.placeholder}` : '');
  const details = [
    spec.env ? `env ${spec.env}` : '',
    spec.default !== undefined && !negated && spec.kind !== 'switch' && spec.kind !== 'list'
      ? `default ${String(spec.default)}`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
  const option = new Option(flags, details ? `${spec.description} (${details})` : spec.description);
  if (spec.kind === 'list') repeatable(option);
  const group = spec.common ? COMMON_OPTIONS : spec.group;
  return group ? option.helpGroup(group) : option;
}

/** Adds the run options of a command, then its command-line-only options (`--config`, `--emulator`, `--param`). */
export function addRunOptions(command: Command, name: CommandName): void {
  for (const [, spec] of runOptionsFor(name)) command.addOption(runOptionFlag(spec));
  for (const spec of commandLineOptionsFor(name)) command.addOption(runOptionFlag(spec));
}

/** The run options typed on the command line (not commander's defaults), by setting key. */
export function typedRunOptions(command: Command, name: CommandName): Partial<Record<RunOptionKey, unknown>> {
  const typed: Partial<Record<RunOptionKey, unknown>> = {};
  for (const [key] of runOptionsFor(name)) {
    if (command.getOptionValueSource(key) === 'cli') typed[key] = command.getOptionValue(key);
  }
  return typed;
}
