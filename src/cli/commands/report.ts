/** `photoroom report [folder]`: the review page of an output folder. */
import { Command } from 'commander';
import { RUN_OPTIONS } from '../../config/options.js';
import { displayPath } from '../../paths.js';
import type { Io } from '../io.js';
import { escapeControls } from '../terminal.js';

const HELP = `
Writes photoroom-report.html into the folder: every output beside its input, least certain
first (failures, then people, then by x-uncertainty-score), with each failure's reason, the
parameters the API ignored, texts detected, AI background seeds and edit-further links, and
filters. The page needs no server and no network, and finds the images by relative path:
open it from disk, or zip it with the outputs.

Examples:
  photoroom report                 # photoroom-out/photoroom-report.html
  photoroom report out/ && xdg-open out/photoroom-report.html
  photoroom report dist/images --state-dir .photoroom-state
  photoroom edit ./products --bg white -o out --report   # a run writes it at its end`;

export function reportCommand(io: Io): Command {
  return new Command('report')
    .description('write a review page (HTML) of an output folder: outputs beside inputs, least certain first')
    .argument('[folder]', 'the output folder of a run (-o)', String(RUN_OPTIONS.out.default))
    .option('--state-dir <dir>', 'where the run kept its sidecars and run log, if not beside the outputs (see edit --state-dir)')
    .addHelpText('after', HELP)
    .action(async (folder: string, options: { stateDir?: string }) => {
      const { writeReport } = await import('../../report/write.js');
      const file = await writeReport({ folder, stateFolder: options.stateDir, cwd: io.cwd }, { writer: io.host, redactor: io.redactor });
      io.stdout.write(`${escapeControls(displayPath(io.cwd, file))}\n`);
    });
}
