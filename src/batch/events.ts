/**
 * What a batch reports, as typed events: the reporters (progress bar, plain lines, NDJSON)
 * and library users all read these and nothing else.
 */

/** Why a discovered file was left out before planning. */
export type IgnoreReason = 'hidden' | 'not-an-image' | 'output-folder' | 'excluded';

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

export interface ResultEvent {
  type: 'result';
  /** The input as the user named it (a path relative to the working folder, or a URL). */
  input: string;
  /** The output file, relative to the working folder when inside it. */
  output: string;
  status: 'ok' | 'skipped' | 'failed';
  /** One-line reason, for `failed`. */
  error?: string;
  /** HTTP status of the last attempt (0 for a network fault), when a request was made. */
  httpStatus?: number;
  attempts: number;
  ms: number;
  headers?: ResponseHeaders;
}

export interface RetryEvent {
  type: 'retry';
  input: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  error: string;
}

export interface WarningEvent {
  type: 'warning';
  message: string;
  input?: string;
}

/** Planned but not sent: `--dry-run`. */
export interface PlanEvent {
  type: 'plan';
  input: string;
  output: string;
  method: 'GET' | 'POST';
  url: string;
  fields: [string, string][];
  /** The same request as a curl command, with the key as `$PHOTOROOM_API_KEY`. */
  curl: string;
}

/**
 * The run stopped starting new work: the API refused it (402 credits, 403 key), the
 * service failed every request for too long, the user interrupted it (Ctrl-C), or the user
 * declined the confirmation.
 */
export interface StopEvent {
  type: 'stop';
  reason: 'credits' | 'key' | 'unavailable' | 'interrupted' | 'cancelled';
  message: string;
}

export interface Failure {
  input: string;
  error: string;
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
  stopped?: StopEvent['reason'];
  requests: number;
  rateLimited: number;
  ms: number;
  exitCode: number;
}

export type BatchEvent = StartEvent | ResultEvent | RetryEvent | WarningEvent | PlanEvent | StopEvent | SummaryEvent;
