/**
 * Gathers a report's data from disk: the sidecars (one per output), the run log (how each
 * input last went, and the latest run), and whether each input file is still there to show.
 */
import { readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { uncertaintyOf } from '../api/uncertainty.js';
import { UserError } from '../errors.js';
import { displayPath } from '../paths.js';
import { isObjectUri } from '../storage/location.js';
import { readRunLogHistory, type RunLogLine } from '../store/runlog-history.js';
import { isMeaningfulHeader, parseSidecar, SIDECAR_SUFFIX, type Sidecar } from '../store/sidecar.js';
import { fileHref, formatNoBrowserShows, webHref } from './links.js';
import { complianceFrom } from '../check/compliance-record.js';
import { byReviewOrder, runFacts, type ReportData, type ResultRow, type RowCompliance } from './model.js';

export interface ReportSources {
  /** The output folder: the images are there, and the report is written there. */
  folder: string;
  /** Where the sidecars and the run log are, laid out like `folder` (default: `folder` itself). */
  stateFolder?: string;
  /** The working folder the run named its inputs from, against which `folder` is resolved. */
  cwd: string;
}

interface FoundSidecar {
  sidecar: Sidecar;
  /** The output file the sidecar describes. */
  output: string;
}

/** `file`'s text, or '' when it cannot be read (it is then passed over as not a sidecar). */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Every sidecar under `stateFolder`, with the output it stands for under `folder`. Files
 * are read synchronously: for thousands of small files that is several times quicker than
 * fs/promises, each of whose reads crosses to the thread pool four times.
 */
async function findSidecars(folder: string, stateFolder: string): Promise<FoundSidecar[]> {
  const { default: glob } = await import('fast-glob');
  const names = await glob(`**/*${SIDECAR_SUFFIX}`, {
    cwd: stateFolder,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
  });
  return names.flatMap((name) => {
    const sidecar = parseSidecar(readText(path.join(stateFolder, name)));
    return sidecar ? [{ sidecar, output: path.join(folder, name.slice(0, -SIDECAR_SUFFIX.length)) }] : [];
  });
}

// A sidecar is a file anyone can edit: readSidecar checks only what a rerun relies on, so
// the other parts are read here for what they hold, and left out when it is not that.

const numberOrNothing = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The parameters sent, `name=value`, a file as `name=@file`. */
function parametersOf(sidecar: Sidecar): string[] {
  return sidecar.request.fields.flatMap((field: unknown) => {
    if (!Array.isArray(field) || typeof field[0] !== 'string') return [];
    const value: unknown = field[1];
    return [
      `${field[0]}=${typeof value === 'string' ? value : `@${String((value as { file?: unknown } | null)?.file)}`}`,
    ];
  });
}

/** The headers, strings only. */
function headersOf(sidecar: Sidecar): Record<string, string> {
  const headers: unknown = sidecar.response?.headers;
  if (typeof headers !== 'object' || headers === null) return {};
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The verdict `edit --preset` recorded: each failed rule's reason, and why the output could not be measured. */
function complianceOf(sidecar: Sidecar): RowCompliance | undefined {
  const recorded = complianceFrom(sidecar.compliance);
  if (!recorded) return undefined;
  const reasons = recorded.failures.map((failure) => failure.reason);
  // An output whose pixels were not measured failed no rule on them: not judged, as check says.
  if (recorded.error === undefined)
    return { preset: recorded.preset, verdict: recorded.pass ? 'pass' : 'refused', reasons };
  const verdict = reasons.length === 0 ? 'unjudged' : 'refused';
  return { preset: recorded.preset, verdict, reasons: [...reasons, `could not be measured: ${recorded.error}`] };
}

function inputOf(sidecar: Sidecar): string {
  const { input } = sidecar;
  return 'url' in input ? input.url : 'object' in input ? input.object : input.path;
}

function rowFromSidecar({ sidecar, output }: FoundSidecar, folder: string, last: RunLogLine | undefined): ResultRow {
  const headers = headersOf(sidecar);
  const said = (name: string) => (isMeaningfulHeader(headers[name]) ? headers[name] : undefined);
  const failed = last?.status === 'failed';
  const editFurther = said('pr-edit-further-url');
  return {
    kind: 'result',
    input: inputOf(sidecar),
    output: path.relative(folder, output),
    outputHref: fileHref(folder, output),
    status: failed ? 'failed' : 'ok',
    error: failed ? last.error : undefined,
    uncertainty: uncertaintyOf(headers),
    ignoredParameters: said('pr-unsupported-attributes'),
    textsDetected: said('pr-texts-detected'),
    seed: said('pr-ai-background-seed'),
    editFurtherUrl: editFurther && webHref(editFurther),
    parameters: parametersOf(sidecar),
    bytes: sidecar.output.size,
    ms: numberOrNothing(sidecar.durationsMs?.total),
    attempts: numberOrNothing(sidecar.attempts),
    compliance: complianceOf(sidecar),
  };
}

/**
 * An input that failed, or that a stopped run left unfinished, without an output: the run
 * log's line is all there is, and the row has no output name (the one planned exists nowhere).
 */
function rowFromFailure(line: RunLogLine): ResultRow {
  const error =
    line.status === 'not-processed'
      ? `not processed: the run stopped (last: ${line.error ?? 'none'})`
      : (line.error ?? 'failed');
  return {
    kind: 'result',
    input: line.input,
    status: 'failed',
    error,
    ...(line.status === 'not-processed' && { unfinished: true as const }),
  };
}

/**
 * Where the row's input can be seen: a link to the file when it is still there (and, for a
 * format no browser shows, that format, for the page to say so), or to its URL.
 */
function withInputLink(row: ResultRow, folder: string, cwd: string): ResultRow {
  const url = webHref(row.input);
  if (url) return { ...row, inputUrl: url };
  const file = path.resolve(cwd, row.input);
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return row;
  const unshown = formatNoBrowserShows(file);
  return { ...row, inputHref: fileHref(folder, file), ...(unshown && { inputUnshown: unshown }) };
}

/** A folder with no run's results in it: not written, exit 2, as for any folder misnamed. */
export class NothingToReport extends UserError {}

function nothingToReport({ folder, stateFolder }: ReportSources): NothingToReport {
  const where = stateFolder === undefined ? folder : `${stateFolder} (--state-dir)`;
  return new NothingToReport(
    `${where}: nothing to report: no results of a run there (no sidecars, no run log); give the output folder of a run (-o), and --state-dir if it kept its state elsewhere`,
  );
}

/** The report of a run's output folder: its rows are all results. */
export async function collectReport(sources: ReportSources): Promise<ReportData<ResultRow>> {
  if (isObjectUri(sources.folder))
    throw new UserError(
      `${sources.folder}: the review page is made from a folder on this machine: copy the prefix down first (aws s3 sync ${sources.folder} out) and run photoroom report out`,
    );
  const cwd = path.normalize(sources.cwd);
  const folder = path.resolve(cwd, sources.folder);
  const stateFolder = path.resolve(cwd, sources.stateFolder ?? sources.folder);
  const isFolder = await stat(folder).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new UserError(`${sources.folder}: no such folder; give the output folder of a run (-o)`);

  const [history, sidecars] = await Promise.all([readRunLogHistory(stateFolder), findSidecars(folder, stateFolder)]);
  // Not the output folder of a run (an input folder, one a run made and wrote nothing into,
  // one holding only check --report's page): a page of nothing would only be litter there.
  if (sidecars.length === 0 && history.lastByInput.size === 0) throw nothingToReport(sources);
  const withOutput = new Set(sidecars.map(({ sidecar }) => inputOf(sidecar)));
  const rows = [
    ...sidecars.map((found) => rowFromSidecar(found, folder, history.lastByInput.get(inputOf(found.sidecar)))),
    ...[...history.lastByInput.values()]
      .filter((line) => (line.status === 'failed' || line.status === 'not-processed') && !withOutput.has(line.input))
      .map(rowFromFailure),
  ];
  return {
    // Named as every path this tool prints: relative to the working folder when inside it.
    title: displayPath(cwd, folder),
    run: runFacts(history.latestRun),
    rows: rows.map((row) => withInputLink(row, folder, cwd)).sort(byReviewOrder),
  };
}
