/** A validated set of parameters, as buildParamSet (paramset.ts) makes it. */
import type { ParamName, ValueOf } from './table.js';
import type { LayerFieldSpec, ParamSpec, ParamValue } from './types.js';

export interface ParamEntry {
  /** The field name sent to the API. */
  readonly name: string;
  readonly value: ParamValue;
  readonly source: string;
  readonly spec?: ParamSpec;
  readonly layerField?: LayerFieldSpec;
}

/** A validated set of parameters: only what the user gave, never the API's defaults. */
export class ParamSet {
  private readonly byName: ReadonlyMap<string, ParamEntry>;

  constructor(entries: Iterable<ParamEntry>) {
    this.byName = new Map([...entries].map((entry) => [entry.name, entry]));
  }

  /** A known parameter's value, typed by its row (an enum's values, a boolean...). */
  get<Name extends ParamName>(name: Name): ValueOf<Name> | undefined {
    // Values are stored only after their row's kind has read them (see buildParamSet).
    return this.byName.get(name)?.value as ValueOf<Name> | undefined;
  }

  entry(name: string): ParamEntry | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entries(): ParamEntry[] {
    return [...this.byName.values()];
  }

  /** Name → canonical value, as the emulator's renderer reads them. */
  values(): Map<string, ParamValue> {
    return new Map([...this.byName.values()].map((entry) => [entry.name, entry.value]));
  }

  get size(): number {
    return this.byName.size;
  }
}
