/** Every request the CLI builds for GET /v2/edit, against Prism mocking each contract (see requests.ts). */
import { prismAcceptsEveryRequest } from './requests.js';

prismAcceptsEveryRequest('GET /v2/edit');
