/**
 * Which shard a run takes: `--shard I/N` (or PHOTOROOM_SHARD), or `--shards N` with the
 * 0-based index that a Kubernetes Indexed Job sets in JOB_COMPLETION_INDEX.
 */
import type { Shard } from '../inputs/shard.js';
import type { RunSettings } from './options.js';

export const JOB_INDEX_VARIABLE = 'JOB_COMPLETION_INDEX';

export function resolveShard(
  run: Pick<RunSettings, 'shard' | 'shards'>,
  env: Readonly<Record<string, string | undefined>>,
): { shard?: Shard; problems: string[] } {
  const count = run.shards;
  if (count === undefined) return { shard: run.shard, problems: [] };
  if (run.shard) return { problems: ['--shard and --shards are two ways to name the shard: give one'] };
  const text = env[JOB_INDEX_VARIABLE]?.trim();
  if (!text) {
    return { problems: [`--shards ${count} takes the shard from ${JOB_INDEX_VARIABLE}, which is not set (a Kubernetes Indexed Job sets it); elsewhere use --shard I/${count}`] };
  }
  const index = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(index < count)) {
    return { problems: [`${JOB_INDEX_VARIABLE}=${JSON.stringify(text)}: expected a whole number from 0 to ${count - 1} (--shards ${count})`] };
  }
  return { shard: { index: index + 1, count }, problems: [] };
}
