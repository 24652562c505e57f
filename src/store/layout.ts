/**
 * Where a batch keeps its records. By default each output's sidecar sits next to it and the
 * run log at the top of the output folder; with `--state-dir` both live in another folder
 * that mirrors the output folder, so that the output folder holds only images.
 */
import path from 'node:path';
import { relativeInside } from '../paths.js';
import { RUN_LOG_NAME } from './runlog.js';
import { SIDECAR_SUFFIX } from './sidecar.js';

export interface StateLayout {
  /** The output folder's real path. */
  readonly outDir: string;
  /** Where sidecars go: `outDir` itself, or the state folder. */
  readonly stateDir: string;
  /** The run log, on this machine: in the state folder (for a bucket output, a local folder of its own). */
  readonly runLogPath: string;
  /** The sidecar of an output (a path inside `outDir`). */
  sidecarOf(outputPath: string): string;
}

/** `runLogDir`: where the run log goes when not in the state folder (a bucket output's is local). */
export function stateLayout(outDir: string, stateDir: string = outDir, runLogDir: string = stateDir): StateLayout {
  return {
    outDir,
    stateDir,
    runLogPath: path.join(runLogDir, RUN_LOG_NAME),
    sidecarOf(outputPath) {
      if (stateDir === outDir) return `${outputPath}${SIDECAR_SUFFIX}`;
      const relative = relativeInside(outputPath, outDir);
      if (relative === null) throw new Error(`${outputPath} is not inside ${outDir}`);
      return `${path.join(stateDir, relative)}${SIDECAR_SUFFIX}`;
    },
  };
}
