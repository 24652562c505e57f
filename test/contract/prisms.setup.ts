/**
 * Vitest globalSetup: one Prism per contract, started once (a few seconds each) for every
 * contract test file, which finds its origin with `prismUrl` (contracts.ts).
 */
import type { TestProject } from 'vitest/node';
import { CONTRACTS, type ContractName } from './contracts.js';
import { startPrism } from './prism.js';

export default async function startPrisms(project: TestProject): Promise<() => Promise<void>> {
  const started = await Promise.allSettled(CONTRACTS.map((contract) => startPrism(contract.document)));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stopAll = async () => {
    await Promise.all(running.map((prism) => prism.stop()));
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  const urls = Object.fromEntries(CONTRACTS.map((contract, index) => [contract.name, running[index]!.url]));
  project.provide('prismUrls', urls as Record<ContractName, string>);
  return stopAll;
}
