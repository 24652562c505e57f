/**
 * `--watch`: the files that appear or change in the input folders after the first pass,
 * each once it has finished being written. chokidar (the watcher the Node ecosystem relies
 * on; `fs.watch` misses events on some file systems and reports renames and partial writes
 * unevenly) says when a file's size has stopped changing; a file of a format whose end can
 * be recognised (PNG, JPEG, WebP, GIF) must also be whole, so that a slow copy that pauses
 * longer than the settle time is still never sent half-written.
 */
import { open } from 'node:fs/promises';
import { commonImageType } from './signature.js';

/** A PNG ends with its IEND chunk: length 0, type, CRC. */
const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const TAIL_BYTES = 16;

/**
 * Whether a file holds a whole image, as far as its format lets one tell from its ends:
 * PNG by its IEND chunk, JPEG by its end-of-image marker, WebP by the size its RIFF header
 * announces, GIF by its trailer. Other formats count as whole (the settle time decides).
 */
export async function isWholeImage(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < TAIL_BYTES) return false;
    const head = Buffer.alloc(TAIL_BYTES);
    const tail = Buffer.alloc(TAIL_BYTES);
    await handle.read(head, 0, TAIL_BYTES, 0);
    await handle.read(tail, 0, TAIL_BYTES, size - TAIL_BYTES);
    switch (commonImageType(head)) {
      case 'png':
        return tail.subarray(TAIL_BYTES - PNG_END.length).equals(PNG_END);
      case 'jpeg':
        return trimmedEnd(tail, 0xd9) === 0xff;
      case 'webp':
        return head.readUInt32LE(4) + 8 <= size;
      default:
        return head.toString('latin1', 0, 4) === 'GIF8' ? tail[TAIL_BYTES - 1] === 0x3b : true;
    }
  } finally {
    await handle.close();
  }
}

/**
 * For a JPEG: the byte before its end-of-image marker `FF D9` (0xff when the file ends
 * with it), allowing the zero padding some cameras append; -1 when it does not end so.
 */
function trimmedEnd(tail: Buffer, marker: number): number {
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0) end -= 1;
  return end >= 2 && tail[end - 1] === marker ? (tail[end - 2] ?? -1) : -1;
}

export interface WatchOptions {
  /** Folders watched, recursively. */
  roots: readonly string[];
  /** How long a file's size must stay the same before it counts as written (ms). */
  settleMs: number;
  /** Paths never reported (hidden files, the output and state folders). */
  ignored: (file: string) => boolean;
}

/**
 * A watch over folders, started before the first pass walks them (so that nothing added
 * meanwhile is missed) and read after it: the files added or changed since, each once
 * settled and whole. `close` ends it.
 */
export class FolderWatch {
  private readonly ready: string[] = [];
  private wake = () => {};
  private closed = false;

  private constructor(private readonly watcher: import('chokidar').FSWatcher) {
    const settled = (file: string) => {
      void isWholeImage(file).then(
        (whole) => {
          // A file not yet whole is seen again on its next change.
          if (!whole) return;
          this.ready.push(file);
          this.wake();
        },
        () => {},
      );
    };
    watcher.on('add', settled).on('change', settled);
  }

  static async start(options: WatchOptions): Promise<FolderWatch> {
    const { watch } = await import('chokidar');
    const watcher = watch([...options.roots], {
      ignoreInitial: true,
      ignored: (file) => options.ignored(file),
      awaitWriteFinish: { stabilityThreshold: options.settleMs, pollInterval: Math.min(100, options.settleMs) },
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return new FolderWatch(watcher);
  }

  /** The files ready so far and as they come, until `signal` aborts or the watch is closed. */
  async *changes(signal: AbortSignal): AsyncGenerator<string> {
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted && !this.closed) {
        const next = this.ready.shift();
        if (next !== undefined) yield next;
        else await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.watcher.close();
  }
}
