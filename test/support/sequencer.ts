/**
 * The suite's files, longest first across all projects. Vitest's own order runs the projects
 * one after another (by name: contract, e2e, unit), so the last project's longest file started
 * late and ran alone at the end (engine.test.ts: 21 s, from 67 s of an 88-s run). A file's
 * time is its last run's (vitest's results cache); files with none (a fresh clone) go first,
 * largest first, as vitest's own sequencer has them.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export default class LongestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (file: TestSpecification) => `${file.project.name}:${path.relative(config.root, file.moduleId)}`;
    const lastDuration = (file: TestSpecification) => cache.getFileTestResults(key(file))?.duration;
    const size = (file: TestSpecification) => cache.getFileStats(key(file))?.size ?? 0;
    const ordered = [...files].sort((a, b) => {
      const [durationA, durationB] = [lastDuration(a), lastDuration(b)];
      if (durationA !== undefined && durationB !== undefined) return durationB - durationA;
      if (durationA === undefined && durationB === undefined) return size(b) - size(a);
      return durationA === undefined ? -1 : 1;
    });
    return Promise.resolve(ordered);
  }
}
