/**
 * Finds and reads the config file with cosmiconfig: `.photoroomrc` (JSON or YAML),
 * `.photoroomrc.json|yaml|yml`, `photoroom.config.js|mjs`, or `package.json#photoroom`,
 * searched from the working folder up to the project root; or exactly `--config <path>`.
 */
import { cosmiconfig } from 'cosmiconfig';
import { UserError } from '../errors.js';

export interface LoadedConfig {
  /** Absolute path of the file read, or null when there is none. */
  readonly path: string | null;
  readonly values: Readonly<Record<string, unknown>>;
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

export const NO_CONFIG: LoadedConfig = { path: null, values: {} };

export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig> {
  const explorer = cosmiconfig('photoroom', { searchPlaces: SEARCH_PLACES, searchStrategy: 'project', cache: false });
  let result;
  try {
    result = explicitPath ? await explorer.load(explicitPath) : await explorer.search(cwd);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const where = explicitPath ? `config file ${explicitPath}` : 'config file';
    throw new UserError(`${where} could not be read: ${reason}`);
  }
  if (!result) return NO_CONFIG;
  if (result.isEmpty) return { path: result.filepath, values: {} };
  const values: unknown = result.config;
  // An ES module config may export a function or a promise; a plain object is what we take.
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new UserError(`config file ${result.filepath}: expected an object of settings`);
  }
  return { path: result.filepath, values: values as Record<string, unknown> };
}
