/** What a batch is given: what to process, where results go, and how it runs. */
import type { Client } from '../api/client.js';
import type { DiscoverOptions } from '../inputs/discover.js';
import type { Shard } from '../inputs/shard.js';
import type { Watch, WatchOptions } from '../inputs/watch.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';
import type { BatchTiming } from './timing.js';

/** What to process (as discovery takes it; the extensions follow the endpoint) and how. */
export interface BatchOptions extends Omit<DiscoverOptions, 'extensions' | 'skipFolders'> {
  endpoint: Endpoint;
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
  /** Sidecars and the run log go here, mirroring `outDir`, instead of beside the outputs. */
  stateDir?: string;
  nameTemplate?: string;
  /** Validated parameters (see buildParamSet). */
  params: ParamSet;
  client: Client;
  concurrency: number;
  ratePerMinute?: number;
  retries: number;
  /** Stop when no request has succeeded for this long while requests keep failing. Default 120 s. */
  giveUpAfterMs?: number;
  /** Larger answers are cut off and fail. Default DEFAULT_MAX_ANSWER_MB. */
  maxAnswerBytes?: number;
  /** Redo inputs even when their outputs are up to date. */
  overwrite?: boolean;
  /** List what would be sent; send and write nothing. */
  dryRun?: boolean;
  maxImages?: number;
  /** Take only this shard's inputs (`--shard I/N`); `ratePerMinute` is then shared by the N shards. */
  shard?: Shard;
  /** Compare the batch size with the account's available images first (off with --yes). */
  checkCredits?: boolean;
  /** Asked before a batch larger than `confirmOver`; false cancels the run. */
  confirm?: (count: number) => Promise<boolean>;
  confirmOver?: number;
  /** Convert inputs in formats the endpoint does not take (default true; --no-convert). */
  convert?: boolean;
  /** Scale down inputs over the endpoint's limits (--fit-inputs). */
  fitInputs?: boolean;
  /**
   * After the first pass, keep processing images added or changed in the input folders until
   * stopped. `start` starts the watcher (FolderWatch by default; tests give a scripted one).
   */
  watch?: { settleMs: number; start?: (options: WatchOptions) => Promise<Watch> };
  /** Aborting stops new work: Ctrl-C, or with a StopEvent as the reason (see stopRequested). */
  signal?: AbortSignal;
  timing?: BatchTiming;
}
