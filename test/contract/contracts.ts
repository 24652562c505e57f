/**
 * The two contracts the CLI is checked against, each mocked by one Prism for the whole run
 * (started by prisms.setup.ts, the vitest globalSetup of the contract project): the seed, and
 * the 2026-06-22 document the parameter table follows. A test file finds its Prism with
 * `prismUrl` (prism-url.ts).
 */
import { todaysContract } from './openapi.js';
import { contract, type OpenApiDocument } from './seed.js';

export type ContractName = 'seed' | '2026-06-22';

export interface Contract {
  name: ContractName;
  label: string;
  document: OpenApiDocument;
}

export const CONTRACTS: readonly Contract[] = [
  { name: 'seed', label: 'the seed', document: contract() },
  { name: '2026-06-22', label: 'the 2026-06-22 contract', document: todaysContract() },
];

declare module 'vitest' {
  interface ProvidedContext {
    /** The origin of the Prism mocking each contract. */
    prismUrls: Record<ContractName, string>;
  }
}
