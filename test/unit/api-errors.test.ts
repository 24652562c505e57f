import { describe, expect, it } from 'vitest';
import { endpointUrls } from '../../src/api/client.js';
import { apiErrorFromFailure, apiErrorFromResponse, messageFromBody } from '../../src/api/errors.js';

describe('the three error body shapes', () => {
  it('reads {error:{message}}, {error:{detail}} and {detail,status_code,type}', () => {
    expect(messageFromBody('{"error":{"message":"bad padding"}}')).toBe('bad padding');
    expect(messageFromBody('{"error":{"detail":"no credits"}}')).toBe('no credits');
    expect(messageFromBody('{"detail":"missing image_file","status_code":400,"type":"invalid_request_error"}')).toBe(
      'missing image_file',
    );
    expect(messageFromBody('')).toBeNull();
    expect(messageFromBody('<html>bad gateway</html>')).toBeNull();
  });

  it('describes an odd body or failure without throwing: a detail list without messages, a thrown null', () => {
    expect(messageFromBody('{"detail":[{"msg":"field required"},null,{"msg":7}]}')).toBe(
      'field required; null; {"msg":7}',
    );
    expect(apiErrorFromFailure(null).message).toBe('network error: null (ERROR)');
  });

  it('turns each into one ApiError with status, message and whether to retry', () => {
    const credits = apiErrorFromResponse(402, '{"error":{"detail":"no credits"}}');
    expect([credits.status, credits.message, credits.retryable, credits.refusesRun]).toEqual([
      402,
      'HTTP 402: no credits',
      false,
      true,
    ]);
    const key = apiErrorFromResponse(403, '');
    expect([key.message, key.retryable, key.refusesRun]).toEqual([
      'HTTP 403: the API key was refused (missing, wrong, or not allowed for this endpoint)',
      false,
      true,
    ]);
    const bad = apiErrorFromResponse(400, '{"detail":"channels: invalid","status_code":400,"type":"x"}');
    expect([bad.message, bad.retryable, bad.refusesRun]).toEqual(['HTTP 400: channels: invalid', false, false]);
    const limited = apiErrorFromResponse(429, '', '12');
    expect([limited.retryable, limited.retryAfter]).toEqual([true, '12']);
    for (const status of [500, 502, 503, 504]) expect(apiErrorFromResponse(status, '').retryable).toBe(true);
  });

  it('treats network failures and timeouts as retryable', () => {
    const reset = apiErrorFromFailure(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));
    expect([reset.kind, reset.retryable, reset.status]).toEqual(['network', true, 0]);
    const slow = apiErrorFromFailure(Object.assign(new Error('no answer for 1 s'), { code: 'HEADERS_TIMEOUT' }));
    expect([slow.kind, slow.retryable]).toEqual(['timeout', true]);
  });

  it("names a timeout by what it is, not by a DOMException's legacy number", async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    const timedOut = apiErrorFromFailure(signal.reason);
    expect([timedOut.kind, timedOut.message]).toEqual(['timeout', 'request timed out (TimeoutError)']);
  });
});

describe('endpoint hosts', () => {
  it('uses the Photoroom hosts by default', () => {
    expect(endpointUrls({})).toEqual({
      edit: 'https://image-api.photoroom.com/v2/edit',
      segment: 'https://sdk.photoroom.com/v1/segment',
      account: 'https://image-api.photoroom.com/v2/account',
    });
  });

  it('sends every endpoint to --base-url, and segment alone to --segment-url', () => {
    expect(endpointUrls({ baseUrl: 'http://127.0.0.1:9' }).segment).toBe('http://127.0.0.1:9/v1/segment');
    const split = endpointUrls({ baseUrl: 'http://127.0.0.1:9', segmentUrl: 'http://127.0.0.1:8' });
    expect([split.edit, split.segment]).toEqual(['http://127.0.0.1:9/v2/edit', 'http://127.0.0.1:8/v1/segment']);
  });
});
