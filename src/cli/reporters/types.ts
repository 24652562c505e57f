import type { BatchEvent } from '../../batch/events.js';
import type { OutputStream } from '../io.js';
import type { Preset } from '../../presets/types.js';
import type { Shard } from '../../inputs/shard.js';

export interface Reporter {
  onEvent(event: BatchEvent): void;
  /** Flush and stop the progress bar; called once at the end. */
  close(): void;
}

export interface ReporterOptions {
  /** --json: NDJSON on stdout. */
  json: boolean;
  /** --quiet: only failures, warnings and the summary (no notes). */
  quiet: boolean;
  /** --verbose: also retries with their reasons and delays, and skipped inputs. */
  verbose: boolean;
  /** false with --no-progress. */
  progress: boolean;
  /** The caller decides, usually with `shouldColor(stderr, env)`. */
  color: boolean;
  stdout: NodeJS.WritableStream;
  /** Runs a handler however the process exits (the progress bar restores the cursor); returns its release. */
  onExit: (handler: () => void) => () => void;
  stderr: OutputStream;
  /** `edit --preset`: the preset, for the summary's words on the outputs it would refuse. */
  preset?: Preset;
  /** --shard: the part of the inputs this run takes, named in the summary. */
  shard?: Shard;
}
