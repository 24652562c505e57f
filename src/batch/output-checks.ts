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
import type { OutputFolder } from '../store/outputs.js';
import { readSidecar, writeSidecar } from '../store/sidecar.js';

export class OutputChecks {
  private readonly pixelBudget = new PixelBudget(PIXEL_BUDGET_BYTES);

  constructor(readonly preset: Preset) {}

  /** The preset's verdict on the output at `file`. */
  of(file: string): Promise<Compliance> {
    return checkOutput(file, this.preset, this.pixelBudget);
  }

  /**
   * The verdict on an earlier run's output: as its sidecar records it when the checks are the
   * same, else judged now and recorded in the sidecar. Undefined when the sidecar is gone.
   */
  async ofEarlier(
    outputPath: string,
    sidecarFile: string,
    folder: OutputFolder,
    redactor: Redactor,
  ): Promise<Compliance | undefined> {
    const sidecar = await readSidecar(sidecarFile);
    if (!sidecar) return undefined;
    const recorded = complianceFrom(sidecar.compliance);
    if (isCurrent(recorded, this.preset)) return recorded;
    const compliance = await this.of(outputPath);
    await writeSidecar(folder, sidecarFile, { ...sidecar, compliance }, redactor);
    return compliance;
  }
}
