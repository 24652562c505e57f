/**
 * Whether bytes hold a whole image, told by walking its format's structure as the bytes
 * pass: PNG's chunks up to IEND, JPEG's segments and scans up to its end-of-image marker,
 * WebP's chunks up to the length its RIFF header announces, GIF's blocks up to its
 * trailer, and the top-level boxes of AVIF and HEIF (ISO-BMFF). Lengths are followed, not
 * searched for, so junk after a cut chunk is caught, not only a missing last marker. Memory
 * stays a few bytes (an AVIF's `iloc` box: at most 64 KB) whatever the image's size. One definition of "whole" for the answers
 * (api/answer.ts) and for files still being written (`--watch`).
 */
import { commonImageType, SIGNATURE_BYTES } from './signature.js';

/** Whole, or why not (`problem`); `format` is null when the bytes are of no format told here. */
export interface Wholeness {
  format: string | null;
  problem: string | null;
}

/**
 * What a walk needs next, and what is missing if the bytes stop there (`cut`, else the
 * format's). A walk is resumed with the bytes of a `take`, the last byte of a `scan`.
 */
type Step =
  /** The next `take` bytes (a few). `endHere`: what an end just before them means (null: whole), when not `cut`. */
  | { take: number; endHere?: string | null; cut?: string }
  | { skip: number; cut?: string }
  /** Bytes go to `scan` until it returns where what it looks for ends (-1: not yet). */
  | { scan: (bytes: Buffer) => number; cut?: string };

/** Every byte to the end goes to `rest`; `verdict` then judges them. */
interface Rest {
  rest: (bytes: Buffer) => void;
  verdict: () => string | null;
}

/**
 * A format's walk. It returns once the image has ended: with the problem any further byte
 * would be, or the `Rest` that judges what follows.
 */
type Walk = Generator<Step, string | Rest, Buffer>;

interface Format {
  name: string;
  /** What a stream that stops before the walk is done lacks, unless the step says. */
  cut: string;
  walk: () => Walk;
}

/** Thrown by a walk: the bytes contradict the format's structure. */
class Broken extends Error {}

const NOTHING = Buffer.alloc(0);

export class ImageEndCheck {
  /** The first bytes, held until the format can be told. */
  private head: Buffer | null = NOTHING;
  private received = 0;
  private format: Format | null = null;
  private walk: Walk | null = null;
  private step: Step | Rest | null = null;
  /** Bytes gathered for a `take`, or the ones a `skip` still passes over. */
  private gathered = NOTHING;
  private toSkip = 0;
  /** Set once the walk has returned: the problem with any further byte. */
  private afterEnd: string | null = null;
  private problem: string | null = null;
  /** The image's own end was met: any problem since is in bytes after it. */
  private ended = false;

  /** Follows `bytes` (not kept: the caller may reuse its buffer). */
  push(bytes: Buffer): void {
    this.received += bytes.length;
    if (this.head === null) {
      if (this.format) this.follow(bytes);
      return;
    }
    this.head = Buffer.concat([this.head, bytes]);
    if (this.head.length >= SIGNATURE_BYTES) this.start();
  }

  /** Whether more bytes can no longer change the verdict: a format not told here, or a problem found. */
  get decided(): boolean {
    return (this.head === null && this.format === null) || this.problem !== null;
  }

  /**
   * Whole, or why not. `trailing`: what bytes after the image's end are. An answer's are a
   * problem (`refused`, the default: an image the API sends ends where its format says). An
   * input's are `allowed`: a phone's motion photo or maker trailer follows its JPEG's end, and
   * every decoder stops there; what matters of an input is that it is not cut short.
   */
  verdict(trailing: 'refused' | 'allowed' = 'refused'): Wholeness {
    if (this.head !== null) this.start();
    if (!this.format)
      return { format: null, problem: this.received < SIGNATURE_BYTES ? 'it is too short to tell what it is' : null };
    if (trailing === 'allowed' && this.ended) return { format: this.format.name, problem: null };
    return { format: this.format.name, problem: this.problem ?? this.endProblem(this.step, this.format) };
  }

  private start(): void {
    const head = this.head!;
    this.head = null;
    this.format = formatOf(head);
    if (!this.format) return;
    this.walk = this.format.walk();
    this.advance(NOTHING);
    this.follow(head);
  }

  /** The problem with a stream that ends while `step` waits. */
  private endProblem(step: Step | Rest | null, format: Format): string | null {
    if (step === null) return null;
    if ('rest' in step) return step.verdict();
    if ('take' in step && step.endHere !== undefined && this.gathered.length === 0) return step.endHere;
    return step.cut ?? format.cut;
  }

  private follow(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length && this.problem === null) {
      const step = this.step;
      if (step === null) {
        this.problem = this.afterEnd;
      } else if ('take' in step) {
        const piece = bytes.subarray(at, at + step.take - this.gathered.length);
        this.gathered = Buffer.concat([this.gathered, piece]);
        at += piece.length;
        if (this.gathered.length === step.take) this.advance(this.gathered);
      } else if ('skip' in step) {
        const passed = Math.min(this.toSkip, bytes.length - at);
        this.toSkip -= passed;
        at += passed;
        if (this.toSkip === 0) this.advance(NOTHING);
      } else if ('scan' in step) {
        const found = step.scan(bytes.subarray(at));
        at = found < 0 ? bytes.length : at + found;
        if (found >= 0) this.advance(bytes.subarray(at - 1, at));
      } else {
        step.rest(bytes.subarray(at));
        at = bytes.length;
      }
    }
  }

  /** Resumes the walk with `bytes`, up to its next step that needs any. */
  private advance(bytes: Buffer): void {
    this.gathered = NOTHING;
    try {
      let next = this.walk!.next(bytes);
      while (!next.done && needsNothing(next.value)) next = this.walk!.next(NOTHING);
      if (next.done) {
        this.ended = true;
        if (typeof next.value === 'string') this.afterEnd = next.value;
        this.step = typeof next.value === 'string' ? null : next.value;
        return;
      }
      this.step = next.value;
      if ('skip' in this.step) this.toSkip = this.step.skip;
    } catch (error) {
      if (!(error instanceof Broken)) throw error;
      this.step = null;
      this.problem = error.message;
    }
  }
}

function needsNothing(step: Step): boolean {
  return ('skip' in step && step.skip === 0) || ('take' in step && step.take === 0);
}

function ascii(bytes: Buffer, from: number, to: number): string {
  return bytes.toString('latin1', from, to);
}

function formatOf(head: Buffer): Format | null {
  const common = commonImageType(head);
  if (common) return FORMATS[common];
  if (ascii(head, 0, 4) === 'GIF8') return FORMATS.gif;
  if (head.length >= SIGNATURE_BYTES && ascii(head, 4, 8) === 'ftyp')
    return isoBmff(ascii(head, 8, 11) === 'avi' ? 'AVIF' : 'HEIF');
  return null;
}

const FORMATS = {
  png: { name: 'PNG', cut: 'it ends before IEND', walk: pngWalk },
  jpeg: { name: 'JPEG', cut: 'it ends before its end-of-image marker (FF D9)', walk: jpegWalk },
  webp: { name: 'WebP', cut: 'it ends inside its RIFF header', walk: webpWalk },
  gif: { name: 'GIF', cut: 'it ends before its trailer', walk: gifWalk },
} as const satisfies Record<string, Format>;

function isoBmff(name: string): Format {
  return { name, cut: 'it ends inside a box', walk: isoBmffWalk };
}

const CHUNK_TYPE = /^[A-Za-z]{4}$/;

/** Signature, then chunks (length, type, data, CRC), IHDR first, IEND last. */
function* pngWalk(): Walk {
  let at = 8;
  yield { skip: 8 };
  for (let first = true; ; first = false) {
    const header = yield { take: 8 };
    const length = header.readUInt32BE(0);
    const type = ascii(header, 4, 8);
    if (!CHUNK_TYPE.test(type) || length > 0x7fffffff) throw new Broken(`its chunks are broken at byte ${at}`);
    if (first && type !== 'IHDR') throw new Broken('it does not start with IHDR');
    yield { skip: length + 4 };
    at += 12 + length;
    if (type === 'IEND') return `bytes follow its IEND chunk`;
  }
}

const RESTART_MARKERS = { first: 0xd0, last: 0xd7 };
const EOI = 0xd9;
const SOS = 0xda;

/**
 * SOI, then segments (marker, length, data), each scan followed by its entropy-coded data,
 * up to EOI. After EOI only zero padding or more images (a camera's MPF, an Ultra HDR gain
 * map) may follow, and those must end with EOI too.
 */
function* jpegWalk(): Walk {
  yield { skip: 2 };
  let marker = yield* jpegMarker();
  for (;;) {
    if (marker === EOI) return jpegTrailer();
    if ((marker >= RESTART_MARKERS.first && marker <= RESTART_MARKERS.last) || marker === 0x01) {
      marker = yield* jpegMarker();
      continue;
    }
    const length = (yield { take: 2 }).readUInt16BE(0);
    if (length < 2) throw new Broken(`its segment FF ${marker.toString(16).toUpperCase()} has a length of ${length}`);
    yield { skip: length - 2 };
    if (marker !== SOS) {
      marker = yield* jpegMarker();
      continue;
    }
    marker = (yield { scan: entropyScan() })[0]!;
  }
}

/** The next marker: FF (any fill FFs), then its code. */
function* jpegMarker(): Generator<Step, number, Buffer> {
  if ((yield { take: 1 })[0] !== 0xff) throw new Broken('its segments are broken: a marker was expected');
  for (;;) {
    const code = (yield { take: 1 })[0]!;
    if (code !== 0xff) return code;
  }
}

/**
 * A scanner through entropy-coded data, which ends at the code of the first marker other
 * than a stuffed `FF 00` or a restart marker.
 */
function entropyScan(): (bytes: Buffer) => number {
  let afterFF = false;
  return (bytes) => {
    let at = 0;
    while (at < bytes.length) {
      if (!afterFF) {
        const ff = bytes.indexOf(0xff, at);
        if (ff < 0) return -1;
        at = ff + 1;
        afterFF = true;
        continue;
      }
      const code = bytes[at++]!;
      if (code === 0xff) continue;
      afterFF = false;
      if (code !== 0x00 && (code < RESTART_MARKERS.first || code > RESTART_MARKERS.last)) return at;
    }
    return -1;
  };
}

/** The bytes after EOI: whole when none but zeros follow, or what follows ends with EOI too. */
function jpegTrailer(): Rest {
  let ending = [0xff, EOI];
  let lastByte = EOI;
  return {
    rest: (bytes) => {
      let last = bytes.length - 1;
      while (last >= 0 && bytes[last] === 0) last -= 1;
      if (last >= 0) ending = [last > 0 ? bytes[last - 1]! : lastByte, bytes[last]!];
      if (bytes.length > 0) lastByte = bytes[bytes.length - 1]!;
    },
    verdict: () =>
      ending[0] === 0xff && ending[1] === EOI ? null : 'bytes after its end-of-image marker do not end with another',
  };
}

/** `RIFF`, the length of what follows, `WEBP`, then chunks (each padded to an even length) filling that length exactly. */
function* webpWalk(): Walk {
  const header = yield { take: 12 };
  const total = header.readUInt32LE(4) + 8;
  const cut = `it ends before the ${total} bytes its RIFF header announces`;
  let at = 12;
  while (at < total) {
    const chunk = yield { take: 8, cut };
    const size = chunk.readUInt32LE(4);
    // The last chunk's padding byte is sometimes left out (and left out of the RIFF length).
    const padded = at + 8 + size + (size % 2) <= total ? size + (size % 2) : size;
    if (at + 8 + padded > total)
      throw new Broken(`its ${ascii(chunk, 0, 4)} chunk runs past the ${total} bytes its RIFF header announces`);
    yield { skip: padded, cut };
    at += 8 + padded;
  }
  return `it goes on past the ${total} bytes its RIFF header announces`;
}

/** A colour table's bytes, from a packed field's low bits (when its high bit says there is one). */
function colorTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}

/** Header, screen descriptor and its colour table, then extensions and images (sub-blocks ending in a 0), then the trailer `3B`. */
function* gifWalk(): Walk {
  const screen = yield { take: 13 };
  yield { skip: colorTableBytes(screen[10]!) };
  for (;;) {
    const introducer = (yield { take: 1 })[0];
    if (introducer === 0x3b) return 'bytes follow its trailer';
    if (introducer === 0x21) {
      yield { skip: 1 };
    } else if (introducer === 0x2c) {
      const descriptor = yield { take: 9 };
      yield { skip: colorTableBytes(descriptor[8]!) + 1 };
    } else {
      throw new Broken('its blocks are broken');
    }
    for (let size = (yield { take: 1 })[0]!; size > 0; size = (yield { take: 1 })[0]!) yield { skip: size };
  }
}

/** The most bytes of an `iloc` box read (it lists where each item's data lies: tens of bytes per item). */
const ILOC_LIMIT = 64 * 1024;

/**
 * Boxes (32-bit size and type; size 1: a 64-bit size follows; size 0: to the end), `ftyp`
 * first, their sizes adding up to exactly the bytes there are; a `meta` box (or a
 * sequence's `moov`), and every byte of the image data its `iloc` locates.
 */
function* isoBmffWalk(): Walk {
  let at = 0;
  let described = false;
  let dataEnd = 0;
  const missing = (end: number) =>
    !described
      ? 'it ends before its meta box'
      : dataEnd > end
        ? `it ends before the ${dataEnd} bytes of image data its meta box locates`
        : null;
  for (;;) {
    const box = yield* boxHeader(at, at === 0 ? undefined : missing(at));
    if (box.size === 0) {
      let end = at + box.headerBytes;
      return { rest: (bytes) => (end += bytes.length), verdict: () => missing(end) };
    }
    described ||= box.type === 'meta' || box.type === 'moov';
    if (box.type === 'meta')
      dataEnd = Math.max(dataEnd, yield* metaDataEnd(at + box.headerBytes, box.size - box.headerBytes));
    else yield { skip: box.size - box.headerBytes };
    at += box.size;
  }
}

interface BoxHeader {
  type: string;
  /** Header included; 0: to the end. */
  size: number;
  headerBytes: number;
}

function* boxHeader(at: number, endHere?: string | null): Generator<Step, BoxHeader, Buffer> {
  const header = yield { take: 8, ...(endHere !== undefined && { endHere }) };
  const type = ascii(header, 4, 8);
  const size = header.readUInt32BE(0);
  if (size !== 1) {
    if (size !== 0 && size < 8) throw new Broken(`its ${type} box at byte ${at} has a size of ${size}`);
    return { type, size, headerBytes: 8 };
  }
  const large = Number((yield { take: 8 }).readBigUInt64BE(0));
  if (large < 16) throw new Broken(`its ${type} box at byte ${at} has a size of ${large}`);
  return { type, size: large, headerBytes: 16 };
}

/** The boxes in a `meta` box (version and flags first): where the data its `iloc` locates ends, 0 if unknown. */
function* metaDataEnd(start: number, bodySize: number): Generator<Step, number, Buffer> {
  yield { skip: 4 };
  let inside = 4;
  let dataEnd = 0;
  while (inside < bodySize) {
    const box = yield* boxHeader(start + inside);
    if (box.size === 0 || inside + box.size > bodySize)
      throw new Broken(`its ${box.type} box at byte ${start + inside} runs past its meta box`);
    const body = box.size - box.headerBytes;
    if (box.type === 'iloc' && body <= ILOC_LIMIT) dataEnd = ilocDataEnd(yield { take: body });
    else yield { skip: body };
    inside += box.size;
  }
  return dataEnd;
}

/** Where the last byte that `iloc` (ISO/IEC 14496-12, 8.11.3) places in the file lies. */
function ilocDataEnd(iloc: Buffer): number {
  let at = 0;
  const read = (bytes: number): number => {
    if (at + bytes > iloc.length) throw new Broken('its iloc box is cut short');
    const value = bytes === 0 ? 0 : bytes === 8 ? Number(iloc.readBigUInt64BE(at)) : iloc.readUIntBE(at, bytes);
    at += bytes;
    return value;
  };
  const version = read(1);
  read(3);
  const sizes = read(1);
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 0x0f;
  const packed = read(1);
  const baseOffsetSize = packed >> 4;
  const indexSize = version > 0 ? packed & 0x0f : 0;
  const idSize = version < 2 ? 2 : 4;
  let end = 0;
  for (let items = read(idSize); items > 0; items -= 1) {
    read(idSize);
    const constructionMethod = version > 0 ? read(2) & 0x0f : 0;
    read(2);
    const baseOffset = read(baseOffsetSize);
    for (let extents = read(2); extents > 0; extents -= 1) {
      read(indexSize);
      const offset = read(offsetSize);
      const length = read(lengthSize);
      // Method 0 places data in the file itself (1 and 2: inside the meta box or another item).
      if (constructionMethod === 0) end = Math.max(end, baseOffset + offset + length);
    }
  }
  return end;
}
