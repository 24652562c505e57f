/**
 * How `--help` looks: wrapped to the terminal, a narrow flag column (a longer flag gets a
 * line of its own), aliases beside their flag, and on commands with many options the common
 * ones first with the other groups only named, until `--help-all` asks for every option.
 */
import { Help, Option, type Command, type HelpConfiguration } from 'commander';
import { wrapLine, wrapProse } from './text.js';

/** The group of the options a new user needs, listed first. */
export const COMMON_OPTIONS = 'Common options:';

/** Width of help on a stream: its terminal's columns, or 80 when it is not a terminal. */
export function helpWidth(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY === true && stream.columns ? stream.columns : 80;
}

/**
 * A command's text after its help, its prose wrapped to the width of the stream the help is
 * printed on (examples, indented, are kept as written): every command's help fits the terminal.
 */
export function proseAfterHelp(text: string, stdout: { isTTY?: boolean; columns?: number }): () => string {
  return () => wrapProse(text, helpWidth(stdout));
}

/** An option whose other spellings are shown in its flag column: `--bg, --background.color <colour>`. */
export class AliasedOption extends Option {
  constructor(
    flags: string,
    description: string,
    readonly aliases: readonly string[],
  ) {
    super(flags, description);
  }
}

const HELP_ALL = '--help-all';

/** Adds `-h, --help` (the common options) and `--help-all` (every option) to a command. */
export function addHelpAll(command: Command): void {
  command.addHelpOption(new Option('-h, --help', 'show the common options').helpGroup(COMMON_OPTIONS));
  command.addOption(new Option(HELP_ALL, 'show every option').helpGroup(COMMON_OPTIONS));
  command.on(`option:${HELP_ALL.slice(2)}`, () => command.help());
}

/** True while printing the short help of a command that has `--help-all`. */
function showsCommonOnly(command: Command): boolean {
  return command.options.some((option) => option.long === HELP_ALL) && command.getOptionValue('helpAll') !== true;
}

/** `Layout (17), Export (3), ...`: the groups the short help leaves out, with their sizes. */
function otherGroups(command: Command): string {
  const sizes = new Map<string, number>();
  for (const option of command.options) {
    const group = option.helpGroupHeading ?? 'Options:';
    if (option.hidden || group === COMMON_OPTIONS) continue;
    sizes.set(group, (sizes.get(group) ?? 0) + 1);
  }
  return [...sizes].map(([group, size]) => `${group.replace(/( options)?:$/, '')} (${size})`).join(', ');
}

/** Terms up to this share of the width share one column; longer ones get a line of their own. */
const TERM_SHARE = 0.42;
const TERM_MAX = 34;
const TERM_MIN = 16;

export function helpLayout(width: number): HelpConfiguration {
  const base = new Help();
  // Only while the short help is printed: commander also asks for the visible options to
  // suggest a flag for a mistyped one, and every flag may be the one meant.
  let printingShortHelp = false;
  return {
    helpWidth: width,
    minWidthToWrap: 20,
    optionTerm: (option) =>
      option instanceof AliasedOption ? [...option.aliases, option.flags].join(', ') : option.flags,
    visibleOptions(command) {
      const visible = base.visibleOptions.call(this, command);
      const common = visible.filter((option) => option.helpGroupHeading === COMMON_OPTIONS);
      return printingShortHelp ? common : [...common, ...visible.filter((option) => !common.includes(option))];
    },
    // Groups in the order their options are shown, so that the common ones come first.
    groupItems: (_unsorted, visible, groupOf) => base.groupItems(visible, visible, groupOf),
    padWidth(command, helper) {
      const cap = Math.max(TERM_MIN, Math.min(TERM_MAX, Math.floor(width * TERM_SHARE)));
      return Math.min(cap, base.padWidth.call(this, command, helper));
    },
    formatItem(term, termWidth, description, helper) {
      if (helper.displayWidth(term) <= termWidth)
        return base.formatItem.call(this, term, termWidth, description, helper);
      const below = description ? `\n${base.formatItem.call(this, '', termWidth, description, helper)}` : '';
      return `  ${term}${below}`;
    },
    formatHelp(command, helper) {
      printingShortHelp = showsCommonOnly(command);
      let text: string;
      try {
        text = base.formatHelp.call(this, command, helper);
      } finally {
        printingShortHelp = false;
      }
      if (!showsCommonOnly(command)) return text;
      const more = `More options, by group: ${otherGroups(command)}. See them all with \`photoroom ${command.name()} --help-all\`.`;
      return `${text}\n${wrapLine(more, width).join('\n')}\n`;
    },
  };
}
