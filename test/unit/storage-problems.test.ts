import { describe, expect, it } from 'vitest';
import { parseObjectUri, unsafeKeyReason } from '../../src/storage/location.js';
import { isPassing, storageProblem } from '../../src/storage/problems.js';
import { UserError } from '../../src/errors.js';

const aws = { region: 'us-east-1' };
const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('s3:// locations', () => {
  it('reads a bucket and a key, a prefix or nothing', () => {
    expect(parseObjectUri('s3://shop-photos/products/mug.jpg')).toEqual({
      bucket: 'shop-photos',
      key: 'products/mug.jpg',
    });
    expect(parseObjectUri('s3://shop-photos/products/')).toEqual({ bucket: 'shop-photos', key: 'products/' });
    expect(parseObjectUri('s3://shop-photos')).toEqual({ bucket: 'shop-photos', key: '' });
  });

  it.each([
    ['s3://', /no bucket named/],
    ['s3:///products', /no bucket named/],
    ['s3://ab/x', /not a bucket name/],
    ['s3://Shop/x', /not a bucket name/],
    ['s3://-shop/x', /not a bucket name/],
    ['s3://a..b/x', /not a bucket name/],
    ['S3://shop/x', /lower case/],
    ['s3://shop/a/../b.jpg', /'\.\.' segment/],
    ['s3://shop/../b.jpg', /'\.\.' segment/],
    ['s3://shop/./b.jpg', /'\.\.' segment/],
    ['s3://shop/a//b.jpg', /empty segment/],
  ])('refuses %s with a reason', (uri, reason) => {
    expect(() => parseObjectUri(uri)).toThrow(UserError);
    expect(() => parseObjectUri(uri)).toThrow(reason);
  });

  it('takes keys that only look odd: dots inside names, a trailing slash', () => {
    expect(unsafeKeyReason('a/..b/c...jpg')).toBeNull();
    expect(unsafeKeyReason('products/')).toBeNull();
  });
});

describe('storage problems in one line', () => {
  it('names a missing bucket and where it was looked for', () => {
    const problem = storageProblem(sdkError('NoSuchBucket', 404), { endpoint: 'http://127.0.0.1:9000' }, 'list');
    expect(problem).toMatchObject({ kind: 'no-bucket' });
    expect(problem.text).toContain('at http://127.0.0.1:9000');
  });

  it('says which permission a denied request needs', () => {
    expect(storageProblem(sdkError('AccessDenied', 403), aws, 'list').text).toContain('s3:ListBucket');
    expect(storageProblem(sdkError('Forbidden', 403), aws, 'read').text).toContain('s3:GetObject');
    expect(storageProblem(sdkError('AccessDenied', 403), aws, 'write').text).toContain('s3:PutObject');
  });

  it("names the bucket's own region from the answer's header", () => {
    const error = sdkError('PermanentRedirect', 301, {
      $response: { headers: { 'x-amz-bucket-region': 'eu-west-3' } },
    });
    expect(storageProblem(error, aws, 'list').text).toBe(
      'the bucket is in region eu-west-3, not us-east-1: set AWS_REGION=eu-west-3',
    );
  });

  it('tells an endpoint that does not answer from a refusal', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const problem = storageProblem(refused, { endpoint: 'http://127.0.0.1:9' }, 'list');
    expect(problem.kind).toBe('unreachable');
    expect(problem.text).toContain('http://127.0.0.1:9 does not answer (ECONNREFUSED)');
  });

  it('says how to give credentials when none are found', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(storageProblem(error, aws, 'list').text).toMatch(/AWS_ACCESS_KEY_ID.*AWS_PROFILE.*service account/);
  });

  it('tells refused credentials from missing permissions', () => {
    expect(storageProblem(sdkError('InvalidAccessKeyId', 403), aws, 'read').kind).toBe('credentials');
    expect(storageProblem(sdkError('SignatureDoesNotMatch', 403), aws, 'read').kind).toBe('credentials');
  });
});

describe('storage failures that name no code', () => {
  // A proxy's HTML error page has no S3 <Code>: the line gives the status once, not "HTTP 500 HTTP 500".
  it('give the status alone', () => {
    const failing = sdkError('Error', 500, { Code: '' });
    expect(storageProblem(failing, aws, 'read').text).toBe(
      'the storage is failing on its side (HTTP 500): try again later; a rerun resumes where this one stopped',
    );
    expect(storageProblem(sdkError('Error', 418, { Code: '', message: "I'm a teapot" }), aws, 'read').text).toBe(
      "the storage failed (HTTP 418): I'm a teapot",
    );
  });
});

describe('passing storage failures', () => {
  it('takes throttling, failures on the store side and a dropped connection as worth another try, refusals not', () => {
    const passing = [
      sdkError('SlowDown', 503),
      sdkError('InternalError', 500),
      sdkError('Unknown', 502),
      sdkError('TooManyRequests', 429),
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
    ];
    const refusals = [
      sdkError('AccessDenied', 403),
      sdkError('NoSuchBucket', 404),
      sdkError('NotImplemented', 501),
      sdkError('InvalidAccessKeyId', 403),
    ];
    expect(passing.map(isPassing)).toEqual(passing.map(() => true));
    expect(refusals.map(isPassing)).toEqual(refusals.map(() => false));
    expect(storageProblem(sdkError('SlowDown', 503), aws, 'write')).toEqual({
      kind: 'unavailable',
      text: expect.stringMatching(
        /^the storage is failing on its side \(HTTP 503 SlowDown\): try again later/,
      ) as unknown,
    });
  });
});
