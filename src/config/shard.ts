/**
 * Which shard a run takes: `--shard I/N` (or PHOTOROOM_SHARD), or `--shards N` (or
 * PHOTOROOM_SHARDS) with the 0-based index that a Kubernetes Indexed Job sets in
 * JOB_COMPLETION_INDEX. resolve.ts has already chosen one of the two by the one precedence.
 */
import { readDigits, type Shard } from '../inputs/shard.js';
import { RUN_OPTIONS, type RunOptionKey, type RunSettings } from './options.js';

export const JOB_INDEX_VARIABLE = 'JOB_COMPLETION_INDEX';

export function resolveShard(
  run: Pick<RunSettings, 'shard' | 'shards'>,
  sources: Partial<Record<RunOptionKey, string>>,
  env: Readonly<Record<string, string | undefined>>,
): { shard?: Shard; problems: string[] } {
  const count = run.shards;
  if (count === undefined) return { shard: run.shard, problems: [] };
  // The count as the user gave it: `--shards 3`, `PHOTOROOM_SHARDS=3`, `.photoroomrc: shards 3`.
  const source = sources.shards ?? RUN_OPTIONS.shards.flag;
  const named = source === RUN_OPTIONS.shards.env ? `${source}=${count}` : `${source} ${count}`;
  const text = env[JOB_INDEX_VARIABLE];
  if (text === undefined || text === '') {
    return {
      problems: [
        `${named} takes the shard from ${JOB_INDEX_VARIABLE}, which is not set (a Kubernetes Indexed Job sets it); elsewhere use --shard I/${count}`,
      ],
    };
  }
  const index = readDigits(text);
  if (index === null || index >= count) {
    return {
      problems: [
        `${JOB_INDEX_VARIABLE}=${JSON.stringify(text)}: expected a whole number from 0 to ${count - 1} in digits only (${named})`,
      ],
    };
  }
  return { shard: { index: index + 1, count }, problems: [] };
}
