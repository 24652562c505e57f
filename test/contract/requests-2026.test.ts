/** Every request the CLI builds, against Prism mocking the 2026-06-22 contract (see requests.ts). */
import { todaysContract } from './openapi.js';
import { prismAcceptsEveryRequest } from './requests.js';

prismAcceptsEveryRequest('the 2026-06-22 contract', todaysContract(), false);
