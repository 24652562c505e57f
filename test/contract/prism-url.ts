/** In a test file: the origin of the Prism that prisms.setup.ts started for a contract. */
import { inject } from 'vitest';
import type { Contract } from './contracts.js';

export function prismUrl(contract: Contract): string {
  return inject('prismUrls')[contract.name];
}
