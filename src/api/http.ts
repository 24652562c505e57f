/**
 * One HTTP request on Node's own client (node:http, node:https). Not undici: undici 7 kills
 * the process with an uncatchable assertion when a legal `Connection: close` answer ends
 * while its body waits to be read (nodejs/undici#5360); the fix is only in undici 8, which
 * needs a newer Node than the one this package supports.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { IDLE_TIMEOUT_CODES } from './errors.js';

/** Keep-alive connection pools, one per protocol, each of at most `maxSockets` connections per origin. */
export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
}

export function keepAliveAgents(maxSockets: number): HttpAgents {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
}

export function closeAgents(agents: HttpAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers?: OutgoingHttpHeaders;
  body?: Buffer | Readable;
  /** Node's global agents when absent. */
  agents?: HttpAgents;
  /** The longest the connection may stay silent: while the answer is awaited, or between its bytes. */
  idleTimeoutMs: number;
  /** Ends the request, or the reading of its answer, with the signal's reason. */
  signal?: AbortSignal;
}

function idleTimeout(waitingFor: keyof typeof IDLE_TIMEOUT_CODES, ms: number): Error {
  return Object.assign(
    new Error(`no ${waitingFor === 'headers' ? 'answer' : 'bytes of the answer'} for ${ms / 1000} s`),
    {
      code: IDLE_TIMEOUT_CODES[waitingFor],
    },
  );
}

/**
 * Sends the request; resolves with the answer once its status and headers are in, its body
 * still to be read. A failure of the request body (the error its stream ends with) rejects
 * with that very error.
 */
export function httpRequest(url: string, options: HttpRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const request = (secure ? https : http).request(target, {
      method: options.method,
      headers: options.headers,
      agent: options.agents?.[secure ? 'https' : 'http'],
    });
    let response: IncomingMessage | undefined;
    /** The request body's own failure: pipeline() aborts the request, which then fails as a mere hang-up. */
    let bodyError: Error | undefined;
    const end = (error: unknown) =>
      (response ?? request).destroy(error instanceof Error ? error : new Error(String(error)));
    const onAbort = () => end(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const released = () => options.signal?.removeEventListener('abort', onAbort);
    request.setTimeout(options.idleTimeoutMs, () =>
      end(idleTimeout(response ? 'body' : 'headers', options.idleTimeoutMs)),
    );
    request.on('error', (error) => {
      released();
      reject(bodyError ?? error);
    });
    request.on('response', (answer) => {
      response = answer;
      answer.on('close', released);
      resolve(answer);
    });
    if (options.signal?.aborted) onAbort();
    else if (options.body === undefined || Buffer.isBuffer(options.body)) request.end(options.body);
    else {
      options.body.once('error', (error: Error) => (bodyError = error));
      pipeline(options.body, request, () => {});
    }
  });
}
