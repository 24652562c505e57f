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

/** `I/N` with 1 ≤ I ≤ N ≤ MAX_SHARDS, or null. */
export function parseShard(text: string): Shard | null {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && index <= count && count <= MAX_SHARDS ? { index, count } : null;
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
