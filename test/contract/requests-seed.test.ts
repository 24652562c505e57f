/** Every request the CLI builds, against Prism mocking the seed (see requests.ts). */
import { prismAcceptsEveryRequest } from './requests.js';
import { contract } from './seed.js';

// The seed's /v2/account example says no image is left.
prismAcceptsEveryRequest('the seed', contract(), true);
