/** The run-option table's defaults, as settings: what a run gets that no flag, variable or config file sets. */
import type { RunSettings } from './options.js';
import { resolveRunOptions } from './resolve.js';

/** Every default of the table (the settings without one are absent), read by the one precedence with nothing given. */
export function runSettingDefaults(): RunSettings {
  return resolveRunOptions('edit', {}, {}, { path: null, values: {} }).settings;
}
