/** What every part of a running batch shares: its options, clock, events, stop, tallies and request. */
import { displayInput, displayPath } from '../paths.js';
import type { StateLayout } from '../store/layout.js';
import type { Results } from '../store/results.js';
import type { StorageOpener } from '../storage/opener.js';
import type { BatchEvent, ResultEvent } from './events.js';
import type { Job } from './jobs.js';
import type { OutputChecks } from './output-checks.js';
import type { BatchOptions, BatchSettings } from './options.js';
import type { Prepared } from './prepare.js';
import type { BatchRequest } from './request.js';
import type { RunStop } from './stops.js';
import type { Tallies } from './tallies.js';
import type { BatchTiming } from './timing.js';

export interface RunContext {
  /** What the caller gave, but for the settings (read `settings`). */
  readonly options: Omit<BatchOptions, 'settings'>;
  /** The run settings, the table's defaults filled in. */
  readonly settings: BatchSettings;
  readonly timing: BatchTiming;
  readonly emit: (event: BatchEvent) => void;
  readonly stop: RunStop;
  readonly tallies: Tallies;
  readonly request: BatchRequest;
  /** Where outputs and their records go (real paths, or `s3://bucket/prefix`). */
  readonly layout: StateLayout;
  /** What outputs (and sidecars beside them) are written to and read back from: the output folder, or a bucket. */
  readonly results: Results;
  /** When the run started, on every run log line: it tells one run's lines from the next's. */
  readonly startedAt: string;
  /** An input made ready to send (or, `checkOnly`, only checked), or why it cannot be. */
  readonly prepare: (job: Job, checkOnly?: boolean) => Promise<Prepared | { reason: string }>;
  readonly shown: Shown;
  /** `edit --preset`: the outputs' checks; null without a preset. */
  readonly outputChecks: OutputChecks | null;
  /** Object storage, opened on first use (`s3://` inputs or outputs) and closed when the run ends. */
  readonly storage: StorageOpener;
}

/** Inputs and outputs as the user is shown them. */
export class Shown {
  constructor(private readonly options: Pick<BatchOptions, 'cwd' | 'outputFile' | 'outputFileShownAs'>) {}

  /** The input as the user named it: a URL, or a path relative to the working folder when inside it. */
  input(job: Job): string {
    return displayInput(this.options.cwd, job.source);
  }

  /** An output (or any path): relative to the working folder when inside it. */
  output(file: string): string {
    return (
      (this.options.outputFileShownAs && this.options.outputFile ? this.options.outputFileShownAs : null) ??
      displayPath(this.options.cwd, file)
    );
  }

  /** The result of an input that is done already. */
  skipped(job: Job): ResultEvent {
    return {
      type: 'result',
      input: this.input(job),
      output: this.output(job.outputPath),
      status: 'skipped',
      attempts: 0,
      ms: 0,
    };
  }
}
