/**
 * Commander's own parse errors in the tool's words, as every other refusal is worded:
 * `photoroom: unknown option --paddin; did you mean --padding?` instead of commander's
 * `error: unknown option '--paddin'` and its `(Did you mean ...)` line.
 */
import type { Command } from 'commander';
import { nearest } from '../near-miss.js';
import { escapeControls } from './terminal.js';

/** Every long flag a command takes: hidden aliases (`--size`) too, and its help flag. */
function longFlags(command: Command): string[] {
  const options = [...command.options, ...command.createHelp().visibleOptions(command)];
  return [...new Set(options.flatMap((option) => (option.long ? [option.long] : [])))];
}

/** `; did you mean --padding?`, compared without the dashes so that `--seed` finds `--background.seed`. */
function flagSuggestion(typed: string, command: Command): string {
  if (!typed.startsWith('--')) return '';
  const bare = (flag: string) => flag.replace(/^--/, '');
  const match = nearest(bare(typed), longFlags(command).map(bare));
  return match === undefined ? '' : `; did you mean --${match}?`;
}

function commandSuggestion(typed: string, command: Command): string {
  const match = nearest(
    typed,
    command.commands.map((sub) => sub.name()),
  );
  return match === undefined ? '' : `; did you mean ${match}?`;
}

/** The lines to print for the error commander raised in `command`: each one `photoroom: ...`. */
export function usageErrorText(commanderText: string, command: Command): string {
  const [first = '', ...rest] = commanderText.trimEnd().split('\n');
  const unknown = /^error: unknown (option|command) '(.*)'$/.exec(first);
  const lines = unknown
    ? [
        `unknown ${unknown[1]} ${unknown[2]}` +
          (unknown[1] === 'option'
            ? flagSuggestion(unknown[2] ?? '', command)
            : commandSuggestion(unknown[2] ?? '', command)),
      ]
    : [first.replace(/^error: /, ''), ...rest];
  return lines.map((line) => `photoroom: ${escapeControls(line)}\n`).join('');
}
