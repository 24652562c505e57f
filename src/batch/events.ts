/**
 * What a batch reports, as typed events: the reporters (progress bar, plain lines, NDJSON)
 * and library users all read these and nothing else.
 */

import type { Compliance } from '../check/compliance.js';
import type { CheckName } from '../presets/types.js';
import type { IgnoreReason } from '../inputs/discover.js';
import type { RunLogResult } from '../store/runlog.js';
import type { RateChange } from './adaptive-rate.js';

export type { IgnoreReason } from '../inputs/discover.js';

/** The `pr-*` and `x-uncertainty-score` headers of an answer, exactly as received. */
export type ResponseHeaders = Record<string, string>;

export interface StartEvent {
  type: 'start';
  /** Inputs that will be sent (after resume skips and --max-images). */
  total: number;
  /** Inputs already done by an earlier run. */
  skipped: number;
  /** Files left out while discovering, by reason. */
  ignored: Record<IgnoreReason, number>;
  dryRun: boolean;
}

/** One input's result; the run log records the same fields (store/runlog.ts). */
export interface ResultEvent extends RunLogResult {
  type: 'result';
  headers?: ResponseHeaders;
  /** `edit --preset`: the preset's verdict on the output (ok, and skipped: an earlier run's). */
  compliance?: Compliance;
}

/** `edit --preset`: how the outputs fared against the preset's checks. */
export interface ComplianceSummary {
  preset: string;
  /** Outputs judged: made by this run, or by an earlier one (skipped). */
  checked: number;
  /** Outputs the marketplace would refuse: some rule failed. */
  refused: number;
  /** Outputs whose pixels could not be measured: no rule judged. */
  unmeasured: number;
  /** How many outputs failed each rule, in the checks' order. */
  byRule: Partial<Record<CheckName, number>>;
}

export interface RetryEvent {
  type: 'retry';
  input: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  error: string;
}

/** A file found but left out, with its reason (shown under --verbose; counted in start and summary). */
export interface IgnoredEvent {
  type: 'ignored';
  /** The file as the user would name it. */
  input: string;
  reason: IgnoreReason;
}

/** --watch: the first pass is done, and these folders are watched for new or changed images. */
export interface WatchingEvent {
  type: 'watching';
  folders: string[];
}

export interface WarningEvent {
  type: 'warning';
  message: string;
  input?: string;
}

/** Something routine the run does that a person may want to know (TIFF inputs converted to PNG): no problem. */
export interface NoteEvent {
  type: 'note';
  message: string;
}

/**
 * The service limited the run with 429s that gave no Retry-After, and the run changed the
 * rate it holds itself to: `limited` at the first (it sent as fast as it could before),
 * then `lowered` or `raised` as it finds the pace.
 */
export interface RateEvent extends RateChange {
  type: 'rate';
}

/** Planned but not sent: `--dry-run`. */
export interface PlanEvent {
  type: 'plan';
  input: string;
  output: string;
  method: 'GET' | 'POST';
  url: string;
  fields: [string, string][];
  /** The headers sent beside the key (model versions), when there are any. */
  headers?: Record<string, string>;
  /** The same request as a curl command, with the key as `$PHOTOROOM_API_KEY`. */
  curl: string;
}

/**
 * Why a run stopped starting new work:
 * - `credits`, `key`: the API refused it (402, 403), or the credits check found too few;
 * - `unavailable`: the service failed every request for too long, or kept answering non-images;
 * - `disk`: the output disk refused a result (full, read-only, no permission);
 * - `output-closed`: the reader of standard output went away (`--json | head`);
 * - `interrupted`: Ctrl-C; `cancelled`: the user declined the confirmation;
 * - `folders-gone`: --watch, and every watched folder was removed.
 * - `crashed`: an exception nobody caught (a library's) during the batch.
 */
export type StopReason =
  | 'credits'
  | 'key'
  | 'unavailable'
  | 'disk'
  | 'output-closed'
  | 'interrupted'
  | 'cancelled'
  | 'folders-gone'
  | 'crashed';

export interface StopEvent {
  type: 'stop';
  reason: StopReason;
  message: string;
}

export interface Failure {
  input: string;
  error: string;
}

export interface SettledRate {
  perMinute: number;
  suggestedRate: number;
}

export interface SummaryEvent {
  type: 'summary';
  ok: number;
  skipped: number;
  failed: number;
  /** Inputs never started because the run stopped, or left out by --max-images. */
  notProcessed: number;
  ignored: Record<IgnoreReason, number>;
  failures: Failure[];
  /** `pr-unsupported-attributes` values met, with how many inputs met each. */
  unsupportedAttributes: { value: string; count: number }[];
  stopped?: StopReason;
  /** What the stop event said. */
  stopMessage?: string;
  requests: number;
  /** Requests whose 2xx came but gave no kept result, and the inputs they were for: each may have been billed. */
  maybeBilled: { requests: number; inputs: number };
  /** Answers 429, each counted once: retried or not (the run stopped during its wait, or it was the last try). */
  rateLimited: number;
  /**
   * When 429s without Retry-After limited the run: the rate it held itself to at its end
   * (requests a minute), and the `--rate` that asks for it on the whole key next time (times
   * the --shard count, as --rate is split between the shards).
   */
  settledRate?: SettledRate;
  /** `edit --preset` only. */
  compliance?: ComplianceSummary;
  ms: number;
}

export type BatchEvent =
  | StartEvent
  | ResultEvent
  | RetryEvent
  | IgnoredEvent
  | WatchingEvent
  | WarningEvent
  | NoteEvent
  | RateEvent
  | PlanEvent
  | StopEvent
  | SummaryEvent;
