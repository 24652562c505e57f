/**
 * `photoroom check <inputs…> --preset NAME`: audits images on disk against a marketplace
 * preset's checks, locally: no key, no request, no credit. What is measured: check/measure.ts;
 * how it is judged: check/judge.ts.
 */
import type { Command } from 'commander';
import type { CommandLineSettings } from '../../config/options.js';
import { UserError } from '../../errors.js';
import type { Io } from '../io.js';
import { addRunOptions, typedRunOptions } from '../option-flags.js';
import { proseAfterHelp } from '../help.js';

const HELP = `
Measures each image on disk and judges it against the preset's checks (photoroom
presets lists them): the product's fill of the frame, the background's purity on the
border, size, aspect, format, colour space, bit depth, bytes, animation, a drawn border.
Nothing is sent. An image that fails says which rule, what was measured and what the
preset wants.

Exit code: 0 every image passed, 5 some would be refused, 1 some could not be read (or
standard output was closed), 2 usage error (nothing checked), 130 interrupted.

Examples:
  photoroom check out/ --preset amazon
  photoroom check 'shots/**/*.jpg' --preset walmart --json \\
    | jq -r 'select(.type == "result" and .status != "pass") | .input'
  photoroom edit ./products --preset amazon -o out/ &&
    photoroom check out/ --preset amazon
  photoroom check shots/ --preset amazon --report  # shots/photoroom-report.html

--report writes photoroom-report.html, the verdicts as a review page, into the folder
checked when one folder alone is named, else into the working folder.`;

export function defineCheck(command: Command, io: Io): void {
  command.argument('[inputs...]', 'files, folders or globs; - reads a list from stdin');
  addRunOptions(command, 'check');
  command.addHelpText('after', proseAfterHelp(HELP, io.stdout));
  command.action(async (inputs: string[], options: Pick<CommandLineSettings, 'config'>) => {
    // Loaded on use: sharp and the measurements would slow every start-up.
    const { runCheckCommand } = await import('./check-run.js');
    if (inputs.length === 0 && command.getOptionValue('fromFile') === undefined)
      throw new UserError(
        'name the images to check: files, folders or globs (or --from-file, or - for a list on stdin)',
      );
    io.exitCode = await runCheckCommand({
      inputs,
      flags: typedRunOptions(command, 'check'),
      configPath: options.config,
      io,
    });
  });
}
