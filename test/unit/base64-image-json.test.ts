import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64JsonError, decodeBase64ImageJson, OTHER_CONTENT_LIMIT } from '../../src/api/base64-image-json.js';

/** The body cut into pieces of these sizes (cycled), as plain Uint8Arrays like any stream's. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async iterable, as a response body is, with nothing to wait for
async function* chunked(
  body: string | Buffer,
  sizes: readonly number[] = [body.length || 1],
): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(body);
  for (let start = 0, n = 0; start < bytes.length; n += 1) {
    const end = start + sizes[n % sizes.length]!;
    yield new Uint8Array(bytes.subarray(start, end));
    start = end;
  }
}

async function decode(body: AsyncIterable<Uint8Array>, maxDecodedBytes = 1 << 20): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of decodeBase64ImageJson(body, { maxDecodedBytes })) pieces.push(piece);
  return Buffer.concat(pieces);
}

const decodeText = (body: string, maxDecodedBytes?: number) => decode(chunked(body), maxDecodedBytes);

/** How an encoder might have written the answer around the image. */
interface Answer {
  image: Uint8Array;
  before: [string, fc.JsonValue][];
  after: [string, fc.JsonValue][];
  /** Whitespace strings, cycled through every place JSON allows whitespace. */
  spaces: string[];
  /** Python's base64.encodebytes breaks lines every 76 characters; JSON shows them as \n. */
  lineLength: number | null;
  lineBreak: string;
  escapeSlashes: boolean;
  padded: boolean;
}

function encodeBase64(answer: Answer): string {
  let text = Buffer.from(answer.image).toString('base64');
  if (!answer.padded) text = text.replace(/=+$/, '');
  if (answer.lineLength !== null) {
    const lines = text.match(new RegExp(`.{1,${answer.lineLength}}`, 'g')) ?? [];
    text = lines.join(answer.lineBreak) + answer.lineBreak;
  }
  return answer.escapeSlashes ? text.replaceAll('/', '\\/') : text;
}

function render(answer: Answer): string {
  let n = 0;
  const space = () => answer.spaces[n++ % answer.spaces.length]!;
  const member = (key: string, value: string) => `${JSON.stringify(key)}${space()}:${space()}${value}`;
  const members = [
    ...answer.before.map(([key, value]) => member(key, JSON.stringify(value, null, space()))),
    member('base64img', `"${encodeBase64(answer)}"`),
    ...answer.after.map(([key, value]) => member(key, JSON.stringify(value, null, space()))),
  ];
  return `${space()}{${space()}${members.join(`${space()},${space()}`)}${space()}}${space()}`;
}

/** Any key and value, unicode and control characters included, split across chunks like the rest. */
const otherMembers = fc.array(
  fc.tuple(
    fc.string({ unit: 'binary' }).filter((key) => key !== 'base64img'),
    fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
  ),
  { maxLength: 3 },
);

const answers: fc.Arbitrary<Answer> = fc.record({
  image: fc.uint8Array({ maxLength: 3000 }),
  before: otherMembers,
  after: otherMembers,
  spaces: fc.array(fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 }), {
    minLength: 1,
    maxLength: 5,
  }),
  lineLength: fc.option(fc.integer({ min: 1, max: 100 })),
  lineBreak: fc.constantFrom('\\n', '\\r\\n'),
  escapeSlashes: fc.boolean(),
  padded: fc.boolean(),
});

const chunkSizes = fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 8 });

async function failureOf(body: AsyncIterable<Uint8Array>, maxDecodedBytes?: number): Promise<Error> {
  const error = await decode(body, maxDecodedBytes).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Base64JsonError);
  return error as Error;
}

/** The distinct messages the body fails with, read whole and a byte at a time: the same one. */
async function messagesOf(body: string): Promise<string[]> {
  const whole = await failureOf(chunked(body));
  const byteByByte = await failureOf(chunked(body, [1]));
  return [...new Set([whole.message, byteByByte.message])];
}

describe('decodeBase64ImageJson: what any encoder may write', () => {
  it('yields the image, whatever the chunking, whitespace, line breaks, escapes and other keys', async () => {
    await fc.assert(
      fc.asyncProperty(answers, chunkSizes, async (answer, sizes) => {
        const decoded = await decode(chunked(render(answer), sizes), answer.image.length);
        expect(decoded.equals(Buffer.from(answer.image))).toBe(true);
      }),
    );
  });

  it('reads a key written with JSON escapes as the key it spells', async () => {
    expect((await decodeText('{"base64\\u0069mg": "aGk="}')).toString()).toBe('hi');
  });

  it('streams: yields before the answer has all arrived, one piece per chunk', async () => {
    const image = Buffer.alloc(300_000, 7);
    const body = Buffer.from(`{"base64img":"${image.toString('base64')}"}`);
    let chunksRead = 0;
    async function* counted() {
      for await (const chunk of chunked(body, [16_384])) {
        chunksRead += 1;
        yield chunk;
      }
    }
    const seenAt: number[] = [];
    for await (const piece of decodeBase64ImageJson(counted(), { maxDecodedBytes: image.length })) {
      seenAt.push(chunksRead);
      expect(piece.length).toBeLessThanOrEqual(16_384);
    }
    expect(seenAt[0]).toBe(1);
    expect(seenAt.length).toBeGreaterThan(20);
  });
});

describe('decodeBase64ImageJson: answers it refuses', () => {
  it('refuses every answer cut short, wherever it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        answers,
        chunkSizes,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (answer, sizes, where) => {
          const body = render(answer);
          const cut = Math.floor(where * (body.lastIndexOf('}') + 1));
          const error = await failureOf(chunked(body.slice(0, cut), sizes));
          expect(error.message).toBe(
            `the JSON answer is not valid JSON: it was cut short after ${Buffer.byteLength(body.slice(0, cut))} bytes`,
          );
        },
      ),
    );
  });

  it('refuses anything but whitespace after the object', async () => {
    await fc.assert(
      fc.asyncProperty(answers, fc.constantFrom('x', '{}', ',', '"', '0'), async (answer, garbage) => {
        const error = await failureOf(chunked(`${render(answer)}${garbage}`));
        expect(error.message).toMatch(
          /^the JSON answer is not valid JSON: unexpected .* at byte \d+, expected nothing after the object$/,
        );
      }),
    );
  });

  it('refuses an image one byte over maxDecodedBytes, mid-stream', async () => {
    await fc.assert(
      fc.asyncProperty(
        answers.filter((answer) => answer.image.length > 0),
        chunkSizes,
        async (answer, sizes) => {
          const max = answer.image.length - 1;
          const error = await failureOf(chunked(render(answer), sizes), max);
          expect(error.message).toBe(`the image in the answer exceeds ${max} bytes`);
        },
      ),
    );
  });

  it.each([
    ['{}', 'the JSON answer has no base64img'],
    ['{"image": "aGk="}', 'the JSON answer has no base64img'],
    ['{"base64img": 12}', 'base64img is not a string (at byte 14)'],
    ['{"base64img": null}', 'base64img is not a string (at byte 14)'],
    ['{"base64img": ["aGk="]}', 'base64img is not a string (at byte 14)'],
    ['{"base64img": "aGk=", "base64img": "aGk="}', 'the JSON answer has base64img twice (at byte 35)'],
  ])('%s: %s', async (body, message) => {
    expect(await messagesOf(body)).toEqual([message]);
  });

  it.each([
    ['{"base64img": "aG!k"}', `unexpected '!' at byte 17`],
    ['{"base64img": "aG k="}', 'unexpected byte 0x20 at byte 17'],
    ['{"base64img": "aG-_"}', `unexpected '-' at byte 17`],
    ['{"base64img": "data:image/png;base64,aGk="}', `unexpected ':' at byte 19`],
    ['{"base64img": "aGk=aGk="}', `characters follow the '=' padding at byte 19`],
    ['{"base64img": "aG==="}', `a third '=' at byte 19`],
    ['{"base64img": "aGk=="}', `the '=' padding does not complete a group`],
    ['{"base64img": "aGlhY"}', 'it ends with a lone character, which no bytes encode to'],
    ['{"base64img": "aG\\tk="}', 'it holds the JSON escape \\t at byte 17; base64 needs none but \\/, \\n and \\r'],
    ['{"base64img": "aG\\u0041k="}', 'it holds the JSON escape \\u at byte 17; base64 needs none but \\/, \\n and \\r'],
    ['{"base64img": "aGk=\\"}', 'it holds the JSON escape \\" at byte 19; base64 needs none but \\/, \\n and \\r'],
  ])('%s: not valid base64, %s', async (body, reason) => {
    expect(await messagesOf(body)).toEqual([`base64img is not valid base64: ${reason}`]);
  });

  it.each([
    ['', 'it was cut short after 0 bytes'],
    ['[]', `unexpected '[' at byte 0, expected '{'`],
    ['{base64img: "aGk="}', `unexpected 'b' at byte 1, expected a key or '}'`],
    ['{"base64img" "aGk="}', `unexpected '"' at byte 13, expected ':'`],
    ['{"base64img": "aGk=",}', `unexpected '}' at byte 21, expected a key`],
    ['{"base64img": "aGk=" "a": 1}', `unexpected '"' at byte 21, expected ',' or '}'`],
    ['{"a": , "base64img": "aGk="}', `unexpected ',' at byte 6, expected a value`],
    ['{"a": tru, "base64img": "aGk="}', 'the value ending at byte 8 is malformed'],
    ['{"a": [1, 2}, "base64img": "aGk="}', 'the value ending at byte 11 is malformed'],
    ['{"a\u0001": 1, "base64img": "aGk="}', 'the key ending at byte 4 is malformed'],
  ])('%j: not valid JSON, %s', async (body, reason) => {
    expect(await messagesOf(body)).toEqual([`the JSON answer is not valid JSON: ${reason}`]);
  });

  it(`refuses more than ${OTHER_CONTENT_LIMIT} bytes besides base64img, and takes a little less`, async () => {
    const padded = (size: number) => `{"note": "${'x'.repeat(size)}", "base64img": "aGk="}`;
    expect((await decodeText(padded(OTHER_CONTENT_LIMIT - 100))).toString()).toBe('hi');
    const error = await failureOf(chunked(padded(OTHER_CONTENT_LIMIT)));
    expect(error.message).toBe(`the JSON answer holds more than ${OTHER_CONTENT_LIMIT} bytes besides base64img`);
  });

  it("passes the body's own errors through unchanged", async () => {
    const reset = new Error('socket hang up');
    // eslint-disable-next-line @typescript-eslint/require-await -- an async iterable, as a response body is, with nothing to wait for
    async function* failing() {
      yield new Uint8Array(Buffer.from('{"base64img": "aGk'));
      throw reset;
    }
    await expect(decode(failing())).rejects.toBe(reset);
  });
});
