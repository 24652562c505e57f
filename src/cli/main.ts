/**
 * The `photoroom` program: parses argv, runs a command, turns its outcome into text on
 * stderr and an exit code. Everything below this layer returns values or throws typed errors.
 */
import { Command, CommanderError, Help } from 'commander';
import { ApiError } from '../api/errors.js';
import { errorCode, EXIT, faultReason, LocalFault, StartUpError, UserError } from '../errors.js';
import { watchRepeats } from './given-once.js';
import type { PreparsedArgv } from './param-flags.js';
import type { RawParam } from '../params/paramset.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './command-table.js';
import { helpLayout, helpWidth } from './help.js';
import { processIo, settled, type Io } from './io.js';
import { escapeControls } from './terminal.js';
import { wrapProse } from './text.js';
import { usageErrorText } from './usage-errors.js';

const PROGRAM_HELP = `
Examples:
  export PHOTOROOM_API_KEY=sk_...
  photoroom edit ./products --bg white --padding 10% -o out/
  photoroom segment ./products -o cutouts/
  photoroom account
  photoroom params --endpoint edit
  photoroom edit ./products --preset amazon -o out/  # see photoroom presets
  photoroom check out/ --preset amazon              # what amazon would refuse
  photoroom edit ./products --bg white --emulator   # no key, no network

\`photoroom <command> --help\` shows a command's common options; \`photoroom edit
--help-all\` shows every option, and \`photoroom params\` every API parameter.

Exit codes: 0 success, 1 some inputs failed, 2 usage or validation error (nothing sent),
3 the API refused the whole run (402 no credits, 403 key refused), 4 cancelled at the
confirmation prompt (nothing sent), 5 some images would be refused by the preset's
marketplace (photoroom check), 130 interrupted.`;

/** '' itself, or a repeatable option's list holding it. */
function holdsEmpty(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.includes(''));
}

/**
 * An empty argument is never a value: `photoroom edit "$DIR"` with DIR unset would otherwise
 * walk the working folder, and `--out ''` or `--crop "$UNSET"` would stand for a default the
 * user did not choose. Checks every argument and option value of the command about to run.
 */
function emptyArguments(command: Command, openEndedParams: readonly RawParam[]): string[] {
  const emptyFlags = [
    ...command.options
      .filter((option) => holdsEmpty(command.getOptionValue(option.attributeName())))
      .map((option) => option.long ?? option.short),
    ...openEndedParams.filter((param) => param.value === '').map((param) => param.source),
  ];
  return [
    ...(command.args.includes('') ? ["an empty input argument ('') names no file, folder or URL"] : []),
    ...emptyFlags.map((flag) => `${flag}: empty value; give a value or leave the flag out`),
  ];
}

/** An unexpected error's stack, its message escaped (it may quote an input or an answer) and its frames as they are. */
function unexpectedDetail(error: unknown): string {
  if (!(error instanceof Error)) return escapeControls(String(error));
  const stack = error.stack ?? '';
  const framesAt = stack.indexOf('\n    at ');
  return `${escapeControls(`${error.name}: ${error.message}`)}${framesAt < 0 ? '' : stack.slice(framesAt)}`;
}

/** How the program's help lists a command, defined or not: from its row (`edit [options] [inputs...]`). */
function listedTerm(command: Command): string {
  const row = COMMANDS.find((row) => row.name === command.name());
  return row ? `${row.name} ${row.usage}` : new Help().subcommandTerm(command);
}

/** `photoroom edit --help`, or the program's own help when no command was reached. */
function helpCommand(command: Command | undefined): string {
  const names: string[] = [];
  for (let at = command; at; at = at.parent ?? undefined) names.unshift(at.name());
  return `${names.join(' ') || 'photoroom'} --help`;
}

/**
 * The failure as lines on stderr, every message escaped (cli/terminal.ts), and its exit code.
 * `command`: the command that was about to run, whose help a usage error points to; `sends`:
 * whether it talks to the API (a usage error then says that nothing was sent).
 */
function reportFailure(error: unknown, io: Io, command: Command | undefined, sends: boolean): number {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help / version text).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UserError) {
    for (const problem of error.problems) io.stderr.write(`photoroom: ${escapeControls(problem)}\n`);
    if (!(error instanceof StartUpError))
      io.stderr.write(`photoroom: ${sends ? 'nothing was sent. ' : ''}See \`${helpCommand(command)}\`.\n`);
    return EXIT.usage;
  }
  if (error instanceof ApiError) {
    io.stderr.write(`photoroom: ${escapeControls(error.message)}\n`);
    return error.refusesRun ? EXIT.apiRefusedRun : EXIT.someInputsFailed;
  }
  if (error instanceof LocalFault) {
    io.stderr.write(`photoroom: ${escapeControls(error.message)}\n`);
    return EXIT.someInputsFailed;
  }
  io.stderr.write(`photoroom: unexpected error (please report it): ${unexpectedDetail(error)}\n`);
  return EXIT.someInputsFailed;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  // The command argv runs, and the one whose help it asks for (`photoroom help edit`).
  const [commandName, helpFor] = argv.filter((token) => !token.startsWith('-'));
  const requested = COMMANDS.find((row) => row.name === (commandName === 'help' ? helpFor : commandName));
  const endpoint = commandName === 'edit' || commandName === 'segment' ? commandName : null;
  // The parameter table is loaded for the image commands alone; any other takes argv as it is.
  const preparsed: PreparsedArgv = endpoint
    ? (await import('./param-flags.js')).preparseArgv(argv, endpoint)
    : { argv: [...argv], openEndedParams: [], problems: [] };

  const width = helpWidth(io.stdout);
  const program = new Command('photoroom')
    .description('Batch processor for the Photoroom image-editing API')
    .version(VERSION, '-v, --version')
    .addHelpText('after', () => wrapProse(PROGRAM_HELP, width));
  // Only the requested command is defined (its module loaded); the others are named and
  // described, enough for the program's help and for commander's "did you mean".
  const defined = requested?.needsEveryCommand ? COMMANDS : COMMANDS.filter((row) => row === requested);
  const commands = await Promise.all(
    COMMANDS.map(async (row) => {
      const command = new Command(row.name).description(row.description);
      if (defined.includes(row)) await row.define(command, io, () => preparsed);
      return command;
    }),
  );
  for (const command of [program, ...commands]) {
    command
      .exitOverride()
      .configureHelp(helpLayout(width))
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
        outputError: (text, write) => write(usageErrorText(text, command)),
      });
  }
  program.configureHelp({ ...program.configureHelp(), subcommandTerm: listedTerm });
  for (const command of commands) program.addCommand(command);
  const repeatedOptions = new Map([program, ...commands].map((command) => [command, watchRepeats(command)]));
  let running: Command | undefined;
  program.hook('preAction', (_program, command) => {
    running = command;
    const problems = [
      ...(repeatedOptions.get(command)?.() ?? []),
      ...emptyArguments(command, preparsed.openEndedParams),
    ];
    if (problems.length > 0) throw new UserError(problems);
  });

  // What a command printed and standard output refused (a full disk behind `> file`) is said
  // once; a reader that went away (`| head`) took what it wanted.
  let refused: Error | null = null;
  const releaseStdout = io.onStdoutRefused((error) => (refused = errorCode(error) === 'EPIPE' ? null : error));
  let code: number;
  try {
    await program.parseAsync([...preparsed.argv], { from: 'user' });
    code = io.exitCode ?? EXIT.ok;
  } catch (error) {
    code = reportFailure(error, io, running, requested?.sends === true);
  }
  await settled(io.stdout);
  releaseStdout();
  if (refused === null || code !== EXIT.ok) return code;
  io.stderr.write(`photoroom: standard output refused what was written: ${faultReason(refused)}\n`);
  return EXIT.someInputsFailed;
}
