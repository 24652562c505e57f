/**
 * Reading an incoming API request: its multipart form or query string, split into the
 * image, uploaded files and parameter fields, then validated with the CLI's own table.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { buildParamSet, type BuildResult, type RawParam } from '../params/paramset.js';
import type { RequestHeaders } from '../params/rules.js';
import type { Endpoint, Method } from '../params/types.js';
import { paramByName } from '../params/table.js';

export interface UploadedFile {
  filename: string;
  size: number;
  contentType: string;
  bytes: Buffer;
}

export type FieldValue = string | UploadedFile;

/** The form fields or query parameters of a request, in the order they came. */
export type Fields = [name: string, value: FieldValue][];

export async function readMultipart(request: IncomingMessage, origin: string): Promise<Fields> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new Error('expected a multipart/form-data body');
  }
  // Node's web Request parses multipart; the emulator holds each request in memory.
  const web = new Request(`${origin}${request.url ?? '/'}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Readable.toWeb(request) as ReadableStream,
    duplex: 'half',
  });
  const form = await web.formData();
  const fields: Fields = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      fields.push([name, value]);
    } else {
      const bytes = Buffer.from(await value.arrayBuffer());
      fields.push([name, { filename: value.name, size: bytes.length, contentType: value.type, bytes }]);
    }
  }
  return fields;
}

export function queryFields(url: URL): Fields {
  return [...url.searchParams.entries()];
}

export interface ParsedRequest {
  /** The main image: an upload or a URL, by the endpoint's field name. */
  image?: FieldValue;
  /** Uploaded files that parameters name (`background.imageFile`, ...), by field name. */
  files: Map<string, UploadedFile>;
  validation: BuildResult;
}

const IMAGE_FIELDS: Readonly<Record<Endpoint, readonly string[]>> = {
  edit: ['imageFile', 'imageUrl'],
  segment: ['image_file'],
};

/** The API's own request headers (`pr-ai-shadows-model-version`...), each named as its source in messages. */
function prHeaders(headers: IncomingHttpHeaders): RequestHeaders {
  return Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string] => entry[0].startsWith('pr-') && typeof entry[1] === 'string')
      .map(([name, value]) => [name, { value, source: name }]),
  );
}

/** Validates a request's fields (and its model-version headers) with the same table, rules and messages as the CLI. */
export function parseRequest(
  endpoint: Endpoint,
  method: Method,
  fields: Fields,
  headers: IncomingHttpHeaders = {},
): ParsedRequest {
  let image: FieldValue | undefined;
  const files = new Map<string, UploadedFile>();
  const raws: RawParam[] = [];
  for (const [name, value] of fields) {
    if (IMAGE_FIELDS[endpoint].includes(name)) {
      image = value;
      continue;
    }
    if (typeof value !== 'string') files.set(name, value);
    const text = typeof value === 'string' ? value : value.filename;
    // A list comes as one field per value: they are read back as one comma-separated list.
    const earlier = paramByName(name)?.kind === 'urlList' ? raws.findIndex((raw) => raw.name === name) : -1;
    if (earlier >= 0) raws[earlier] = { ...raws[earlier]!, value: `${String(raws[earlier]!.value)},${text}` };
    // Unknown fields pass through: like the API, the emulator ignores them and says so.
    else raws.push({ name, value: text, source: name, passThrough: true });
  }
  const validation = buildParamSet(endpoint, raws, {
    method,
    hasInputImage: image !== undefined,
    headers: prHeaders(headers),
  });
  return { image, files, validation };
}
