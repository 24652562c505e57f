/**
 * One input through the API and onto disk: pick the request for the input, stream the
 * answer into its output file atomically.
 */
import type { Client } from '../api/client.js';
import { encodeFields } from '../params/encode.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';
import { writeAtomically, type WrittenFile } from '../store/outputs.js';
import type { InputRef } from './plan.js';

export interface Job {
  input: InputRef;
  outputPath: string;
}

export interface JobResult {
  status: number;
  headers: Record<string, string>;
  output: WrittenFile;
  ms: number;
}

export async function executeJob(client: Client, endpoint: Endpoint, job: Job, params: ParamSet): Promise<JobResult> {
  const started = performance.now();
  const fields = encodeFields(params);
  const { input } = job;
  const response =
    endpoint === 'segment'
      ? await client.segment(input.kind === 'file' ? input.path : input.url, fields)
      : input.kind === 'url'
        ? await client.editUrl(input.url, fields)
        : await client.editUpload(input.path, fields);
  const output = await writeAtomically(job.outputPath, response.body);
  return { status: response.status, headers: response.headers, output, ms: performance.now() - started };
}
