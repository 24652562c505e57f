/**
 * What a report shows, computed once in Node and embedded in the page as JSON: one row per
 * output (or failed input) of a run, or per image `photoroom check` judged, in review order,
 * and the facts of the latest run.
 */
import { PEOPLE_PRESENT } from '../api/uncertainty.js';
import type { RunLogLine } from '../store/runlog-history.js';

/** A marketplace preset's verdict on a row's image, as the page shows it. */
export interface RowCompliance {
  preset: string;
  /** `unjudged`: `check` could not read the image whole, so it neither passes nor is refused. */
  verdict: 'pass' | 'refused' | 'unjudged';
  /** Each failed rule in words, then `could not be measured: …` when the image was not measured whole. */
  reasons: string[];
}

/** What every row has: how it went, and the preset's verdict when one judged it. */
interface RowBase {
  /** `failed`: no result to show (an input that failed, an image that could not be read). */
  status: 'ok' | 'failed';
  error?: string;
  /** A stopped run left it unfinished: no result, but not failed either (a rerun does it). */
  unfinished?: true;
  /** Absent when no preset judged the row (a run without --preset, an input that failed). */
  compliance?: RowCompliance;
}

/** An image `photoroom check` judged on disk: the image itself, with no input and output pair. */
export interface ImageRow extends RowBase {
  kind: 'image';
  /** The image as the user named it. */
  image: string;
  /** Link from the report to the image, when it is a file on disk. */
  imageHref?: string;
}

/** An input a run sent, and the output it made (if any). */
export interface ResultRow extends RowBase {
  kind: 'result';
  /** The input as the run named it: a path relative to the working folder then, or a URL. */
  input: string;
  /** Link from the report to the input file, when that file is there to show. */
  inputHref?: string;
  /** The input's format when browsers cannot show it (TIFF, HEIC): the page says so in place of its thumbnail. */
  inputUnshown?: string;
  /** The input as a link, when it is an http(s) URL. */
  inputUrl?: string;
  /** The output, relative to the report's folder; absent for an input that left none. */
  output?: string;
  /** Link from the report to the output image; absent when there is none. */
  outputHref?: string;
  /** How the input last went: `failed` even when an earlier run left an output (`RowBase`). */
  /** `x-uncertainty-score`: 0 (sure) to 1, or -1 when people are present. */
  uncertainty?: number;
  /** `pr-unsupported-attributes`: parameters the API ignored. */
  ignoredParameters?: string;
  /** `pr-texts-detected`. */
  textsDetected?: string;
  /** `pr-ai-background-seed`: give it as `--background.seed` to get this background again. */
  seed?: string;
  /** `pr-edit-further-url`, when it is an http(s) URL. */
  editFurtherUrl?: string;
  /** The parameters sent, `name=value` (a file as `name=@file`). */
  parameters?: string[];
  /** The output's size in bytes, the time it took (retries included) and the requests it took. */
  bytes?: number;
  ms?: number;
  attempts?: number;
}

export type ReportRow = ResultRow | ImageRow;

/** The latest run, from its run log lines. */
export interface RunFacts {
  startedAt: string;
  endedAt: string;
  ok: number;
  skipped: number;
  failed: number;
  /** Inputs sent but left unfinished when the run stopped. */
  notProcessed: number;
  /** Requests sent, retries included. */
  requests: number;
  /** What may have been billed: each ok result, and each 2xx that gave none (cut short, not an image). */
  credits: number;
}

/** A report's data; `Row` narrows its rows for a caller that knows them (a run's are all results). */
export interface ReportData<Row extends ReportRow = ReportRow> {
  /** The output folder, as the user named it; for `check`, what was checked. */
  title: string;
  /** The latest run; null when the folder has no run log, and for `check`, which sends nothing. */
  run: RunFacts | null;
  /** `check --report`: the preset the images on disk were checked against. */
  checkedAgainst?: string;
  rows: Row[];
}

export function runFacts(lines: readonly RunLogLine[]): RunFacts | null {
  const first = lines[0];
  if (!first) return null;
  const count = (status: RunLogLine['status']) => lines.filter((line) => line.status === status).length;
  return {
    // A run's mark is its start; older logs have none, so their first line stands in.
    startedAt: first.run ?? first.time,
    // ISO times in one zone sort as text.
    endedAt: lines.reduce((latest, line) => (line.time > latest ? line.time : latest), first.time),
    ok: count('ok'),
    skipped: count('skipped'),
    failed: count('failed'),
    notProcessed: count('not-processed'),
    requests: lines.reduce((sum, line) => sum + line.attempts, 0),
    credits: count('ok') + lines.reduce((sum, line) => sum + (line.maybeBilled ?? 0), 0),
  };
}

/** Whether the row's preset would refuse its image. */
export const isRefused = (row: ReportRow): boolean => row.compliance?.verdict === 'refused';

/** The row's name, as the page shows it in bold: the output, the input that left none, or the image checked. */
export const rowName = (row: ReportRow): string => (row.kind === 'image' ? row.image : (row.output ?? row.input));

/**
 * How urgently a row needs a look, highest first: failures (no result at all), then people
 * (a score of -1 says nothing about the cutout, and cutouts of people are where mistakes
 * show), then scores from least certain down, then answers that carried no score.
 */
export function reviewRank(row: ReportRow): number {
  if (row.status === 'failed') return 3;
  const uncertainty = row.kind === 'result' ? row.uncertainty : undefined;
  if (uncertainty === PEOPLE_PRESENT) return 2;
  if (uncertainty === undefined) return -1;
  return Math.min(1, Math.max(0, uncertainty));
}

/**
 * What the marketplace would refuse first (a seller must redo those before listing), then
 * least certain first; rows of equal rank by name, so the order is stable.
 */
export function byReviewOrder(a: ReportRow, b: ReportRow): number {
  const refused = Number(isRefused(b)) - Number(isRefused(a));
  if (refused !== 0) return refused;
  const rank = reviewRank(b) - reviewRank(a);
  if (rank !== 0) return rank;
  const [nameA, nameB] = [rowName(a), rowName(b)];
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}
