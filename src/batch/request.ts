/**
 * The request every input of a batch sends, but for the input itself: its encoded fields,
 * its signature (compared with a sidecar's to tell whether an output is up to date), and
 * why a URL input's GET would be refused before it is sent.
 */
import path from 'node:path';
import { encodeFields, toQueryString, type Field } from '../params/encode.js';
import { ENDPOINT_PATH } from '../params/endpoints.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';
import { hashFile } from '../store/hash.js';
import type { RequestSignature } from '../store/sidecar.js';
import { isUrlJob, type Job } from './jobs.js';

/** Most servers refuse a request line longer than about 8 KB. */
export const MAX_URL_BYTES = 8 * 1024;

export class BatchRequest {
  private constructor(
    private readonly endpoint: Endpoint,
    /** The URL a URL input's GET goes to. */
    private readonly editUrl: string,
    readonly fields: readonly Field[],
    private readonly signatureFields: RequestSignature['fields'],
  ) {}

  /** Relative file parameters are `cwd`'s, the run's working folder. */
  static async of(endpoint: Endpoint, params: ParamSet, editUrl: string, cwd: string): Promise<BatchRequest> {
    const fields = encodeFields(params, cwd);
    return new BatchRequest(endpoint, editUrl, fields, await signatureFieldsOf(fields));
  }

  signature(job: Job): RequestSignature {
    const method = this.endpoint === 'edit' && isUrlJob(job) ? 'GET' : 'POST';
    return { endpoint: ENDPOINT_PATH[this.endpoint], method, fields: this.signatureFields };
  }

  /** Why the API would refuse a job's request, before anything is sent. */
  refusal(job: Job): string | null {
    // A file parameter with a URL input is refused by the cross-field rules, with its own message.
    if (!isUrlJob(job)) return null;
    return getTooLong(this.editUrl, job.source, this.fields);
  }
}

/** Why a GET of `url` with `fields` in its query would be refused for its length, or null. */
export function getTooLong(editUrl: string, url: string, fields: readonly Field[]): string | null {
  if (fields.some(([, value]) => typeof value !== 'string')) return null;
  const bytes = Buffer.byteLength(`${editUrl}?${toQueryString(url, fields)}`);
  return bytes > MAX_URL_BYTES
    ? `the GET request would be ${bytes} bytes long, over the ~8 KB servers take; download the image and give the file instead (it is then uploaded by POST)`
    : null;
}

/** Local files named by parameters are part of the signature by content. */
function signatureFieldsOf(fields: readonly Field[]): Promise<RequestSignature['fields']> {
  return Promise.all(
    fields.map(async ([name, value]): Promise<RequestSignature['fields'][number]> =>
      typeof value === 'string'
        ? [name, value]
        : [name, { file: path.basename(value.file), sha256: await hashFile(value.file) }],
    ),
  );
}
