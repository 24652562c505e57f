/**
 * What a report shows, computed once in Node and embedded in the page as JSON: one row per
 * output (or failed input), in review order, and the facts of the latest run.
 */
import { PEOPLE_PRESENT } from '../api/uncertainty.js';
import type { RunLogLine } from '../store/runlog-history.js';

export interface ReportRow {
  /** The input as the run named it: a path relative to the working folder then, or a URL. */
  input: string;
  /** Link from the report to the input file, when that file is there to show. */
  inputHref?: string;
  /** The input as a link, when it is an http(s) URL. */
  inputUrl?: string;
  /** The output, relative to the report's folder when inside it. */
  output: string;
  /** Link from the report to the output image; absent when there is none. */
  outputHref?: string;
  /** How the input last went: `failed` even when an earlier run left an output. */
  status: 'ok' | 'failed';
  error?: string;
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

export interface ReportData {
  /** The output folder, as the user named it. */
  title: string;
  run: RunFacts | null;
  rows: ReportRow[];
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

/**
 * How urgently a row needs a look, highest first: failures (no result at all), then people
 * (a score of -1 says nothing about the cutout, and cutouts of people are where mistakes
 * show), then scores from least certain down, then answers that carried no score.
 */
export function reviewRank(row: ReportRow): number {
  if (row.status === 'failed') return 3;
  if (row.uncertainty === PEOPLE_PRESENT) return 2;
  if (row.uncertainty === undefined) return -1;
  return Math.min(1, Math.max(0, row.uncertainty));
}

/** Least certain first; rows of equal rank by output name, so the order is stable. */
export function byReviewOrder(a: ReportRow, b: ReportRow): number {
  const rank = reviewRank(b) - reviewRank(a);
  if (rank !== 0) return rank;
  return a.output < b.output ? -1 : a.output > b.output ? 1 : 0;
}
