/**
 * Finds and reads the config file with cosmiconfig: `.photoroomrc` (JSON or YAML),
 * `.photoroomrc.json|yaml|yml`, `photoroom.config.js|mjs`, or `package.json#photoroom`,
 * searched from the working folder up to the project root or the home folder; or exactly
 * `--config <path>`.
 */
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CosmiconfigResult, PublicExplorer } from 'cosmiconfig';
import { UserError } from '../errors.js';
import { unreadableConfigMessage } from './unreadable.js';

export interface LoadedConfig {
  /** Absolute path of the file read, or null when there is none. */
  readonly path: string | null;
  readonly values: Readonly<Record<string, unknown>>;
  /** The folders searched, nearest first; absent when the file was named with --config. */
  readonly searched?: readonly string[];
}

export interface ConfigSearch {
  /** The working folder, where the search starts. */
  cwd: string;
  /** The user's home folder (HOME): the search never goes above it. */
  home: string | undefined;
}

/** A dedicated file wins over package.json in the same folder. */
const SEARCH_PLACES = [
  '.photoroomrc',
  '.photoroomrc.json',
  '.photoroomrc.yaml',
  '.photoroomrc.yml',
  'photoroom.config.js',
  'photoroom.config.mjs',
  'package.json',
];

/** What makes a folder a project root, as for eslint and prettier. */
const PROJECT_ROOT_MARKERS = ['.git', 'package.json'];

export const NO_CONFIG: LoadedConfig = { path: null, values: {} };

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function isProjectRoot(folder: string): Promise<boolean> {
  for (const marker of PROJECT_ROOT_MARKERS) if (await exists(path.join(folder, marker))) return true;
  return false;
}

/** Anyone may drop a file into such a folder (/tmp): what it holds is not the user's. */
async function othersCanWrite(folder: string): Promise<boolean> {
  return stat(folder).then(
    (info) => (info.mode & 0o002) !== 0,
    () => true,
  );
}

/** Symbolic links resolved, so a home folder reached through a link is still recognised. */
async function canonical(folder: string): Promise<string> {
  return realpath(folder).catch(() => path.normalize(folder));
}

/**
 * The folders to search, nearest first: from the working folder up to the nearest project
 * root or the home folder, whichever comes first, both included. When neither is met before
 * the file-system root or a folder others can write to, the working folder alone: without a
 * project or home above it, no parent folder is known to be the user's.
 */
async function configSearchFolders({ cwd, home }: ConfigSearch): Promise<string[]> {
  const start = await canonical(cwd);
  // A relative HOME is taken from the working folder, never from the process's.
  const stop = home ? await canonical(path.resolve(cwd, home)) : undefined;
  const folders: string[] = [];
  for (let folder = start; ;) {
    folders.push(folder);
    if (folder === stop || (await isProjectRoot(folder))) return folders;
    const parent = path.dirname(folder);
    if (parent === folder || (await othersCanWrite(parent))) return [start];
    folder = parent;
  }
}

interface FoundConfig {
  result: CosmiconfigResult;
  searched?: string[];
}

async function findConfig(
  explorer: PublicExplorer,
  explicitPath: string | undefined,
  search: ConfigSearch,
): Promise<FoundConfig> {
  if (explicitPath) return { result: await explorer.load(path.resolve(search.cwd, explicitPath)) };
  const searched = await configSearchFolders(search);
  for (const folder of searched) {
    const result = await explorer.search(folder);
    if (result) return { result, searched };
  }
  return { result: null, searched };
}

export async function loadConfig(explicitPath: string | undefined, search: ConfigSearch): Promise<LoadedConfig> {
  // Imported here, not at the top: 13 ms of start-up that --version, --help and the
  // emulator would pay without reading a config.
  const { cosmiconfig } = await import('cosmiconfig');
  // 'none': each search looks in one folder; configSearchFolders decides which folders.
  const explorer = cosmiconfig('photoroom', { searchPlaces: SEARCH_PLACES, searchStrategy: 'none', cache: false });
  let found: FoundConfig;
  try {
    found = await findConfig(explorer, explicitPath, search);
  } catch (error) {
    throw new UserError(await unreadableConfigMessage(error, explicitPath, search.cwd));
  }
  const { result, searched } = found;
  if (!result) return { ...NO_CONFIG, searched };
  if (result.isEmpty) return { path: result.filepath, values: {}, searched };
  const values: unknown = result.config;
  // An ES module config may export a function or a promise; a plain object is what we take.
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new UserError(`config file ${result.filepath}: expected an object of settings`);
  }
  return { path: result.filepath, values: values as Record<string, unknown>, searched };
}

/** The --verbose line saying where the settings came from. */
export function configSourceLine(config: LoadedConfig): string {
  if (config.path) return `config: ${config.path}`;
  const searched = config.searched ?? [];
  if (searched.length === 0) return 'config: none';
  const where = searched.length === 1 ? `in ${searched[0]}` : `from ${searched[0]} up to ${searched.at(-1)}`;
  return `config: none found ${where}`;
}
