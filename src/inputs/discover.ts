/**
 * Turns what the user named (files, folders, globs, URLs, lists) into a stream of inputs,
 * in a stable order, with each file left out reported once with its reason.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, StartUpError, UserError } from '../errors.js';
import { relativeInside } from '../paths.js';
import { isObjectUri, unsafeKeyReason } from '../storage/location.js';
import { readList, type ListFormat } from './list.js';
import {
  KeptListings,
  literalFirst,
  objectSource,
  sourceRoot,
  type ListedObject,
  type ObjectSource,
  type StorageGetter,
} from './objects.js';
import { fileNameFromUrl, isUrlInput } from './urls.js';

/**
 * Why a discovered file was left out before planning. `earlier-output`: a result of an
 * earlier run (it has a sidecar), or one of its records: never an input again.
 * `not-a-file`: a named pipe, a device or a socket, whatever its name: never opened.
 */
/** Why a file was left out; `same-file`: another path to a file taken already (a symbolic link, an argument given twice). */
export type IgnoreReason =
  'hidden' | 'not-an-image' | 'output-folder' | 'earlier-output' | 'excluded' | 'not-a-file' | 'same-file';

/** No file left out yet, by reason. */
export function noneIgnored(): Record<IgnoreReason, number> {
  return {
    hidden: 0,
    'not-an-image': 0,
    'output-folder': 0,
    'earlier-output': 0,
    excluded: 0,
    'not-a-file': 0,
    'same-file': 0,
  };
}

export interface DiscoverOptions {
  /**
   * Files, folders (recursive), glob patterns, http(s) URLs, `s3://` objects, prefixes and
   * globs over keys (objects.ts), `-` (a list on `stdin`).
   */
  inputs: readonly string[];
  /** A list read after `inputs`: one path or URL a line, or a column of a `.csv` file; `-` is `stdin`. */
  fromFile?: string;
  /** The CSV column holding the paths/URLs: header name or 1-based index; found by its header by default. */
  column?: string;
  /** Lists are NUL-separated (`find -print0`). */
  nulSeparated?: boolean;
  stdin?: NodeJS.ReadableStream;
  /** Glob patterns; a pattern without `/` is matched against the file name alone. */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Absolute folders never walked into (the output folder, the state folder), or `s3://` prefixes never listed into. */
  skipFolders: readonly string[];
  /** Object storage, for `s3://` inputs: without it they are refused (UserError). */
  storage?: StorageGetter;
  /**
   * Whether a file found in a folder is a result or record of an earlier run. Called for
   * each file with the names in its folder, so that the common case costs nothing.
   */
  isEarlierOutput?: (file: string, siblings: ReadonlySet<string>) => boolean | Promise<boolean>;
  /** The same for a listed object, by its URI (a bucket output's results, when an input prefix holds them). */
  isEarlierObject?: (uri: string) => boolean | Promise<boolean>;
  /** Lower-case, without the dot. */
  extensions: readonly string[];
  cwd: string;
}

export type DiscoveredInput =
  /** `path` as found (through any symbolic links), `real` with them resolved. */
  | { kind: 'file'; path: string; real: string; display: string; relative: string }
  | { kind: 'url'; url: string; display: string; relative: string }
  /** An object in storage, as listed: `size` and `etag` identify this version of it (resume). */
  | {
      kind: 'object';
      uri: string;
      bucket: string;
      key: string;
      size: number;
      etag: string;
      display: string;
      relative: string;
      /** Named on a list, and not in the bucket: it fails when it is sent ("no such object"). */
      missing?: true;
    };

export type DiscoveryItem =
  DiscoveredInput | { kind: 'ignored'; reason: IgnoreReason; path: string } | { kind: 'warning'; message: string };

type Source =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string; relative: string }
  | { kind: 'folder'; path: string }
  | { kind: 'glob'; pattern: string }
  | ObjectSource
  | { kind: 'list'; entries: readonly string[]; notices: readonly string[] };

/** What the user named, resolved once and walked as many times as needed. */
export interface ResolvedInputs {
  /** A fresh walk each call, in the same order (as long as the folders do not change). */
  items(): AsyncGenerator<DiscoveryItem>;
  /** The folders walked (folder arguments, and the base of each glob): what --watch watches. */
  folders(): string[];
  /** Whether any input is in object storage (which --watch cannot follow). */
  namesObjects(): boolean;
  /**
   * A file that appeared under one of `folders()`, judged as a walk would judge it (hidden,
   * in the output folder, an earlier result, not an image, excluded), or null when it lies
   * under none of them or a glob does not match it.
   */
  /** `replacedResult`: a result of this run that something else has since written over: an input, whatever its sidecar says. */
  classify(file: string, replacedResult?: boolean): Promise<DiscoveryItem | null>;
}

/**
 * Everything the user named is checked (and lists read, their CSV header first) before
 * any item, so a mistaken command fails with a `UserError` before any work starts. Lists
 * are kept, since standard input can be read only once.
 */
export async function resolveInputs(options: DiscoverOptions): Promise<ResolvedInputs> {
  const sources = await resolveSources(options);
  const [included, excluded] = await Promise.all([matcher(options.include, true), matcher(options.exclude, false)]);
  // s3:// prefixes are compared as strings: path functions would collapse their `//`.
  const skipFolders = await Promise.all(
    options.skipFolders
      .filter((folder) => !isObjectUri(folder))
      .map(async (folder) => ({ path: folder, real: await realpathOr(folder) })),
  );
  const skipPrefixes = options.skipFolders.filter(isObjectUri).map((prefix) => prefix.replace(/\/*$/, '/'));
  const roots = await Promise.all(sources.map((source) => rootOf(source, options.cwd)));
  const listings = new KeptListings();
  return {
    async *items() {
      const discovery = new Discovery(options, skipFolders, included, excluded, skipPrefixes, listings);
      for (const source of sources) yield* discovery.from(source);
    },
    folders: () => roots.filter((root): root is WalkRoot => root !== null).map((root) => root.folder),
    namesObjects: () =>
      sources.some(
        (source) => source.kind === 'objects' || (source.kind === 'list' && source.entries.some(isObjectUri)),
      ),
    async classify(file, replacedResult = false) {
      const root = roots.find(
        (candidate) =>
          candidate && relativeInside(file, candidate.folder) && (!candidate.matches || candidate.matches(file)),
      );
      if (!root) return null;
      // A fresh judge each time: a file seen before may have changed since.
      return new Discovery(options, skipFolders, included, excluded, skipPrefixes, new KeptListings()).judge(
        root.folder,
        file,
        replacedResult,
      );
    },
  };
}

/** One walk over what the user named. */
export async function* discoverInputs(options: DiscoverOptions): AsyncGenerator<DiscoveryItem> {
  yield* (await resolveInputs(options)).items();
}

/** Where a source's files are found, for --watch: a folder, or a glob's base and its pattern. */
interface WalkRoot {
  folder: string;
  matches?: (file: string) => boolean;
}

async function rootOf(source: Source, cwd: string): Promise<WalkRoot | null> {
  if (source.kind === 'folder') return { folder: source.path };
  if (source.kind !== 'glob') return null;
  const picomatch = await loadPicomatch();
  const test = picomatch(source.pattern, { dot: true });
  // A pattern is matched as it was written: an absolute one against the absolute path.
  const named = path.isAbsolute(source.pattern) ? (file: string) => file : (file: string) => path.relative(cwd, file);
  return {
    folder: path.resolve(cwd, picomatch.scan(source.pattern, { unescape: true }).base),
    matches: (file) => test(toPosix(named(file))),
  };
}

async function resolveSources(options: DiscoverOptions): Promise<Source[]> {
  const stdinUses = options.inputs.filter((input) => input === '-').length + (options.fromFile === '-' ? 1 : 0);
  if (stdinUses > 1) throw new UserError('standard input can be read as a list only once');
  const sources: Source[] = [];
  for (const input of options.inputs) {
    if (input === '') throw new UserError("an empty input argument ('') names no file, folder or URL");
    sources.push(input === '-' ? await stdinList(options) : await resolveArgument(input, options.cwd));
  }
  if (options.fromFile === '-') sources.push(await stdinList(options));
  else if (options.fromFile !== undefined) sources.push(await fileList(options.fromFile, options));
  return sources;
}

async function resolveArgument(input: string, cwd: string): Promise<Source> {
  if (isObjectUri(input)) return objectSource(input);
  if (isUrlInput(input)) {
    if (!URL.canParse(input)) throw new UserError(`${input}: not a valid URL`);
    return { kind: 'url', url: input };
  }
  const absolute = path.resolve(cwd, input);
  try {
    const stats = await stat(absolute);
    return stats.isDirectory()
      ? { kind: 'folder', path: absolute }
      : { kind: 'file', path: absolute, relative: path.basename(absolute) };
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UserError(`${input}: ${describeError(error)}`);
    if ((await loadFastGlob()).isDynamicPattern(input)) return { kind: 'glob', pattern: input };
    throw new UserError(`${input}: no such file or folder`);
  }
}

async function collect(entries: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

async function listSource(
  source: Parameters<typeof readList>[0],
  format: ListFormat,
  options: DiscoverOptions,
): Promise<Source> {
  const notices: string[] = [];
  const entries = await collect(
    await readList(source, {
      ...format,
      nulSeparated: options.nulSeparated,
      notice: (message) => notices.push(message),
    }),
  );
  return { kind: 'list', entries, notices };
}

async function stdinList(options: DiscoverOptions): Promise<Source> {
  const stdin = options.stdin;
  if (!stdin) throw new UserError('- reads a list from standard input, which is not available here');
  // Standard input has no file name to tell a CSV list by: asking for a column says it is one.
  return listSource(
    stdin,
    { name: 'standard input', csv: options.column !== undefined, column: options.column },
    options,
  );
}

async function fileList(file: string, options: DiscoverOptions): Promise<Source> {
  let content: string;
  try {
    content = await readFile(path.resolve(options.cwd, file), 'utf8');
  } catch (error) {
    throw new UserError(`--from-file ${file}: ${describeError(error)}`);
  }
  return listSource([content], { name: file, csv: /\.csv$/i.test(file), column: options.column }, options);
}

// Pattern matching is loaded only by the runs that use patterns: most name plain folders.
const loadFastGlob = async () => (await import('fast-glob')).default;
const loadPicomatch = async () => (await import('picomatch')).default;

class Discovery {
  private readonly extensions: ReadonlySet<string>;
  /**
   * Real paths (and URLs) already yielded as inputs or as ignored. A file first taken by
   * another path than its real one keeps that path here (absolute: never one of the words),
   * and 'said' once a second path to it has been left out.
   */
  private readonly seen = new Map<string, 'input' | 'ignored' | 'said' | (string & {})>();

  constructor(
    private readonly options: DiscoverOptions,
    private readonly skipFolders: readonly SkipFolder[],
    private readonly included: (relative: string) => boolean,
    private readonly excluded: (relative: string) => boolean,
    /** `s3://bucket/prefix/` strings never listed into (an output prefix). */
    private readonly skipPrefixes: readonly string[],
    /** Object listings, kept from one walk for the next. */
    private readonly listings: KeptListings,
  ) {
    this.extensions = new Set(options.extensions);
  }

  from(source: Source): AsyncIterable<DiscoveryItem> | Iterable<DiscoveryItem> {
    switch (source.kind) {
      case 'url':
        return this.url(source.url);
      case 'file':
        return this.named(source.path, source.relative);
      case 'folder':
        return this.folder(source.path);
      case 'glob':
        return this.glob(source.pattern);
      case 'list':
        return this.list(source.entries, source.notices);
      case 'objects':
        return this.objects(source);
    }
  }

  private async *objects(named: ObjectSource): AsyncGenerator<DiscoveryItem> {
    const { storage } = this.options;
    if (!storage)
      throw new StartUpError(
        `${named.uri}: objects in storage are not read by this command; copy them down first (aws s3 cp --recursive)`,
      );
    const source = await literalFirst(named, storage);
    // As for folders: an output prefix is skipped only below a root, not when the root is inside it.
    const root = sourceRoot(source);
    const skipped = this.skipPrefixes.filter((prefix) => !root.startsWith(prefix));
    for await (const object of this.listings.list(source, storage)) {
      const reason = object.named ? undefined : await this.objectReason(object, skipped);
      const before = this.seen.get(object.uri);
      if (before === 'input' || (reason && before === 'ignored')) continue;
      this.seen.set(object.uri, reason ? 'ignored' : 'input');
      const { uri, bucket, key, size, etag, relative, missing } = object;
      yield reason
        ? { kind: 'ignored', reason, path: uri }
        : { kind: 'object', uri, bucket, key, size, etag, display: uri, relative, ...(missing && { missing }) };
    }
  }

  /**
   * Why a listed object is left out, as a file found in a folder is judged. A key that
   * would climb out of an output prefix (`..`) and is not excluded stops the run.
   */
  private async objectReason(object: ListedObject, skipped: readonly string[]): Promise<IgnoreReason | undefined> {
    const unsafe = unsafeKeyReason(object.key);
    if (unsafe) {
      if (!this.included(object.relative) || this.excluded(object.relative)) return 'excluded';
      throw new StartUpError(`${object.uri}: ${unsafe}; rename the object, or leave it out with --exclude`);
    }
    if (object.relative.split('/').some((segment) => segment.startsWith('.'))) return 'hidden';
    if (skipped.some((prefix) => object.uri.startsWith(prefix))) return 'output-folder';
    if (await this.options.isEarlierObject?.(object.uri)) return 'earlier-output';
    return this.filter(object.relative);
  }

  private *url(url: string): Generator<DiscoveryItem> {
    if (this.seen.has(url)) return;
    this.seen.set(url, 'input');
    yield { kind: 'url', url, display: url, relative: fileNameFromUrl(url) };
  }

  /** A file the user named: taken as it is, whatever its name or place. */
  private async *named(file: string, relative: string): AsyncGenerator<DiscoveryItem> {
    yield* this.consider(await realpathOr(file), file, relative, undefined);
  }

  private async *list(entries: readonly string[], notices: readonly string[]): AsyncGenerator<DiscoveryItem> {
    const { cwd } = this.options;
    for (const message of notices) yield { kind: 'warning', message };
    for (const entry of entries) {
      if (isObjectUri(entry)) yield* this.objects({ ...(await objectSource(entry)), inList: true });
      else if (!isUrlInput(entry)) {
        const file = path.resolve(cwd, entry);
        const relative = relativeInside(file, cwd);
        yield* this.named(file, relative ? toPosix(relative) : path.basename(file));
      } else if (URL.canParse(entry)) yield* this.url(entry);
      else yield { kind: 'warning', message: `${entry}: not a valid URL, skipped` };
    }
  }

  private async *folder(root: string): AsyncGenerator<DiscoveryItem> {
    const rootReal = await realpathOr(root);
    yield* this.walk(root, rootReal, '', new Map([[rootReal, root]]), this.skippedBelow(root, rootReal));
  }

  /** A root inside the output folder was asked for: a folder to skip is only skipped below a root. */
  private skippedBelow(root: string, rootReal: string): readonly SkipFolder[] {
    return this.skipFolders.filter((folder) => !isInside(root, folder.path) && !isInside(rootReal, folder.real));
  }

  /** Depth-first, each folder's entries in code point order. `ancestors`: real path → walked path. */
  private async *walk(
    folder: string,
    folderReal: string,
    relative: string,
    ancestors: ReadonlyMap<string, string>,
    skipped: readonly SkipFolder[],
  ): AsyncGenerator<DiscoveryItem> {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      yield { kind: 'warning', message: `${this.display(folder)}: cannot read folder (${describeError(error)})` };
      return;
    }
    entries.sort((a, b) => compareCodePoints(a.name, b.name));
    const names = new Set(entries.map((entry) => entry.name));
    for (const entry of entries) {
      // Entry names hold no separator: concatenation is path.join here, without its cost per file.
      const full = `${folder}${path.sep}${entry.name}`;
      const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const walkedReal = `${folderReal}${path.sep}${entry.name}`;
      // Only a symbolic link needs a system call (and a promise) to know what it is.
      const type = entry.isSymbolicLink() ? await linkType(full, walkedReal) : plainType(entry, walkedReal);
      const { real } = type;
      const reason = entry.name.startsWith('.')
        ? 'hidden'
        : isInsideAny(full, real, skipped)
          ? 'output-folder'
          : undefined;
      if (type.kind !== 'folder') {
        const fileReason =
          reason ??
          (type.kind === 'other'
            ? 'not-a-file'
            : (await this.options.isEarlierOutput?.(full, names))
              ? 'earlier-output'
              : this.filter(entryRelative));
        yield* this.consider(real, full, entryRelative, fileReason);
      } else if (reason) {
        // A hidden folder or the output folder counts once, without being walked.
        yield* this.consider(real, full, entryRelative, reason);
      } else if (ancestors.has(real)) {
        const target = this.display(ancestors.get(real) ?? real);
        yield { kind: 'warning', message: `${this.display(full)}: symbolic link loop back to ${target}, not followed` };
      } else {
        yield* this.walk(full, real, entryRelative, new Map([...ancestors, [real, full]]), skipped);
      }
    }
  }

  private async *glob(pattern: string): AsyncGenerator<DiscoveryItem> {
    const { cwd } = this.options;
    const [fg, picomatch] = await Promise.all([loadFastGlob(), loadPicomatch()]);
    const root = path.resolve(cwd, picomatch.scan(pattern, { unescape: true }).base);
    const skipped = this.skippedBelow(root, await realpathOr(root));
    const matches = await fg(pattern, { cwd, dot: true, onlyFiles: true, absolute: true, suppressErrors: true });
    if (matches.length === 0) {
      yield { kind: 'warning', message: `no files match ${JSON.stringify(pattern)}` };
      return;
    }
    const files = matches.map((match) => {
      const file = path.resolve(cwd, match);
      return { file, relative: toPosix(path.relative(root, file)) };
    });
    files.sort((a, b) => comparePaths(a.relative, b.relative));
    for (const { file, relative } of files) {
      // Symbolic link loops make fast-glob list the same file under many paths: the real path dedupes them.
      const real = await realpathOr(file);
      const reason = relative.split('/').some((segment) => segment.startsWith('.'))
        ? 'hidden'
        : isInsideAny(file, real, skipped)
          ? 'output-folder'
          : this.filter(relative);
      yield* this.consider(real, file, relative, reason);
    }
  }

  /** One file under `root`, judged as the folder walk judges each entry. */
  async judge(root: string, file: string, replacedResult = false): Promise<DiscoveryItem> {
    const rootReal = await realpathOr(root);
    const skipped = this.skippedBelow(root, rootReal);
    const relative = toPosix(path.relative(root, file));
    const real = await realpathOr(file);
    const siblings = new Set(await readdir(path.dirname(file)).catch(() => []));
    // One that is gone already counts as a file, for a later stage to report.
    const isFile = await stat(file).then(
      (stats) => stats.isFile(),
      () => true,
    );
    const reason: IgnoreReason | undefined = relative.split('/').some((segment) => segment.startsWith('.'))
      ? 'hidden'
      : isInsideAny(file, real, skipped)
        ? 'output-folder'
        : !isFile
          ? 'not-a-file'
          : !replacedResult && (await this.options.isEarlierOutput?.(file, siblings))
            ? 'earlier-output'
            : this.filter(relative);
    return reason
      ? { kind: 'ignored', reason, path: file }
      : { kind: 'file', path: file, real, display: this.display(file), relative };
  }

  /** The checks a file found in a folder or by a glob must pass, in reporting precedence. */
  private filter(relative: string): IgnoreReason | undefined {
    const extension = path.posix.extname(relative).slice(1).toLowerCase();
    if (!this.extensions.has(extension)) return 'not-an-image';
    if (!this.included(relative) || this.excluded(relative)) return 'excluded';
    return undefined;
  }

  /**
   * Yields a file (or ignored folder) once per real path. A file left out by one argument
   * can still be taken by another (named, or under a different root), not the other way.
   * Another path to a file taken already is said, not dropped in silence: the file's
   * output is named after the path met first.
   */
  private *consider(real: string, file: string, relative: string, reason: IgnoreReason | undefined) {
    const before = this.seen.get(real);
    if (before !== undefined && before !== 'ignored') {
      // Taken already. The same path again (arguments that overlap) is nothing to say; a
      // second path (a link to an input) is said, once (a link loop lists a file many times).
      const first = before === 'input' ? real : before;
      if (!reason && before !== 'said' && file !== first) {
        this.seen.set(real, 'said');
        yield { kind: 'ignored', reason: 'same-file', path: file } as const;
      }
      return;
    }
    if (reason && before === 'ignored') return;
    this.seen.set(real, reason ? 'ignored' : file === real ? 'input' : file);
    yield reason
      ? ({ kind: 'ignored', reason, path: file } as const)
      : ({ kind: 'file', path: file, real, display: this.display(file), relative } as const);
  }

  private display(file: string): string {
    const { cwd } = this.options;
    const relative = relativeInside(file, cwd);
    return relative === null ? file : relative || '.';
  }
}

/** A folder never walked into, as given and with symbolic links resolved. */
interface SkipFolder {
  path: string;
  real: string;
}

function isInsideAny(file: string, real: string, folders: readonly SkipFolder[]): boolean {
  return folders.some((folder) => isInside(file, folder.path) || isInside(real, folder.real));
}

type EntryType = { kind: 'file' | 'folder' | 'other'; real: string };

function kindOf(entry: { isDirectory(): boolean; isFile(): boolean }): EntryType['kind'] {
  return entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other';
}

function plainType(entry: Dirent, real: string): EntryType {
  return { kind: kindOf(entry), real };
}

/** Symbolic links are followed; a broken one counts as a file, for a later stage to report. */
async function linkType(full: string, real: string): Promise<EntryType> {
  try {
    return { kind: kindOf(await stat(full)), real: await realpath(full) };
  } catch {
    return { kind: 'file', real };
  }
}

/** Patterns without `/` test the file name alone (`*.tmp.jpg` at any depth), like .gitignore. */
async function matcher(
  patterns: readonly string[] | undefined,
  whenNone: boolean,
): Promise<(relative: string) => boolean> {
  if (!patterns || patterns.length === 0) return () => whenNone;
  const picomatch = await loadPicomatch();
  const tests = patterns.map((pattern) => {
    const test = picomatch(pattern, { dot: true });
    return pattern.includes('/') ? test : (relative: string) => test(path.posix.basename(relative));
  });
  return (relative) => tests.some((test) => test(relative));
}

/** `file` (absolute) with symbolic links resolved, or as it is when it cannot be. */
async function realpathOr(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return path.normalize(file);
  }
}

function isInside(file: string, folder: string): boolean {
  return relativeInside(file, folder) !== null;
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

/** UTF-8 byte order is code point order (plain `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Segment by segment, so a glob lists files in the same order as a folder walk. */
function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareCodePoints(left[i] ?? '', right[i] ?? '');
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function describeError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
