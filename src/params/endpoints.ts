import type { Endpoint } from './types.js';

/** The API path of each image endpoint, as requests use it and messages name it. */
export const ENDPOINT_PATH = { edit: '/v2/edit', segment: '/v1/segment' } as const satisfies Record<Endpoint, string>;

export type EndpointPath = (typeof ENDPOINT_PATH)[Endpoint];

export const ACCOUNT_PATH = '/v2/account';
