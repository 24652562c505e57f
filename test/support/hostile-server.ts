/**
 * A stand-in for the API that lies, stalls, echoes the key or never stops: the answers our
 * own emulator never gives. Each request gets the next answer of a script (the last one
 * repeats); every request is recorded with its key and arrival time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HostileAnswer =
  /** 200 with these bytes (a real image by default) and headers. */
  | { kind: 'image'; body: Buffer; contentType?: string; headers?: Record<string, string> }
  /** 200 image/png with no bytes at all. */
  | { kind: 'empty' }
  /** 200 labelled image/png whose body is an HTML page (a captive portal, a proxy error). */
  | { kind: 'html-as-png' }
  /** 200 labelled image/png whose bytes are a JPEG. */
  | { kind: 'wrong-format'; jpeg: Buffer }
  /** 200 image/png that starts like a PNG and never ends. */
  | { kind: 'endless' }
  /** /v1/segment's documented JSON shape: `{"base64img": ...}`. */
  | { kind: 'segment-json'; body: Buffer }
  /** An error status whose body and `pr-*` header repeat the x-api-key it was sent. */
  | { kind: 'echo-key'; status: number }
  /** 200 with an image, and the key echoed in a `pr-*` header. */
  | { kind: 'echo-key-image'; body: Buffer }
  /** Any status, body and headers. */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Reads the request and never answers. */
  | { kind: 'stall' }
  /**
   * Quotes the first 8 characters of the x-api-key it was sent (not the whole key): in a
   * `pr-*` header of a 200 image when `image` is given, else in an error body and header.
   */
  | { kind: 'quote-key'; status: number; image?: Buffer }
  /**
   * 200 with `Connection: close` (a proxy, a load balancer): the headers in one write, the
   * body in a second a little later, then the end of the connection.
   */
  | { kind: 'close-in-two-writes'; body: Buffer }
  /** 200 image/png with a Content-Length, half the body, then the connection destroyed. */
  | { kind: 'cut-body'; body: Buffer }
  /** 200 with the first half of these bytes, its Content-Length saying so: a body that ends cleanly, holding half an image. */
  | { kind: 'truncated-image'; body: Buffer; contentType?: string }
  /** /v1/segment's JSON shape, whose base64img decodes to a PNG signature followed by junk. */
  | { kind: 'segment-json-signature-and-junk' };

export interface HostileRequest {
  method: string;
  path: string;
  apiKey: string;
  accept: string;
  /** Monotonic arrival time (ms). */
  at: number;
}

export interface HostileServer {
  url: string;
  requests: HostileRequest[];
  /** Requests to an image endpoint (not /v2/account). */
  imageRequests(): HostileRequest[];
  close(): Promise<void>;
}

const ACCOUNT = JSON.stringify({ images: { available: 1_000_000, subscription: 1_000_000 }, plan: 'hostile' });

function answer(response: ServerResponse, request: IncomingMessage, scripted: HostileAnswer): void {
  const key = String(request.headers['x-api-key'] ?? '');
  switch (scripted.kind) {
    case 'image':
      response.writeHead(200, {
        'content-type': scripted.contentType ?? 'image/png',
        'content-length': scripted.body.length,
        ...scripted.headers,
      });
      response.end(scripted.body);
      return;
    case 'empty':
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': 0 }).end();
      return;
    case 'html-as-png': {
      const page = '<!DOCTYPE html><html><body>Please log in to the network</body></html>';
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': Buffer.byteLength(page) }).end(page);
      return;
    }
    case 'wrong-format':
      response
        .writeHead(200, { 'content-type': 'image/png', 'content-length': scripted.jpeg.length })
        .end(scripted.jpeg);
      return;
    case 'endless': {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const chunk = Buffer.alloc(64 * 1024);
      const more = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', more);
      };
      response.on('close', () => response.removeAllListeners('drain'));
      more();
      return;
    }
    case 'segment-json': {
      const json = JSON.stringify({ base64img: scripted.body.toString('base64') });
      response
        .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
        .end(json);
      return;
    }
    case 'echo-key': {
      const body = JSON.stringify({
        error: { message: `invalid key ${key}`, detail: `key=${encodeURIComponent(key)}` },
      });
      response.writeHead(scripted.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'pr-debug-key': key,
      });
      response.end(body);
      return;
    }
    case 'echo-key-image':
      response.writeHead(200, {
        'content-type': 'image/png',
        'content-length': scripted.body.length,
        'pr-unsupported-attributes': `Unsupported attributes: ${key}`,
        'pr-texts-detected': JSON.stringify(key).slice(1, -1),
      });
      response.end(scripted.body);
      return;
    case 'status': {
      const body = scripted.body ?? '';
      response.writeHead(scripted.status, { 'content-length': Buffer.byteLength(body), ...scripted.headers }).end(body);
      return;
    }
    case 'stall':
      return;
    case 'quote-key': {
      const quoted = key.slice(0, 8);
      if (scripted.image) {
        response.writeHead(200, {
          'content-type': 'image/png',
          'content-length': scripted.image.length,
          'pr-texts-detected': `key ${quoted}...`,
        });
        response.end(scripted.image);
        return;
      }
      const body = JSON.stringify({ error: { message: `the key starting ${quoted} is not valid here` } });
      response.writeHead(scripted.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'pr-debug-key': quoted,
      });
      response.end(body);
      return;
    }
    case 'close-in-two-writes':
      response.writeHead(200, {
        'content-type': 'image/png',
        'content-length': scripted.body.length,
        connection: 'close',
      });
      response.flushHeaders();
      setTimeout(() => response.end(scripted.body), 5);
      return;
    case 'cut-body':
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': scripted.body.length });
      response.write(scripted.body.subarray(0, scripted.body.length >> 1), () => response.destroy());
      return;
    case 'truncated-image': {
      const half = scripted.body.subarray(0, Math.floor(scripted.body.length / 2));
      response
        .writeHead(200, { 'content-type': scripted.contentType ?? 'image/png', 'content-length': half.length })
        .end(half);
      return;
    }
    case 'segment-json-signature-and-junk': {
      const image = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.from('junk, not chunks: '.repeat(20)),
      ]);
      const json = JSON.stringify({ base64img: image.toString('base64') });
      response
        .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
        .end(json);
      return;
    }
  }
}

/** An answer for the image requests whose body holds `text` (an upload's `filename="p0.png"`), whatever their order. */
export interface AnswerByUpload {
  text: string;
  answer: HostileAnswer;
}

/**
 * Starts the server. `/v2/account` always answers plenty of credits (unless `account` is
 * scripted); image requests get `script[n]` in turn, the last one repeating, but for those
 * `byUpload` answers.
 */
export async function startHostileServer(
  script: readonly HostileAnswer[],
  options: { account?: HostileAnswer; byUpload?: AnswerByUpload } = {},
): Promise<HostileServer> {
  const requests: HostileRequest[] = [];
  let imageCount = 0;
  const server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      if (options.byUpload) body.push(chunk);
    });
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      requests.push({
        method: request.method ?? '',
        path,
        apiKey: String(request.headers['x-api-key'] ?? ''),
        accept: String(request.headers.accept ?? ''),
        at: performance.now(),
      });
      if (path === '/v2/account') {
        if (options.account) answer(response, request, options.account);
        else
          response
            .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ACCOUNT) })
            .end(ACCOUNT);
        return;
      }
      const { byUpload } = options;
      if (byUpload && Buffer.concat(body).includes(byUpload.text)) return answer(response, request, byUpload.answer);
      const scripted = script[Math.min(imageCount, script.length - 1)];
      imageCount += 1;
      if (scripted) answer(response, request, scripted);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    imageRequests: () => requests.filter((request) => request.path !== '/v2/account'),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
