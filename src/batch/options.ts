/** What a batch is given: what to process, where results go, and the run settings it reads. */
import type { Client } from '../api/client.js';
import type { RunSettings } from '../config/options.js';
import type { Host } from '../host.js';
import type { Watch, WatchOptions } from '../inputs/watch.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';
import type { Preset } from '../presets/types.js';
import type { ObjectStorage } from '../storage/storage.js';
import type { BatchTiming } from './timing.js';

/**
 * The run settings the engine reads, under the table's names and in its units (seconds,
 * MB): each is converted where it is used. Adding one: its key here, its row in
 * config/options.ts, and the code that reads it.
 */
export type BatchSettings = Pick<
  RunSettings,
  | 'fromFile'
  | 'column'
  | 'null'
  | 'include'
  | 'exclude'
  | 'name'
  | 'overwrite'
  | 'dryRun'
  | 'yes'
  | 'maxImages'
  | 'shard'
  | 'confirmOver'
  | 'concurrency'
  | 'rate'
  | 'retries'
  | 'giveUpAfter'
  | 'maxAnswerSize'
  | 'convert'
  | 'fitInputs'
  | 'watch'
  | 'watchSettle'
>;

export interface BatchOptions {
  endpoint: Endpoint;
  /** Files, folders (recursive), glob patterns, http(s) URLs, `-` (a list on `stdin`). */
  inputs: readonly string[];
  stdin?: NodeJS.ReadableStream;
  /** Relative inputs and paths are read from here, and shown relative to it. */
  cwd: string;
  /** Where results go. */
  outDir: string;
  /** The one output of a one-input run, instead of a name in `outDir` (`-o mug-white.png`). */
  outputFile?: string;
  /** How the user named the output file, for messages (`-o -`). */
  outputFileLabel?: string;
  /** How the output file is shown in results, when not by its path (`standard output`). */
  outputFileShownAs?: string;
  /**
   * Where each result goes once it is written, before it counts as ok (`-o -`: standard
   * output). A LocalFault fails the input: a result is ok only once it was taken.
   */
  deliver?: (file: string) => Promise<void>;
  /** Sidecars and the run log go here (a resolved path), mirroring `outDir`, instead of beside the outputs. */
  stateDir?: string;
  /** Validated parameters (see buildParamSet). */
  params: ParamSet;
  /** `edit --preset`: each output is checked against the preset's checks as soon as it is whole. */
  preset?: Preset;
  client: Client;
  /**
   * Opens object storage for `s3://` inputs and outputs (the CLI opens it from the run's
   * environment: cli/io.ts). By default, the AWS SDK's own chain of credentials and settings.
   */
  storage?: () => Promise<ObjectStorage>;
  /** The process the run takes its temporary folder and writer's name from (cli/io.ts processHost). */
  host: Host;
  /** The run settings; those not given take the table's defaults (config/defaults.ts). */
  settings?: Partial<BatchSettings>;
  /** Asked before a batch larger than `confirmOver`; false cancels the run. */
  confirm?: (count: number) => Promise<boolean>;
  /** Starts the --watch watcher (FolderWatch by default; tests give a scripted one). */
  startWatch?: (options: WatchOptions) => Promise<Watch>;
  /** Aborting stops new work: Ctrl-C, or with a StopEvent as the reason (see stopRequested). */
  signal?: AbortSignal;
  timing?: BatchTiming;
}
