/**
 * A loopback proxy between the CLI and Prism. It records what Prism made of each request
 * (status, `sl-violations`) and the field names sent, can steer Prism's answer with request
 * headers the CLI does not send (`Prefer: code=402`, another `Accept`), and gives a 2xx
 * answer a real image for a body: Prism's mock of a binary image is the text `string`.
 * Prism stays the judge of the request and of the answer's status, headers and shape.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { listenOnLoopback } from '../e2e/harness.js';

export interface Exchange {
  method: string;
  /** Path and query string, as the CLI sent them. */
  url: string;
  /** Form field names (multipart) or query keys, in the order sent. */
  fields: string[];
  /** Prism's answer. */
  status: number;
  /** Prism's `sl-violations`: why the request breaks the contract. */
  violations: string[];
}

export interface ContractProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** The body of every 2xx image answer (and of `base64img` in a JSON one). */
  image: Buffer;
  /** Request headers set on the way to Prism. */
  steer?: Record<string, string>;
}

function sentFields(url: string, headers: IncomingHttpHeaders, body: Buffer): string[] {
  if (!headers['content-type']?.startsWith('multipart/form-data')) {
    return [...new URL(url, 'http://x').searchParams.keys()];
  }
  const disposition = /^Content-Disposition: form-data; name="([^"]*)"/gim;
  return [...body.toString('latin1').matchAll(disposition)].map((match) => match[1]!);
}

function violationsOf(answer: IncomingMessage): string[] {
  const header = answer.headers['sl-violations'];
  if (typeof header !== 'string') return [];
  return (JSON.parse(header) as { message: string }[]).map((violation) => violation.message);
}

/** A 2xx body as a real service would send it: the image itself, or its base64. */
function realised(answer: IncomingMessage, body: Buffer, image: Buffer): Buffer {
  const status = answer.statusCode ?? 0;
  const type = answer.headers['content-type'] ?? '';
  if (status < 200 || status >= 300) return body;
  if (type.startsWith('image/')) return image;
  if (!type.startsWith('application/json')) return body;
  const json = JSON.parse(body.toString()) as Record<string, unknown>;
  return 'base64img' in json ? Buffer.from(JSON.stringify({ ...json, base64img: image.toString('base64') })) : body;
}

function forward(
  target: string,
  incoming: IncomingMessage,
  body: Buffer,
  steer: Record<string, string>,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(incoming.url ?? '/', target), {
      method: incoming.method,
      headers: { ...incoming.headers, ...steer },
    });
    outgoing.on('response', resolve).on('error', reject).end(body);
  });
}

export async function startProxy(target: string, options: ProxyOptions): Promise<ContractProxy> {
  const exchanges: Exchange[] = [];
  const server = createServer((incoming, response) => {
    void (async () => {
      const body = await buffer(incoming);
      const answer = await forward(target, incoming, body, options.steer ?? {});
      const answerBody = realised(answer, await buffer(answer), options.image);
      exchanges.push({
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        fields: sentFields(incoming.url ?? '', incoming.headers, body),
        status: answer.statusCode ?? 0,
        violations: violationsOf(answer),
      });
      response
        .writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': answerBody.length })
        .end(answerBody);
    })().catch((error: Error) => response.writeHead(502).end(`proxy: ${error.message}`));
  });
  return { ...(await listenOnLoopback(server)), exchanges };
}
