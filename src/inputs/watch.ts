/**
 * `--watch`: the files that appear or change in the input folders after the first pass,
 * each once it has finished being written. chokidar (the watcher the Node ecosystem relies
 * on; `fs.watch` misses events on some file systems and reports renames and partial writes
 * unevenly) says when a file's size has stopped changing; the file must also be whole
 * (wholeness.ts: every format the tool takes or converts), so that a slow copy that pauses
 * longer than the settle time is still never sent or converted half-written.
 *
 * A watch reports what it cannot watch and goes on: a symbolic link looping back to a
 * folder above it is not followed (chokidar would follow it until ELOOP, the paths
 * multiplying with every further link), a watcher error is a warning naming the path, and
 * a removed root is no longer watched. Nothing but a regular file is opened.
 */
import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, textField } from '../errors.js';
import { relativeInside } from '../paths.js';
import { fileProblem } from './wholeness.js';

/**
 * Whether a file holds a whole image, in any format the tool takes or converts
 * (wholeness.ts). Throws NotARegularFile for a named pipe or a device, which is never
 * opened blocking.
 */
export async function isWholeImage(file: string): Promise<boolean> {
  return (await fileProblem(file)) === null;
}

export interface WatchOptions {
  /** Folders watched, recursively. */
  roots: readonly string[];
  /** How long a file's size must stay the same before it counts as written (ms). */
  settleMs: number;
  /** Paths never reported (hidden files, the output and state folders). */
  ignored: (file: string) => boolean;
  /** A path as messages show it. */
  shown: (file: string) => string;
}

/** What a watch reports, in the order it happened. */
export type WatchNews =
  /** Settled and whole, or a named pipe or device (for the caller to report as ignored). */
  | { kind: 'file'; path: string }
  /** Something it cannot watch, or a root removed: the watch goes on. */
  | { kind: 'warning'; message: string }
  /** Every root was removed: nothing is left to watch, and `changes` ends. */
  | { kind: 'ended'; message: string };

/** What the engine reads: FolderWatch, or a scripted stand-in in tests. */
export interface Watch {
  changes(signal: AbortSignal): AsyncGenerator<WatchNews>;
  close(): Promise<void>;
}

/**
 * A watch over folders, started before the first pass walks them (so that nothing added
 * meanwhile is missed) and read after it: the files added or changed since, each once
 * settled and whole. `close` ends it.
 */
export class FolderWatch implements Watch {
  private readonly news: WatchNews[] = [];
  private wake = () => {};
  private closed = false;
  /** The roots still watched, each with its inode: a folder made again in its place is another folder. */
  private readonly liveRoots: Map<string, number>;
  /** Links found looping, each reported once. */
  private readonly loops = new Set<string>();

  private readonly watcher: import('chokidar').FSWatcher;

  private constructor(
    watch: typeof import('chokidar').watch,
    private readonly options: WatchOptions,
    rootInodes: ReadonlyMap<string, number>,
  ) {
    this.liveRoots = new Map(rootInodes);
    this.watcher = watch([...options.roots], {
      ignoreInitial: true,
      ignored: (file, stats) => options.ignored(file) || this.loopsBack(file, stats),
      awaitWriteFinish: { stabilityThreshold: options.settleMs, pollInterval: Math.min(100, options.settleMs) },
    });
    const settled = (file: string) => {
      isWholeImage(file).then(
        // A file not yet whole is seen again on its next change.
        (whole) => whole && this.tell({ kind: 'file', path: file }),
        // A pipe, a device or an unreadable file is passed on, to be reported with its reason; one gone since is nothing.
        (error: unknown) => errorCode(error) !== 'ENOENT' && this.tell({ kind: 'file', path: file }),
      );
    };
    // Listening from the start: the first scan's errors are reported too.
    this.watcher.on('add', settled).on('change', settled);
    this.watcher.on('unlinkDir', (folder) => this.rootRemoved(folder));
    // chokidar says nothing when an empty root is removed: its own watcher's events are checked.
    // A removal arrives as a 'rename'; every write into the root is a 'change', not checked.
    this.watcher.on('raw', (event, _name, details) => {
      const folder = textField(details, 'watchedPath');
      if (event === 'rename' && folder !== undefined && this.liveRoots.has(folder)) void this.checkRoot(folder);
    });
    this.watcher.on('error', (error) => this.tell({ kind: 'warning', message: cannotWatch(error, options.shown) }));
  }

  static async start(options: WatchOptions): Promise<FolderWatch> {
    const inodes = await Promise.all(options.roots.map(async (root) => [root, (await stat(root)).ino] as const));
    const folderWatch = new FolderWatch((await import('chokidar')).watch, options, new Map(inodes));
    await new Promise<void>((resolve) => folderWatch.watcher.once('ready', () => resolve()));
    return folderWatch;
  }

  /** What happened so far and as it comes, until `signal` aborts, the watch is closed or no root is left. */
  async *changes(signal: AbortSignal): AsyncGenerator<WatchNews> {
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted && !this.closed) {
        const next = this.news.shift();
        if (next === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
        else {
          yield next;
          if (next.kind === 'ended') return;
        }
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

  private tell(news: WatchNews): void {
    this.news.push(news);
    this.wake();
  }

  private async checkRoot(folder: string): Promise<void> {
    const now = await stat(folder).catch(() => null);
    if (now?.ino !== this.liveRoots.get(folder)) this.rootRemoved(folder);
  }

  /** A removed root is no longer watched (chokidar drops it); the watch goes on while another is left. */
  private rootRemoved(folder: string): void {
    if (!this.liveRoots.delete(folder)) return;
    const message = `${this.options.shown(folder)}: the watched folder was removed; it is no longer watched`;
    if (this.liveRoots.size > 0) this.tell({ kind: 'warning', message });
    else this.tell({ kind: 'ended', message: `${message}, and no watched folder is left` });
  }

  /**
   * Whether `folder` is a symbolic link to a folder above it (directly or through other
   * links): then it is not followed, as the first pass's walk does not follow it. Only
   * links are checked: a loop is always entered through one.
   */
  private loopsBack(folder: string, stats: Stats | undefined): boolean {
    if (!stats?.isDirectory()) return false;
    try {
      if (!lstatSync(folder).isSymbolicLink()) return false;
      const real = realpathSync(folder);
      for (
        let above = path.dirname(folder), below = folder;
        above !== below && this.isWatched(above);
        below = above, above = path.dirname(above)
      ) {
        if (realpathSync(above) !== real) continue;
        if (!this.loops.has(folder)) {
          this.loops.add(folder);
          const { shown } = this.options;
          this.tell({
            kind: 'warning',
            message: `${shown(folder)}: symbolic link loop back to ${shown(above)}, not followed`,
          });
        }
        return true;
      }
    } catch {
      // Gone or unreadable: chokidar meets the same error and reports it.
    }
    return false;
  }

  private isWatched(folder: string): boolean {
    return this.options.roots.some((root) => relativeInside(folder, root) !== null);
  }
}

/** A watcher error as one line: the path and the reason. */
function cannotWatch(error: unknown, shown: (file: string) => string): string {
  const file = textField(error, 'path');
  const where = file === undefined ? 'a watched folder' : shown(file);
  return `${where}: cannot be watched (${WATCH_FAULTS[errorCode(error) ?? ''] ?? (textField(error, 'message') || String(error))}); the watch goes on without it`;
}

const WATCH_FAULTS: Readonly<Record<string, string>> = {
  ELOOP: 'symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EMFILE: 'too many open files',
  // inotify's limit: fs.inotify.max_user_watches.
  ENOSPC: "the system's limit of watched folders is reached (fs.inotify.max_user_watches)",
};
