/**
 * The keys a config file may hold at its top level and in its `edit:` and `segment:`
 * sections, and what to say about one that does not belong where it is: a near miss, an API
 * parameter outside its section, a run option inside one, a flag's spelling as a key.
 */
import { resolveParamName } from '../params/paramset.js';
import { flagOf, paramsFor } from '../params/table.js';
import type { Endpoint } from '../params/types.js';
import { didYouMean } from '../near-miss.js';
import { RUN_OPTIONS } from './options.js';

export const PARAM_SECTIONS: readonly Endpoint[] = ['edit', 'segment'];

const RUN_OPTION_KEYS: readonly string[] = Object.keys(RUN_OPTIONS);

/** `presets:` holds the config file's own presets (config/presets.ts). */
export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([...RUN_OPTION_KEYS, ...PARAM_SECTIONS, 'presets']);

/** Every way a parameter of `endpoint` is spelled (API name, flag, aliases) → its API name. */
function spellingsOf(endpoint: Endpoint): Map<string, string> {
  return new Map(
    paramsFor(endpoint)
      .filter((spec) => spec.kind !== 'image' && spec.kind !== 'layers')
      .flatMap((spec) =>
        [spec.name, flagOf(spec) ?? spec.name, ...(spec.aliases ?? [])].map(
          (spelling) => [spelling, spec.name] as const,
        ),
      ),
  );
}

/** The sections where a top-level key would be a parameter: `padding`, `background` (nested) or `bg_color`. */
function sectionsHolding(key: string): Endpoint[] {
  return PARAM_SECTIONS.filter((endpoint) =>
    [...spellingsOf(endpoint).keys()].some((spelling) => spelling === key || spelling.startsWith(`${key}.`)),
  );
}

/** What to say about a top-level key that is neither a run option nor a section. */
export function unknownTopLevelKey(key: string): string {
  const sections = sectionsHolding(key);
  if (sections.length > 0) {
    return `an API parameter: put it under ${sections.map((section) => `${section}:`).join(' or ')}`;
  }
  return `unknown setting${didYouMean(key, [...TOP_LEVEL_KEYS]) || '; `photoroom params --config-example` lists every key'}`;
}

/** What to say about a key of the `edit:` or `segment:` section that is not a parameter of it; undefined when it is one. */
export function unknownSectionKey(endpoint: Endpoint, name: string): string | undefined {
  const spec = resolveParamName(name);
  if (spec?.endpoints.includes(endpoint) || name.startsWith('layers.')) return undefined;
  const apiName = spellingsOf(endpoint).get(name);
  if (apiName) return `--${name} is the flag; in a config file the key is ${apiName}`;
  // A parameter of the other endpoint: validation says so.
  if (spec) return undefined;
  if (RUN_OPTION_KEYS.includes(name))
    return `a run option, not an API parameter: put it at the top level, outside ${endpoint}:`;
  return `unknown parameter${
    didYouMean(
      name,
      paramsFor(endpoint).map((spec) => spec.name),
    ) || '; `photoroom params` lists them'
  }`;
}
