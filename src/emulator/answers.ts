/**
 * The API's error bodies, by endpoint family: v2 (`/v2/edit`, `/v2/account`) answers
 * `{"error":{"message"}}` (402: `{"error":{"detail"}}`), v1 (`/v1/segment`) answers
 * `{"detail","status_code","type"}`; 403 comes without a body.
 */
import type { ServerResponse } from 'node:http';

export type ApiFamily = 'v1' | 'v2';

const V1_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  402: 'payment_required',
  404: 'not_found',
  405: 'method_not_allowed',
  429: 'rate_limit_error',
};

function errorBody(family: ApiFamily, status: number, message: string): string {
  if (family === 'v1') {
    return JSON.stringify({ detail: message, status_code: status, type: V1_TYPES[status] ?? 'server_error' });
  }
  return JSON.stringify(status === 402 ? { error: { detail: message } } : { error: { message } });
}

export function sendError(
  response: ServerResponse,
  family: ApiFamily,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (status === 403) {
    response.writeHead(403, { 'content-length': '0', ...headers }).end();
    return;
  }
  const body = errorBody(family, status, message);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
    .end(body);
}

export function sendJson(response: ServerResponse, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  response
    .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
    .end(body);
}

export const FAULT_MESSAGES: Readonly<Record<number, string>> = {
  500: 'Internal server error (emulated fault)',
  502: 'Bad gateway (emulated fault)',
  503: 'Service unavailable (emulated fault)',
};
