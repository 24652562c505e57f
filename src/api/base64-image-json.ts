/**
 * The image inside a `/v1/segment` JSON answer, `{"base64img": "<base64>"}`, decoded as the
 * answer streams in: memory stays near one network chunk whatever the image's size. The
 * JSON around base64img is checked as strictly as JSON.parse would, within a small budget.
 */

/** Anything wrong with the answer itself (not with the connection that brought it). */
export class Base64JsonError extends Error {
  override readonly name = 'Base64JsonError';
}

export interface Base64JsonOptions {
  /** The most image bytes to accept once decoded. */
  maxDecodedBytes: number;
}

/** Bytes the answer may hold besides base64img's value: other keys, their values, whitespace. */
export const OTHER_CONTENT_LIMIT = 64 * 1024;

const IMAGE_KEY = 'base64img';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_PADDING = /[^=]/;
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function describeByte(byte: number): string {
  return byte > 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

function notBase64(reason: string): Base64JsonError {
  return new Base64JsonError(`${IMAGE_KEY} is not valid base64: ${reason}`);
}

function notJson(reason: string): Base64JsonError {
  return new Base64JsonError(`the JSON answer is not valid JSON: ${reason}`);
}

/**
 * The characters of base64img's string, read run by run between JSON escapes and decoded a
 * chunk at a time, whole 4-character groups only; the rest waits for the next chunk.
 */
class Base64Text {
  /** Characters read since the last decode, in order. */
  private runs: string[] = [];
  /** Up to 3 characters of a group not yet complete at the last decode. */
  private pending = '';
  private padding = 0;
  /** The chunk ended just after a backslash. */
  private escapePending = false;

  /** Reads `chunk` from `from` (`base`: the answer's offset of the chunk): where the string ends, or -1. */
  read(chunk: Buffer, from: number, base: number): number {
    let i = from;
    if (this.escapePending) {
      this.escapePending = false;
      this.readEscape(chunk[i]!, base + i);
      i += 1;
    }
    const close = chunk.indexOf(QUOTE, i);
    const stop = close < 0 ? chunk.length : close;
    while (i < stop) {
      const backslash = chunk.indexOf(BACKSLASH, i);
      const runEnd = backslash < 0 || backslash > stop ? stop : backslash;
      this.addRun(chunk.toString('latin1', i, runEnd), base + i);
      if (runEnd === stop) break;
      i = runEnd + 1;
      if (i === chunk.length) {
        this.escapePending = true;
        return -1;
      }
      // An escaped quote lands here too, and is refused: it cannot end the string.
      this.readEscape(chunk[i]!, base + i);
      i += 1;
    }
    return close < 0 ? -1 : close + 1;
  }

  /** Line-broken base64 comes with `\n` or `\r\n` between lines, and some encoders write `\/`. */
  private readEscape(byte: number, at: number): void {
    const escaped = String.fromCharCode(byte);
    if (escaped === 'n' || escaped === 'r') return;
    if (escaped === '/') return this.addRun('/', at);
    throw notBase64(`it holds the JSON escape \\${escaped} at byte ${at - 1}; base64 needs none but \\/, \\n and \\r`);
  }

  private addRun(text: string, at: number): void {
    const bad = text.search(NOT_BASE64);
    if (bad >= 0) throw notBase64(`unexpected ${describeByte(text.charCodeAt(bad))} at byte ${at + bad}`);
    const paddingStart = this.padding > 0 ? 0 : text.indexOf('=');
    if (paddingStart < 0) {
      this.runs.push(text);
      return;
    }
    this.runs.push(text.slice(0, paddingStart));
    const padding = text.slice(paddingStart);
    const afterPadding = padding.search(NOT_PADDING);
    if (afterPadding >= 0)
      throw notBase64(`characters follow the '=' padding at byte ${at + paddingStart + afterPadding}`);
    const allowed = 2 - this.padding;
    if (padding.length > allowed) throw notBase64(`a third '=' at byte ${at + paddingStart + allowed}`);
    this.padding += padding.length;
  }

  /** The whole groups read so far, decoded. */
  takeDecoded(): Buffer | null {
    const text = this.pending + this.runs.join('');
    this.runs = [];
    const whole = text.length - (text.length % 4);
    this.pending = text.slice(whole);
    return whole > 0 ? Buffer.from(text.slice(0, whole), 'base64') : null;
  }

  /** At the closing quote: the last group, padded or not (RFC 4648 allows either). */
  finish(): Buffer[] {
    const whole = this.takeDecoded();
    const last = this.pending;
    if (this.padding > 0 && last.length + this.padding !== 4)
      throw notBase64(`the '=' padding does not complete a group`);
    if (last.length === 1) throw notBase64('it ends with a lone character, which no bytes encode to');
    return [whole, last ? Buffer.from(last, 'base64') : null].filter((piece) => piece !== null);
  }
}

type State =
  | 'beforeObject'
  | 'firstKey'
  | 'nextKey'
  | 'key'
  | 'afterKey'
  | 'beforeValue'
  | 'image'
  | 'otherValue'
  | 'afterValue'
  | 'afterObject';

type PunctuationState = 'beforeObject' | 'firstKey' | 'nextKey' | 'afterKey' | 'afterValue' | 'afterObject';

/** In these states only whitespace and these bytes may come, each leading to its state. */
const PUNCTUATION: Readonly<Record<PunctuationState, { expected: string; next: Readonly<Record<number, State>> }>> = {
  beforeObject: { expected: `'{'`, next: { 0x7b: 'firstKey' } },
  firstKey: { expected: `a key or '}'`, next: { [QUOTE]: 'key', 0x7d: 'afterObject' } },
  nextKey: { expected: 'a key', next: { [QUOTE]: 'key' } },
  afterKey: { expected: `':'`, next: { 0x3a: 'beforeValue' } },
  afterValue: { expected: `',' or '}'`, next: { 0x2c: 'nextKey', 0x7d: 'afterObject' } },
  afterObject: { expected: 'nothing after the object', next: {} },
};

/** The first byte of a string, object, array, number, true, false or null. */
const VALUE_START = /["{[\-0-9tfn]/;

/** How far a key, or a value other than base64img, has been read. */
interface TokenScan {
  bytes: number[];
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** A number, true, false or null: it ends at the byte after it. */
  scalar: boolean;
}

function startScan(byte: number): TokenScan {
  const inString = byte === QUOTE;
  const depth = byte === 0x7b || byte === 0x5b ? 1 : 0;
  return { bytes: [byte], depth, inString, escaped: false, scalar: !inString && depth === 0 };
}

/** Reads one more byte of a token; true once the token is whole (the byte included, unless it ends a scalar). */
function scanByte(scan: TokenScan, byte: number): boolean {
  if (scan.scalar) {
    if (JSON_WHITESPACE.has(byte) || byte === 0x2c || byte === 0x7d || byte === 0x5d) return true;
    scan.bytes.push(byte);
    return false;
  }
  scan.bytes.push(byte);
  if (scan.inString) {
    if (scan.escaped) scan.escaped = false;
    else if (byte === BACKSLASH) scan.escaped = true;
    else if (byte === QUOTE) scan.inString = false;
  } else if (byte === QUOTE) scan.inString = true;
  else if (byte === 0x7b || byte === 0x5b) scan.depth += 1;
  else if (byte === 0x7d || byte === 0x5d) scan.depth -= 1;
  return !scan.inString && scan.depth === 0;
}

/**
 * The JSON around base64img, byte by byte: keys and other values are gathered (within the
 * budget) and checked with JSON.parse; base64img's string goes to Base64Text a run at a time.
 */
class AnswerParser {
  private state: State = 'beforeObject';
  /** Bytes of the answer before the current chunk. */
  private consumed = 0;
  private otherBytes = 0;
  private token: TokenScan | null = null;
  private key = '';
  private image = new Base64Text();
  private imageDone = false;
  private decodedBytes = 0;

  constructor(private readonly maxDecodedBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    const pieces: (Buffer | null)[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state !== 'image') {
        if (this.step(this.state, chunk[i]!, this.consumed + i)) i = this.countOther(i);
        continue;
      }
      const end = this.image.read(chunk, i, this.consumed);
      if (end < 0) break;
      pieces.push(...this.image.finish());
      this.imageDone = true;
      this.state = 'afterValue';
      i = end;
    }
    if (this.state === 'image') pieces.push(this.image.takeDecoded());
    this.consumed += chunk.length;
    return pieces.filter((piece) => piece !== null).map((piece) => this.counted(piece));
  }

  end(): void {
    if (this.state !== 'afterObject') throw notJson(`it was cut short after ${this.consumed} bytes`);
    if (!this.imageDone) throw new Base64JsonError(`the JSON answer has no ${IMAGE_KEY}`);
  }

  private countOther(i: number): number {
    this.otherBytes += 1;
    if (this.otherBytes > OTHER_CONTENT_LIMIT) {
      throw new Base64JsonError(`the JSON answer holds more than ${OTHER_CONTENT_LIMIT} bytes besides ${IMAGE_KEY}`);
    }
    return i + 1;
  }

  private counted(piece: Buffer): Buffer {
    this.decodedBytes += piece.length;
    if (this.decodedBytes > this.maxDecodedBytes)
      throw new Base64JsonError(`the image in the answer exceeds ${this.maxDecodedBytes} bytes`);
    return piece;
  }

  /** Reads one byte outside base64img's string; false when the byte is left for the next state. */
  private step(state: Exclude<State, 'image'>, byte: number, at: number): boolean {
    if (state === 'key' || state === 'otherValue') return this.readToken(state, byte, at);
    if (JSON_WHITESPACE.has(byte)) return true;
    if (state === 'beforeValue') {
      this.startValue(byte, at);
      return true;
    }
    const { expected, next } = PUNCTUATION[state];
    const nextState = next[byte];
    if (!nextState) throw notJson(`unexpected ${describeByte(byte)} at byte ${at}, expected ${expected}`);
    if (nextState === 'key') this.token = startScan(byte);
    this.state = nextState;
    return true;
  }

  private startValue(byte: number, at: number): void {
    if (this.key === IMAGE_KEY) {
      if (this.imageDone) throw new Base64JsonError(`the JSON answer has ${IMAGE_KEY} twice (at byte ${at})`);
      if (byte !== QUOTE) throw new Base64JsonError(`${IMAGE_KEY} is not a string (at byte ${at})`);
      this.state = 'image';
      return;
    }
    if (!VALUE_START.test(String.fromCharCode(byte)))
      throw notJson(`unexpected ${describeByte(byte)} at byte ${at}, expected a value`);
    this.token = startScan(byte);
    this.state = 'otherValue';
  }

  /** A key, or a value other than base64img whatever its type: gathered whole, then checked. */
  private readToken(state: 'key' | 'otherValue', byte: number, at: number): boolean {
    const token = this.token!;
    if (!scanByte(token, byte)) return true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(token.bytes).toString('utf8'));
    } catch {
      const end = token.scalar ? at - 1 : at;
      throw notJson(`${state === 'key' ? 'the key' : 'the value'} ending at byte ${end} is malformed`);
    }
    this.token = null;
    if (state === 'key') this.key = parsed as string;
    this.state = state === 'key' ? 'afterKey' : 'afterValue';
    return !token.scalar;
  }
}

/**
 * Yields the image bytes of a `{"base64img": "..."}` answer as they arrive. Other keys may come
 * before or after it; the string may hold `\/`, and `\n` or `\r` between lines. Throws a
 * Base64JsonError when the answer is not such JSON, has no base64img or not a string there, is
 * not valid base64, was cut short, goes on after the object, or decodes to more than
 * `maxDecodedBytes`; errors of `body` itself pass through unchanged.
 */
export async function* decodeBase64ImageJson(
  body: AsyncIterable<Uint8Array>,
  options: Base64JsonOptions,
): AsyncGenerator<Buffer> {
  const parser = new AnswerParser(options.maxDecodedBytes);
  for await (const chunk of body) {
    yield* parser.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  parser.end();
}
