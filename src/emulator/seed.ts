/** Deterministic seeds and pseudo-random numbers for the emulator's generated content. */
import { createHash } from 'node:crypto';

/** A deterministic 31-bit seed from text or bytes. */
export function hashSeed(value: string | Buffer): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) >>> 1;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1); any number seeds it (taken modulo 2^32). */
export function seededRandom(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
