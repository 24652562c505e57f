/** Every request the CLI builds for POST /v2/edit, against Prism mocking each contract (see requests.ts). */
import { prismAcceptsEveryRequest } from './requests.js';

prismAcceptsEveryRequest('POST /v2/edit');
