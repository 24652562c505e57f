/**
 * A fake API client for engine tests: each call is answered by a script, after a latency
 * on the fake clock. It records when each request started and ended (virtual ms) and how
 * many were in flight at once.
 */
import { Readable } from 'node:stream';
import type { AccountInfo, ApiResponse, Client, Upload } from '../../src/api/client.js';
import { apiErrorFromResponse } from '../../src/api/errors.js';
import type { Field } from '../../src/params/encode.js';
import { Redactor } from '../../src/secrets.js';
import type { FakeTiming } from './fake-time.js';

export interface FakeCall {
  /** Which endpoint method was called. */
  kind: 'editUpload' | 'editUrl' | 'segment';
  /** The uploaded file's path, or the image URL. */
  input: string;
  /** 1 for the first request of this input, 2 for its second... */
  attempt: number;
  startedAt: number;
  /** The uploaded bytes, when the engine kept them in memory (small files). */
  content?: Buffer;
}

export type FakeAnswer =
  | { status: number; headers?: Record<string, string>; body?: Buffer | string }
  /** Throws this instead of answering (a network fault). */
  | { error: Error };

export interface FakeClientOptions {
  timing: FakeTiming;
  answer(call: FakeCall): FakeAnswer;
  /** Virtual ms each request takes, or takes by call. */
  latencyMs?: number | ((call: FakeCall) => number);
  /** Asked as each request arrives: an answer given here comes at once (a rate limiter's 429). */
  refuse?(call: FakeCall): FakeAnswer | undefined;
  account?: () => AccountInfo | FakeAnswer;
}

export interface FakeClient extends Client {
  calls: FakeCall[];
  /** The most requests in flight at any moment. */
  maxInFlight: number;
  accountCalls: number;
}

export function createFakeClient(options: FakeClientOptions): FakeClient {
  const perInput = new Map<string, number>();
  let inFlight = 0;
  const calls: FakeCall[] = [];
  const client: FakeClient = {
    calls,
    maxInFlight: 0,
    accountCalls: 0,
    redactor: new Redactor(),
    headers: {},
    urls: {
      edit: 'https://fake.test/v2/edit',
      segment: 'https://fake.test/v1/segment',
      account: 'https://fake.test/v2/account',
    },
    editUpload: (image: Upload, _fields: readonly Field[]) =>
      respond('editUpload', image.path, image.content, image.onChunk),
    editUrl: (url: string, _fields: readonly Field[]) => respond('editUrl', url),
    segment: (image: Upload, _fields: readonly Field[]) => respond('segment', image.path, image.content, image.onChunk),
    account() {
      client.accountCalls += 1;
      const answer = options.account?.() ?? { plan: 'fake', images: { available: 1_000_000, subscription: 1_000_000 } };
      if ('plan' in answer) return Promise.resolve(answer);
      return Promise.reject(
        'error' in answer
          ? answer.error
          : apiErrorFromResponse(answer.status, String(answer.body ?? ''), answer.headers?.['retry-after']),
      );
    },
    close: async () => {},
  };

  async function respond(
    kind: FakeCall['kind'],
    input: string,
    content?: Buffer,
    onChunk?: Upload['onChunk'],
  ): Promise<ApiResponse> {
    // As the real client's upload does: the engine hashes what was sent.
    if (content) onChunk?.(content);
    const attempt = (perInput.get(input) ?? 0) + 1;
    perInput.set(input, attempt);
    const call = { kind, input, attempt, startedAt: options.timing.now(), content };
    calls.push(call);
    inFlight += 1;
    client.maxInFlight = Math.max(client.maxInFlight, inFlight);
    try {
      const refusal = options.refuse?.(call);
      const latency = typeof options.latencyMs === 'function' ? options.latencyMs(call) : options.latencyMs;
      if (!refusal) await options.timing.sleep(latency ?? 100);
      const answer = refusal ?? options.answer(call);
      if ('error' in answer) throw answer.error;
      const body = answer.body ?? '';
      if (answer.status >= 200 && answer.status < 300) {
        const headers = { 'content-length': String(Buffer.byteLength(body)), ...answer.headers };
        return { status: answer.status, headers, body: Readable.from([Buffer.from(body)]) };
      }
      throw apiErrorFromResponse(answer.status, String(body), answer.headers?.['retry-after']);
    } finally {
      inFlight -= 1;
    }
  }
  return client;
}
