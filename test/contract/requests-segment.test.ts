/** Every request the CLI builds for POST /v1/segment, and the credits check, against Prism mocking each contract (see requests.ts). */
import { prismAcceptsEveryRequest, prismAcceptsTheCreditsCheck } from './requests.js';

prismAcceptsEveryRequest('POST /v1/segment');
prismAcceptsTheCreditsCheck();
