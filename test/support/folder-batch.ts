/** The batch most engine tests run: `edit` of the images in `root`/in to `root`/out, on a fake clock (or the real one) and a fake client (or a real one). */
import path from 'node:path';
import type { Client } from '../../src/api/client.js';
import { runBatch, type BatchOptions, type BatchRun } from '../../src/batch/run.js';
import { buildParamSet } from '../../src/params/paramset.js';
import type { FakeTiming } from './fake-time.js';
import { processHost } from '../../src/cli/io.js';

/** `options` replace the defaults, and `options.settings` the table's (two requests at a time, two retries, no credits check). */
export function editInToOut(
  root: string,
  client: Client,
  timing: FakeTiming | undefined,
  options: Partial<BatchOptions> = {},
): BatchRun {
  return runBatch({
    endpoint: 'edit',
    inputs: ['in'],
    cwd: root,
    outDir: path.join(root, 'out'),
    params: buildParamSet('edit', [], { hasInputImage: true }).params,
    client,
    host: processHost(),
    timing,
    ...options,
    settings: { concurrency: 2, retries: 2, yes: true, ...options.settings },
  });
}
