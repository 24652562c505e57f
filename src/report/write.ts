/** `writeReport`: the review page of an output folder, written into it; `writePage` writes any report's data. */
import path from 'node:path';
import type { TemporaryWriter } from '../host.js';
import type { Redactor } from '../secrets.js';
import { OutputFolder, realFolderPath } from '../store/outputs.js';
import { collectReport, type ReportSources } from './collect.js';
import type { ReportData } from './model.js';
import { reportHtml } from './page/html.js';

export const REPORT_NAME = 'photoroom-report.html';

export type { ReportSources } from './collect.js';
export { NothingToReport } from './collect.js';

/** What writes the page: who its temporary file names, and the run's redactor. */
export interface ReportWriter {
  writer: TemporaryWriter;
  redactor: Redactor;
}

/**
 * Writes `photoroom-report.html` into `sources.folder` (replacing an earlier one whole, as
 * every output is written) and returns its path.
 */
export async function writeReport(sources: ReportSources, writer: ReportWriter): Promise<string> {
  const data = await collectReport(sources);
  return writePage(path.resolve(sources.cwd, sources.folder), data, writer);
}

/** Writes `photoroom-report.html` of `data` into `folder`, whose relative links it holds, and returns its path. */
export async function writePage(folder: string, data: ReportData, { writer, redactor }: ReportWriter): Promise<string> {
  const real = await realFolderPath(folder);
  const file = path.join(real, REPORT_NAME);
  // The run log and sidecars it reads are masked already; a run's --report masks its key here too.
  await new OutputFolder(real, writer).write(file, redactor.redact(reportHtml(data)));
  return file;
}
