/** `photoroom report [folder]`: the review page of an output folder. */
import type { Command } from 'commander';
import { RUN_OPTIONS } from '../../config/options.js';
import { UserError } from '../../errors.js';
import { displayPath } from '../../paths.js';
import type { Io } from '../io.js';
import { addFlagTable, asText, type FlagTable } from '../flag-table.js';
import { proseAfterHelp } from '../help.js';
import { escapeControls } from '../terminal.js';

interface ReportFlags {
  stateDir?: string;
}

export const REPORT_OPTIONS: FlagTable<ReportFlags> = {
  stateDir: {
    flag: '--state-dir',
    placeholder: '<dir>',
    read: asText,
    description: 'where the run kept its sidecars and run log, if not beside the outputs (see edit --state-dir)',
  },
};

const HELP = `
Writes photoroom-report.html into the folder: every output beside its input, least certain
first (failures, then people, then by x-uncertainty-score), with each failure's reason, the
parameters the API ignored, texts detected, AI background seeds and edit-further links, and
filters. Outputs made with --preset show its verdict, those it would refuse first. The
page needs no server and no network, and finds the images by relative path: open it from
disk, or zip it with the outputs.

Examples:
  photoroom report                 # photoroom-out/photoroom-report.html
  photoroom report out/ && xdg-open out/photoroom-report.html
  photoroom report dist/images --state-dir .photoroom-state
  photoroom edit ./products -o out --report   # written at the run's end`;

export function defineReport(command: Command, io: Io): void {
  command
    .argument('[folder]', 'the output folder of a run (-o)', String(RUN_OPTIONS.out.default))
    .addHelpText('after', proseAfterHelp(HELP, io.stdout));
  const readFlags = addFlagTable(command, REPORT_OPTIONS);
  command.action(async (folder: string) => {
    const { values, problems } = readFlags();
    if (problems.length > 0) throw new UserError(problems);
    const { writeReport } = await import('../../report/write.js');
    const file = await writeReport(
      { folder, stateFolder: values.stateDir, cwd: io.cwd },
      { writer: io.host, redactor: io.redactor },
    );
    io.stdout.write(`${escapeControls(displayPath(io.cwd, file))}\n`);
  });
}
