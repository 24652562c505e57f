/** `--dry-run`: what a job would send, as an event with the equivalent curl command. */
import type { Field } from '../params/encode.js';
import { toQueryString } from '../params/encode.js';
import type { Endpoint } from '../params/types.js';
import { displayInput, displayPath } from '../paths.js';
import { curlCommand } from './curl.js';
import type { PlanEvent } from './events.js';
import { isUrlJob, type Job } from './jobs.js';

export interface PlanContext {
  endpoint: Endpoint;
  /** The endpoint's full URL. */
  url: string;
  fields: readonly Field[];
  /** The headers a real run sends beside the key (model versions). */
  headers: Readonly<Record<string, string>>;
  cwd: string;
}

export function planEvent(job: Job, { endpoint, url, fields, headers, cwd }: PlanContext): PlanEvent {
  const byUrl = isUrlJob(job);
  const method = endpoint === 'edit' && byUrl ? 'GET' : 'POST';
  const sent: Field[] = byUrl ? [['imageUrl', job.source], ...fields] : [...fields];
  // Files as the input is: relative to the working folder when inside it.
  const shown = sent.map(([name, value]): Field => [
    name,
    typeof value === 'string' ? value : { file: displayPath(cwd, value.file) },
  ]);
  const input = displayInput(cwd, job.source);
  const output = displayPath(cwd, job.outputPath);
  return {
    type: 'plan',
    input,
    output,
    method,
    url: byUrl ? `${url}?${toQueryString(job.source, fields)}` : url,
    fields: shown.map(([name, value]) => [name, typeof value === 'string' ? value : `@${value.file}`]),
    ...(Object.keys(headers).length > 0 && { headers: { ...headers } }),
    curl: curlCommand({
      method,
      url,
      headers,
      upload: byUrl
        ? undefined
        : job.object
          ? { field: endpoint === 'edit' ? 'imageFile' : 'image_file', object: job.source }
          : { field: endpoint === 'edit' ? 'imageFile' : 'image_file', file: input },
      fields: shown,
      outputPath: output,
    }),
  };
}
