/**
 * `edit --preset`: each output checked against the preset as soon as it is whole, as many at
 * a time as their decoded pixels fit one budget (as `photoroom check` shares one), and an
 * output an earlier run made judged again only when the preset's checks changed since: its
 * input is never sent again for that.
 */
import { PIXEL_BUDGET_BYTES, PixelBudget } from '../check/budget.js';
import { checkOutput, complianceFrom, isCurrent, type Compliance } from '../check/compliance.js';
import type { Preset } from '../presets/types.js';
import type { Redactor } from '../secrets.js';
import type { Results } from '../store/results.js';
import { parseSidecar, writeSidecar } from '../store/sidecar.js';

export class OutputChecks {
  private readonly pixelBudget = new PixelBudget(PIXEL_BUDGET_BYTES);

  constructor(readonly preset: Preset) {}

  /** The preset's verdict on the output at `file`. */
  of(file: string): Promise<Compliance> {
    return checkOutput(file, this.preset, this.pixelBudget);
  }

  /**
   * The verdict on an earlier run's output: as its sidecar records it when the checks are the
   * same, else judged now (a bucket's output fetched for that only) and recorded in the
   * sidecar. Undefined when the sidecar is gone. `outputs` holds the output, `records` the sidecar.
   */
  async ofEarlier(
    outputPath: string,
    sidecarFile: string,
    places: { outputs: Results; records: Results },
    redactor: Redactor,
  ): Promise<Compliance | undefined> {
    const bytes = await places.records.read(sidecarFile);
    const sidecar = bytes && parseSidecar(bytes.toString('utf8'));
    if (!sidecar) return undefined;
    const recorded = complianceFrom(sidecar.compliance);
    if (isCurrent(recorded, this.preset)) return recorded;
    const compliance = await places.outputs.withLocalCopy(outputPath, (local) => this.of(local));
    await writeSidecar(places.records, sidecarFile, { ...sidecar, compliance }, redactor);
    return compliance;
  }
}
