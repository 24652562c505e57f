/**
 * `--shard I/N`: the part of the inputs that one of N processes takes. An input's shard is a
 * stable hash of its path below its input root (a URL input: the URL) modulo N, so it never
 * depends on the other inputs: adding or removing files moves no other file to another
 * shard, and every machine of a CI matrix, whatever its checkout folder, agrees.
 */
import { createHash } from 'node:crypto';
import type { DiscoveredInput } from './discover.js';

export interface Shard {
  /** 1-based: shard 1 of 3, 2 of 3, 3 of 3. */
  index: number;
  count: number;
}

/** Beyond this a shard would hold almost nothing, and the count is surely a mistake. */
export const MAX_SHARDS = 10_000;

/** A whole number written as digits only: no sign, spaces, leading zeros, fraction or exponent. */
export function readDigits(text: string): number | null {
  return /^(0|[1-9]\d*)$/.test(text) ? Number(text) : null;
}

/** A shard count: 1 to MAX_SHARDS, as digits only, or null. */
export function parseShardCount(text: string): number | null {
  const count = readDigits(text);
  return count !== null && count >= 1 && count <= MAX_SHARDS ? count : null;
}

/** Exactly `I/N`, digits only, with 1 ≤ I ≤ N ≤ MAX_SHARDS, or null: ` 1/3`, `1 / 3` and `01/3` are not shards. */
export function parseShard(text: string): Shard | null {
  const [indexText, countText, ...rest] = text.split('/');
  if (indexText === undefined || countText === undefined || rest.length > 0) return null;
  const index = readDigits(indexText);
  const count = parseShardCount(countText);
  return index !== null && count !== null && index >= 1 && index <= count ? { index, count } : null;
}

/** What an input is hashed by: its path below its root, `/`-separated, or its URL. */
function shardKey(input: DiscoveredInput): string {
  return input.kind === 'url' ? input.url : input.relative;
}

/** The 1-based shard of `key` among `count`: the first 48 bits of its UTF-8 SHA-256, modulo `count`. */
export function shardOf(key: string, count: number): number {
  return (createHash('sha256').update(key, 'utf8').digest().readUIntBE(0, 6) % count) + 1;
}

export function inShard(shard: Shard, input: DiscoveredInput): boolean {
  return shardOf(shardKey(input), shard.count) === shard.index;
}

/** `--rate` is the account's: each of N shards running at once takes a share of it. */
export function rateShare(perMinute: number | undefined, shard: Shard | undefined): number | undefined {
  return perMinute === undefined || shard === undefined ? perMinute : perMinute / shard.count;
}

/** The account's `--rate` that gives one shard `perMinute`: its share times the shards (rateShare undone). */
export function wholeKeyRate(perMinute: number, shard: Shard | undefined): number {
  return perMinute * (shard?.count ?? 1);
}
