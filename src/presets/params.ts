/** A preset's parameters as they join a request. */
import type { RawParam } from '../params/paramset.js';
import type { Preset } from './types.js';

/** The preset's parameters as raw values of the lowest precedence, each named after the preset. */
export function presetRawParams(preset: Preset): RawParam[] {
  return Object.entries(preset.params).map(([name, value]) => ({ name, value, source: `${preset.name}'s ${name}` }));
}
