/**
 * `photoroom edit` and `photoroom segment`: one command shape for both image endpoints,
 * their flags derived from the parameter table and the run options table. What they do is
 * in image-run.ts.
 */
import type { Command } from 'commander';
import { addHelpAll, helpWidth } from '../help.js';
import { keyedFlagsHelp, layerFlagsHelp, paramFlagBindings, type PreparsedArgv } from '../param-flags.js';
import type { Endpoint } from '../../params/types.js';
import type { Io } from '../io.js';
import type { ImageCommandOptions } from './image-run.js';
import { addRunOptions, typedRunOptions } from '../option-flags.js';
import { wrapProse } from '../text.js';

const EXAMPLES: Readonly<Record<Endpoint, string>> = {
  edit: `
Inputs: files, folders, globs, URLs (sent by GET), s3:// locations, or a list (--from-file,
- for stdin). Outputs mirror the inputs under --out (a folder or an s3:// prefix), each
with a sidecar <output>.json; a rerun skips what is done.

Examples:
  photoroom edit ./products --bg white --padding 10% -o out/
  photoroom edit 'shots/**/*.jpg' --exclude '**/raw/**' --outputSize 1000x1000
  photoroom edit s3://shop/products/ -o s3://shop/white/  # AWS_* credentials
  photoroom edit https://example.com/mug.png --background.prompt "on marble"
  photoroom edit --from-file urls.txt --format webp --json > results.ndjson
  photoroom edit ./products --bg white --dry-run > plan.sh  # the curl commands
  photoroom edit ./products --bg white --emulator -o out/   # no key needed

Every parameter flag is an API parameter spelled as the API spells it; \`photoroom params\`
lists them with their allowed values.`,
  segment: `
Inputs are files, folders (recursive), glob patterns, s3:// prefixes, objects and globs,
or a list (--from-file, or - for stdin); /v1/segment takes uploads only. Outputs mirror
the input folders under --out (a folder or an s3:// prefix).

Examples:
  photoroom segment ./products -o cutouts/
  photoroom segment shoe.jpg --channels alpha --format webp
  photoroom segment ./products --bg-color "#FFFFFF" --crop --size hd`,
};

export function defineImage(command: Command, endpoint: Endpoint, io: Io, preparsed: () => PreparsedArgv): void {
  const bindings = paramFlagBindings(endpoint);
  const width = helpWidth(io.stdout);
  command.argument(
    '[inputs...]',
    endpoint === 'edit'
      ? 'files, folders, globs, URLs or s3:// locations; - reads a list from stdin'
      : 'files, folders, globs or s3:// locations; - reads a list from stdin',
  );
  // In this order in --help: what to do to the images, where to put them, how to run.
  for (const binding of bindings) command.addOption(binding.option);
  addRunOptions(command, endpoint);
  addHelpAll(command);
  if (endpoint === 'edit') {
    command.addHelpText('after', ({ command: shown }) =>
      shown.getOptionValue('helpAll')
        ? `\n${wrapProse(layerFlagsHelp(), width)}\n${wrapProse(keyedFlagsHelp(), width)}`
        : '',
    );
  }
  command.addHelpText('after', () => wrapProse(EXAMPLES[endpoint], width));

  command.action(async (inputs: string[], options: ImageCommandOptions) => {
    // Loaded on use: the batch engine and its packages would slow every start-up (--help, --version).
    const { runImageCommand } = await import('./image-run.js');
    const typed = typedRunOptions(command, endpoint);
    await runImageCommand({ endpoint, inputs, options, typed, io, bindings, preparsed: preparsed() });
  });
}
