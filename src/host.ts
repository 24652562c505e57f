/**
 * What a run takes from the process it runs in. Below cli/ nothing reads `process` or
 * `node:os` (eslint.config.js): cli/io.ts reads them into a `Host`, and a library user or a
 * test passes one of their own, so that runs sharing a process each keep to theirs.
 */
export interface Host {
  /** Where the run makes its temporary folders (the environment's TMPDIR). */
  readonly tmpdir: string;
  /** This machine's name and this process's id: temporary file names record their writer (store/outputs.ts). */
  readonly hostname: string;
  readonly pid: number;
  /** Whether process `pid` of this machine still runs: a temporary file whose writer is gone is stale (store/cleanup.ts). */
  isRunning(pid: number): boolean;
  /** How many images this process may decode at once (`photoroom check`): the cores it may use. */
  readonly cores: number;
  /** The runtime as the user agent names it: `node/20.11.0`. */
  readonly runtime: string;
}

/** The part of a `Host` that names who writes a temporary file. */
export type TemporaryWriter = Pick<Host, 'hostname' | 'pid'>;
