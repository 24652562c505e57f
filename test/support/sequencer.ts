/**
 * The order the suite's files start in: project by project, unit first and e2e last, and
 * within a project the longest first (its last run's time, from vitest's results cache; files
 * with none, as in a fresh clone, go first, largest first, as vitest's own sequencer has them).
 *
 * Vitest's own order takes the projects by name (contract, e2e, unit), so unit's longest file
 * (engine.test.ts, ~20 s) started when e2e's queue ran out and ran alone at the end of the run
 * (from 67 s to 88 s). E2e has many files, so its queue ends in short ones. The projects stay
 * whole: a worker runs one project's files in one module graph, and a worker taken from one
 * project to another must be started and import its graph again (interleaving every file by
 * length started 40 workers instead of 12).
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const PROJECT_ORDER = ['unit', 'unit-isolated', 'contract', 'e2e'];

export default class UnitFirstLongestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (file: TestSpecification) => `${file.project.name}:${path.relative(config.root, file.moduleId)}`;
    const lastDuration = (file: TestSpecification) => cache.getFileTestResults(key(file))?.duration;
    const size = (file: TestSpecification) => cache.getFileStats(key(file))?.size ?? 0;
    const rank = (file: TestSpecification) => PROJECT_ORDER.indexOf(file.project.name);
    const ordered = [...files].sort((a, b) => {
      if (rank(a) !== rank(b)) return rank(a) - rank(b);
      const [durationA, durationB] = [lastDuration(a), lastDuration(b)];
      if (durationA !== undefined && durationB !== undefined) return durationB - durationA;
      if (durationA === undefined && durationB === undefined) return size(b) - size(a);
      return durationA === undefined ? -1 : 1;
    });
    return Promise.resolve(ordered);
  }
}
