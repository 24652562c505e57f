/**
 * `--watch`: the files that appear or change in the input folders after the first pass,
 * each once it has finished being written. chokidar (the watcher the Node ecosystem relies
 * on; `fs.watch` misses events on some file systems and reports renames and partial writes
 * unevenly) says when a file's size has stopped changing; a file of a format whose end can
 * be recognised (PNG, JPEG, WebP, GIF, AVIF, HEIF) must also be whole, so that a slow copy
 * that pauses longer than the settle time is still never sent half-written.
 */
import { open } from 'node:fs/promises';
import { ImageEndCheck } from './image-end.js';

const READ_BYTES = 64 * 1024;

/**
 * Whether a file holds a whole image, as far as its format lets one tell (image-end.ts:
 * PNG, JPEG, WebP, GIF, AVIF and HEIF, by their structure). Other formats count as whole
 * (the settle time decides).
 */
export async function isWholeImage(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const check = new ImageEndCheck();
    const buffer = Buffer.alloc(READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      check.push(buffer.subarray(0, bytesRead));
    }
    return check.verdict().problem === null;
  } finally {
    await handle.close();
  }
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
